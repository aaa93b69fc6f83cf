"""Agent banks, funding sources, and the loan lines of a monthly report."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs.models import MonthlyReport, NamedModel
from reliefjobs.stamps import History


class Bank(NamedModel):
    """The agent bank (بانک عامل) that pays the loan."""

    class Meta(NamedModel.Meta):
        verbose_name = _("agent bank")
        verbose_name_plural = _("agent banks")
        constraints = [models.UniqueConstraint(fields=["name_key"], name="bank_unique_name")]


class FundingSource(NamedModel):
    """Where the loan money comes from (منبع اعتبار), e.g. صندوق امداد ولایت."""

    class Meta(NamedModel.Meta):
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [models.UniqueConstraint(fields=["name_key"], name="funding_unique_name")]


class LoanFigure(models.Model):
    """Loans paid in one month through one bank from one funding source."""

    # Indexed by loan_unique_bank_source (report first).
    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="loan_lines", db_index=False
    )
    bank = models.ForeignKey(Bank, verbose_name=_("agent bank"), on_delete=models.PROTECT)
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT
    )
    count = models.PositiveBigIntegerField(_("loans paid"), default=0)
    amount_rial = models.PositiveBigIntegerField(_("amount (rial)"), default=0)

    # A line's history is read by line and by month, never by bank or source.
    history = History(no_db_index=["bank", "funding_source"])

    class Meta:
        verbose_name = _("loans by bank and source")
        verbose_name_plural = _("loans by bank and source")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "bank", "funding_source"], name="loan_unique_bank_source"
            ),
            models.CheckConstraint(
                condition=Q(count__gte=0, amount_rial__gte=0), name="loan_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank} / {self.funding_source}: {self.count}"


class ReferralFigure(models.Model):
    """Clients referred to a bank in one month and not yet paid."""

    # Indexed by referral_unique_bank (report first).
    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="referral_lines", db_index=False
    )
    bank = models.ForeignKey(Bank, verbose_name=_("agent bank"), on_delete=models.PROTECT)
    value = models.PositiveBigIntegerField(_("referred, not yet paid"))

    history = History(no_db_index=["bank"])

    class Meta:
        verbose_name = _("referrals to bank")
        verbose_name_plural = _("referrals to bank")
        constraints = [
            models.UniqueConstraint(fields=["report", "bank"], name="referral_unique_bank"),
        ]

    def __str__(self) -> str:
        return f"{self.bank}: {self.value}"
