"""Provinces, county offices, schemes, users, monthly reports and targets."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_jalali.db import models as jmodels

from programs.access import Role, is_national, province_q
from reliefjobs.lib.jalali import MAX_YEAR, MIN_YEAR, month_label
from reliefjobs.lib.text import clean_display_name, normalize_name
from reliefjobs.stamps import History, StampField


class NamedQuerySet(models.QuerySet):
    def named(self, name: str):
        """Match by normalised name (ي/ی, ك/ک, ZWNJ and spacing variants)."""
        return self.filter(name_key=normalize_name(name))

    def active(self):
        return self.filter(is_active=True)


class NamedModel(models.Model):
    """A reference list entry matched by its normalised name."""

    name = models.CharField(_("name"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_display_name(self.name)
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=10, choices=Role.CHOICES, default=Role.STAFF)
    province = models.ForeignKey(
        "programs.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty means national scope."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.VALUES), name="user_role_valid"),
        ]

    @property
    def scope_label(self) -> str:
        return self.province.name if self.province_id else str(_("Whole country"))


class ProvinceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if is_national(user):
            return self.all()
        return self.filter(pk=getattr(user, "province_id", None) or 0)

    def by_identifier(self, identifier: str):
        """A province as people write it (programs.names): ISO code with any
        separator or none («IR-19», «IR19», «IR–19», «19»), Persian name with or
        without «استان», or English name («Zanjan»)."""
        from programs import names

        text = str(identifier)
        if "\x00" in text or len(text) > 200:
            return None  # PostgreSQL refuses NUL in text; no name is that long
        number = names.province_number(text)
        if number is not None:
            return self.filter(code=f"IR-{number:02d}").first()
        province = self.filter(name_key=names.province_key(text)).first()
        if province is not None:
            return province
        key = names.english_key(text)
        if not key:
            return None
        number = names.english_number(text)
        codes = {
            names.english_key(name): code for code, name in self.values_list("code", "name_en")
        }
        code = codes.get(key) or (f"IR-{number:02d}" if number is not None else None)
        return self.filter(code=code).first() if code else None


class Province(models.Model):
    code = models.CharField(_("ISO 3166-2 code"), max_length=5, unique=True)
    name = models.CharField(_("Persian name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60)
    name_key = models.CharField(max_length=60, unique=True, editable=False)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_display_name(self.name)
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)


class CountyOfficeQuerySet(NamedQuerySet):
    def visible_to(self, user):
        return self.filter(province_q(user))

    def in_province(self, province):
        return self.filter(province=province)


class CountyOffice(models.Model):
    """A county office (اداره شهرستان). Deactivated when it closes, never deleted."""

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="offices"
    )
    name = models.CharField(_("name"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    opened_on = jmodels.jDateField(_("opened on"), null=True, blank=True)
    closed_on = jmodels.jDateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )

    objects = CountyOfficeQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["province__code", "name"]
        verbose_name = _("county office")
        verbose_name_plural = _("county offices")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "name_key"], name="office_unique_name_in_province"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_display_name(self.name)
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("An office cannot close before it opens.")})
        if self.merged_into_id and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": _("An office cannot merge into itself.")})


class Scheme(NamedModel):
    """A job-creation scheme (طرح), e.g. کاریابی."""

    class Meta(NamedModel.Meta):
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        constraints = [models.UniqueConstraint(fields=["name_key"], name="scheme_unique_name")]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class MonthlyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_q(user, field="office__province"))

    def for_year(self, year: int):
        return self.filter(year=year)

    def in_province(self, province):
        return self.filter(office__province=province)


class MonthlyReport(models.Model):
    """One county office's figures for one Jalali month.

    The per-scheme, per-bank lines hang off it (JobsFigure, loans.LoanFigure,
    loans.ReferralFigure); the totals below are kept equal to their sums by
    programs.services in the same transaction, so reports read one row per
    month instead of every line.
    """

    # Indexed by report_unique_month (office, year, month), as are the lines'
    # report columns by their unique keys: a second index would only cost writes.
    office = models.ForeignKey(
        CountyOffice,
        verbose_name=_("county office"),
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    trainees = models.PositiveBigIntegerField(_("people trained"), default=0)
    exits = models.PositiveBigIntegerField(_("households leaving support"), default=0)
    # Totals of the lines (maintained by services.recompute_totals).
    jobs = models.PositiveBigIntegerField(_("jobs created"), default=0)
    loans_count = models.PositiveBigIntegerField(_("loans paid"), default=0)
    loans_amount_rial = models.PositiveBigIntegerField(_("loans paid (rial)"), default=0)
    referred = models.PositiveBigIntegerField(_("referred to bank"), default=0)
    # Optimistic locking: every save bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = StampField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MonthlyReportQuerySet.as_manager()
    # History is read by record, month, office, person and date, never by editor.
    history = History(no_db_index=["updated_by"])

    class Meta:
        ordering = ["office", "year", "month"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "month"], name="report_unique_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="report_month_1_12"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="report_year_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["year", "month"], name="report_year_month")]

    def __str__(self) -> str:
        return f"{self.office} – {self.period_label}"

    @property
    def period_label(self) -> str:
        return month_label(self.year, self.month)

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.APPROVED


class JobsFigure(models.Model):
    """Jobs created in one month by one scheme."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="jobs_lines", db_index=False
    )
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT)
    value = models.PositiveBigIntegerField(_("jobs"))

    # A line's history is read by line and by month, never by scheme.
    history = History(no_db_index=["scheme"])

    class Meta:
        verbose_name = _("jobs by scheme")
        verbose_name_plural = _("jobs by scheme")
        constraints = [
            models.UniqueConstraint(fields=["report", "scheme"], name="jobs_unique_scheme"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}: {self.value}"


class Measure(models.TextChoices):
    JOBS = "jobs", _("Jobs created")
    LOANS_COUNT = "loans_count", _("Loans paid")
    LOANS_AMOUNT_RIAL = "loans_amount_rial", _("Loans paid (rial)")
    TRAINEES = "trainees", _("People trained")


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_q(user))

    def for_year(self, year: int):
        return self.filter(year=year)

    def province_level(self):
        return self.filter(office__isnull=True)


class Target(models.Model):
    """An annual goal for a province (office empty) or one of its county offices."""

    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    office = models.ForeignKey(
        CountyOffice,
        verbose_name=_("county office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    value = models.PositiveBigIntegerField(_("target"))

    objects = TargetQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["year", "province", "office", "measure"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "province", "measure"],
                condition=Q(office__isnull=True),
                name="target_unique_province",
            ),
            models.UniqueConstraint(
                fields=["year", "office", "measure"],
                condition=Q(office__isnull=False),
                name="target_unique_office",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="target_year_range"
            ),
            models.CheckConstraint(
                condition=Q(measure__in=Measure.values), name="target_measure_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_measure_display()}: {self.value}"

    def clean(self):
        if self.office_id and self.province_id and self.office.province_id != self.province_id:
            raise ValidationError({"office": _("The county office is not in this province.")})


# --- Monthly data entry: workflow log, settings, warnings, field notes -------


class EntrySettings(models.Model):
    """Admin-set rules for monthly entry (one row; `EntrySettings.load()`)."""

    deadline_day = models.PositiveSmallIntegerField(
        _("deadline day"),
        default=10,
        help_text=_("A month is due by this day of the following Jalali month."),
    )
    min_average_loan_rial = models.PositiveBigIntegerField(
        _("smallest expected average loan (rial)"), default=50_000_000
    )
    max_average_loan_rial = models.PositiveBigIntegerField(
        _("largest expected average loan (rial)"), default=5_000_000_000
    )
    max_jobs_per_loan = models.PositiveSmallIntegerField(_("most jobs per loan"), default=5)
    spike_factor = models.PositiveSmallIntegerField(
        _("spike factor"),
        default=3,
        help_text=_(
            "Warn when a value is more than this many times the average of the previous 6 months."
        ),
    )

    # Reminders (notices.reminders): by email and in the app, once per person and cycle.
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind staff days before the deadline"),
        default=3,
        help_text=_("Staff are reminded this many days before the deadline of months not sent."),
    )
    remind_days_after = models.PositiveSmallIntegerField(
        _("remind staff days after the deadline"),
        default=1,
        help_text=_("Staff are told of overdue months this many days after the deadline."),
    )
    remind_waiting_days = models.PositiveSmallIntegerField(
        _("remind managers after days waiting"),
        default=5,
        help_text=_("Managers are reminded of months waiting for approval longer than this."),
    )

    class Meta:
        verbose_name = _("entry settings")
        verbose_name_plural = _("entry settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_day__gte=1, deadline_day__lte=29),
                name="entry_deadline_day_1_29",
            ),
            models.CheckConstraint(
                condition=Q(min_average_loan_rial__lte=models.F("max_average_loan_rial")),
                name="entry_loan_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(_("entry settings"))

    @classmethod
    def load(cls) -> EntrySettings:
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings


class TransitionAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    UNLOCK = "unlock", _("Unlocked")


class ReportTransition(models.Model):
    """One step of a month's workflow: who moved it, when, why."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=10, choices=TransitionAction.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=ReportStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=ReportStatus.choices)
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = StampField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        indexes = [models.Index(fields=["report", "to_status"], name="transition_report_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=TransitionAction.values), name="transition_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_action_display()}"


class WarningConfirmation(models.Model):
    """A warning on a month's figures that someone confirmed, with their reason."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="confirmations"
    )
    code = models.CharField(_("warning"), max_length=40)
    field = models.CharField(_("field"), max_length=40, blank=True)
    message = models.TextField(_("message"))
    reason = models.TextField(_("reason"))
    # Empty when the trusted command-line operator confirmed (import_figures --accept-warnings).
    by = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    at = StampField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("confirmed warning")
        verbose_name_plural = _("confirmed warnings")

    def __str__(self) -> str:
        return self.message


class NoteArea(models.TextChoices):
    EXECUTIVE = "executive", _("Executive")
    BANKING = "banking", _("Banking")
    INSURANCE = "insurance", _("Insurance")
    OTHER = "other", _("Other")


class NoteStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class FieldNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_q(user, field="office__province"))

    def in_province(self, province):
        return self.filter(office__province=province)


class FieldNote(models.Model):
    """An obstacle found in a field visit or meeting at a county office."""

    office = models.ForeignKey(
        CountyOffice,
        verbose_name=_("county office"),
        on_delete=models.PROTECT,
        related_name="notes",
    )
    noted_on = models.DateField(_("date"))
    area = models.CharField(_("area"), max_length=10, choices=NoteArea.choices)
    bank = models.ForeignKey(
        "loans.Bank", verbose_name=_("agent bank"), on_delete=models.PROTECT, null=True, blank=True
    )
    text = models.TextField(_("obstacle"))
    status = models.CharField(
        _("status"), max_length=10, choices=NoteStatus.choices, default=NoteStatus.OPEN
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = StampField(auto_now_add=True)

    objects = FieldNoteQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["-noted_on", "-pk"]
        verbose_name = _("field note")
        verbose_name_plural = _("field notes")
        constraints = [
            models.CheckConstraint(condition=Q(area__in=NoteArea.values), name="note_area_valid"),
            models.CheckConstraint(
                condition=Q(status__in=NoteStatus.values), name="note_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(resolved_on__isnull=False),
                name="note_resolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.text[:40]}"

    def clean(self):
        if self.status == NoteStatus.RESOLVED and not self.resolved_on:
            raise ValidationError({"resolved_on": _("A resolved note needs its resolution date.")})
        if self.resolved_on and self.noted_on and self.resolved_on < self.noted_on:
            raise ValidationError(
                {"resolved_on": _("A note cannot be resolved before it was noted.")}
            )
