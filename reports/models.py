"""Rollup tables: the figures summed per province × month and per office × year.

The dashboards and the API read these instead of every monthly report and
line, so a national view reads hundreds of rows whatever the number of
county offices. They are derived data only: reports.rollups keeps them equal
to the sums of programs.MonthlyReport and its lines inside every writing
transaction, and `rollups.rebuild()` recomputes them from scratch.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureTotals(models.Model):
    """The six summed figures of the monthly report."""

    jobs = models.PositiveBigIntegerField(_("jobs created"), default=0)
    loans_count = models.PositiveBigIntegerField(_("loans paid"), default=0)
    loans_amount_rial = models.PositiveBigIntegerField(_("loans paid (rial)"), default=0)
    referred = models.PositiveBigIntegerField(_("referred to bank"), default=0)
    trainees = models.PositiveBigIntegerField(_("people trained"), default=0)
    exits = models.PositiveBigIntegerField(_("households leaving support"), default=0)
    # How many monthly reports were summed (any status).
    reports = models.PositiveIntegerField(default=0)

    TOTAL_FIELDS = ("jobs", "loans_count", "loans_amount_rial", "referred", "trainees", "exits")

    class Meta:
        abstract = True


class ProvinceMonth(MeasureTotals):
    """One province's figures for one Jalali month (31 × 12 rows a year)."""

    province = models.ForeignKey("programs.Province", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("province month (rollup)")
        verbose_name_plural = _("province months (rollup)")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "month"], name="rollup_province_month_unique"
            ),
        ]
        # National views filter on the year alone.
        indexes = [models.Index(fields=["year", "month"], name="rollup_pm_year")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}/{self.month}"


class OfficeYear(MeasureTotals):
    """One county office's figures for one Jalali year (the province page's rows)."""

    office = models.ForeignKey("programs.CountyOffice", on_delete=models.CASCADE, related_name="+")
    # Denormalised from the office so a province page filters one index.
    province = models.ForeignKey("programs.Province", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("office year (rollup)")
        verbose_name_plural = _("office years (rollup)")
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="rollup_office_year_unique"),
        ]
        indexes = [models.Index(fields=["province", "year"], name="rollup_oy_province_year")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.year}"


class ProvinceMonthScheme(models.Model):
    """Jobs per scheme, per province and month."""

    province = models.ForeignKey("programs.Province", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    scheme = models.ForeignKey("programs.Scheme", on_delete=models.CASCADE, related_name="+")
    jobs = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "month", "scheme"], name="rollup_pm_scheme_unique"
            ),
        ]
        indexes = [models.Index(fields=["year", "province"], name="rollup_pms_year")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}/{self.month} scheme {self.scheme_id}"


class ProvinceMonthLoan(models.Model):
    """Loans per agent bank × funding source, per province and month."""

    province = models.ForeignKey("programs.Province", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    bank = models.ForeignKey("loans.Bank", on_delete=models.CASCADE, related_name="+")
    funding_source = models.ForeignKey(
        "loans.FundingSource", on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveBigIntegerField(default=0)
    amount_rial = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "month", "bank", "funding_source"],
                name="rollup_pm_loan_unique",
            ),
        ]
        indexes = [models.Index(fields=["year", "province"], name="rollup_pml_year")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}/{self.month} bank {self.bank_id}"


class ProvinceMonthReferral(models.Model):
    """Clients referred to each bank and not yet paid, per province and month."""

    province = models.ForeignKey("programs.Province", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    bank = models.ForeignKey("loans.Bank", on_delete=models.CASCADE, related_name="+")
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "month", "bank"], name="rollup_pm_referral_unique"
            ),
        ]
        indexes = [models.Index(fields=["year", "province"], name="rollup_pmr_year")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}/{self.month} bank {self.bank_id}"
