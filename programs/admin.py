"""The Django admin for admins and provincial users: Persian, RTL, Jalali, scoped.

`ScopedAdmin` (with `ScopedInline` and `NormalizedSearchMixin`) is the reusable
piece: any ModelAdmin that mixes it in limits rows, foreign-key choices and
permissions to the user's province and role through programs.access, instead
of Django's model permissions. `ReferenceAdmin` is the admin-only variant for
lists every province shares (provinces, schemes, banks, funding sources).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import django_jalali.admin  # noqa: F401  (registers the Jalali date widget for jDateField)
import jdatetime
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_jalali.admin.filters import JDateFieldListFilter
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from loans.models import LoanFigure, ReferralFigure
from programs import access, services
from programs.access import Role
from programs.admin_forms import (
    DuplicateCheckMixin,
    PersianFormsAdmin,
    ProvinceOfficeSelect,
    TargetAdminForm,
    duplicate_error,
    is_money_field,
    toman_label,
)
from programs.models import (
    CountyOffice,
    JobsFigure,
    Measure,
    MonthlyReport,
    Province,
    Scheme,
    Target,
    User,
)
from programs.target_sums import gap_text, target_gaps
from reliefjobs.lib import clock
from reliefjobs.lib.jalali import format_date
from reliefjobs.lib.money import group_digits, rial_to_toman, toman_words
from reliefjobs.lib.text import normalize_name, to_persian_digits

admin.site.site_header = _("Relief agency employment system")
admin.site.site_title = _("Relief agency employment system")
admin.site.index_title = _("Data management")

# Path from a model to its Province, for limiting foreign-key choices to the
# user's province. Other apps add their own models here ("app_label.modelname").
FK_SCOPE_PATHS: dict[str, str] = {
    "programs.countyoffice": "province",
    "programs.monthlyreport": "office__province",
    "programs.target": "province",
}


# ---------------------------------------------------------------- display helpers
def jalali(value) -> str:
    """A date, jDate or datetime as the user reads it: «۱۳۹۸/۰۲/۰۸»."""
    if isinstance(value, jdatetime.date):
        return to_persian_digits(value.strftime("%Y/%m/%d"))
    return format_date(value)


def digits(value) -> str:
    """A count with Persian digits and grouping: «۲٬۴۰۲»."""
    return "" if value is None else group_digits(value)


def toman_text(rial) -> str:
    """Integer rials as people read money: «۲٬۱۰۴٬۷۰۰٬۰۰۰ تومان» (docs/GLOSSARY.md, Units)."""
    return "" if rial is None else f"{group_digits(rial_to_toman(rial))} {_('toman')}"


def role_of(user) -> str | None:
    """The user's role for the admin; superusers count as admins."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    return Role.ADMIN if access.is_admin(user) else user.role


def scoped_choices(model, user, queryset=None):
    """`model`'s rows the user may pick in a form, or None when it is not scoped."""
    queryset = model._default_manager.all() if queryset is None else queryset
    if model is Province:
        return queryset.filter(pk__in=Province.objects.visible_to(user).values("pk"))
    path = FK_SCOPE_PATHS.get(model._meta.label_lower)
    if path is None:
        return None
    return queryset.filter(access.province_q(user, field=path))


class YearFilter(admin.SimpleListFilter):
    """The Jalali years present, in Persian digits (for models with a `year`)."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).order_by("-year").values_list("year", flat=True)
        return [(year, to_persian_digits(year)) for year in dict.fromkeys(years)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(year=value) if value and value.isdigit() else queryset


class RelatedOnlyFilter(admin.RelatedOnlyFieldListFilter):
    """Django's related-only filter, which also filters when it offers one choice.

    Django hides a filter with a single choice and then drops its parameter, so
    a staff member's list "filtered" by another province showed their own rows.
    """

    def has_output(self):
        return bool(self.lookup_val or self.lookup_val_isnull) or super().has_output()


# ---------------------------------------------------------------- reusable mixins
class NormalizedSearchMixin:
    """Search that also matches name keys, so «اسلامشهر», «اسلام‌شهر», Arabic ي/ك
    and Persian digits all find the same office.

    `name_key_fields`: paths to `name_key` columns, e.g. ("office__name_key",).
    """

    name_key_fields: tuple[str, ...] = ("name_key",)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = normalize_name(search_term)
        if key and self.name_key_fields:
            matches = queryset.none()
            for field in self.name_key_fields:
                matches = matches | queryset.filter(**{f"{field}__contains": key})
            results = results | matches
        return results, may_have_duplicates


class ScopedAdmin(PersianFormsAdmin):
    """Mix into a ModelAdmin to scope it by province and role (programs.access).

    Class attributes:
    - `scope_field`: path from the model to Province ("province",
      "office__province", "report__office__province").
    - `view_roles`, `edit_roles`, `delete_roles`: roles allowed to view, to
      add/change, and to delete (superusers count as Role.ADMIN). Django's
      model permissions are not consulted.

    Rows of other provinces are invisible: the changelist is filtered, and a
    change, delete or history URL for one answers 404 (403 for history).
    Foreign-key choices listed in FK_SCOPE_PATHS (and provinces) are limited
    to the user's province.
    """

    scope_field = "province"
    view_roles: tuple[str, ...] = (Role.STAFF, Role.MANAGER, Role.ADMIN)
    edit_roles: tuple[str, ...] = (Role.STAFF, Role.ADMIN)
    delete_roles: tuple[str, ...] = (Role.ADMIN,)

    def province_id_of(self, obj) -> int | None:
        *path, last = self.scope_field.split("__")
        for name in path:
            obj = getattr(obj, name, None)
        return getattr(obj, f"{last}_id", None)

    def in_scope(self, request, obj) -> bool:
        return obj is None or access.can_view_province(request.user, self.province_id_of(obj))

    def has_role(self, request, roles) -> bool:
        return role_of(request.user) in roles

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(access.province_q(request.user, field=self.scope_field))

    def get_object(self, request, object_id, from_field=None):
        # Another province's row is "not found", never shown nor redirected with a hint.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = scoped_choices(db_field.related_model, request.user, kwargs.get("queryset"))
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return self.has_role(request, self.view_roles)

    def has_view_permission(self, request, obj=None):
        return self.has_role(request, self.view_roles) and self.in_scope(request, obj)

    def has_add_permission(self, request, *args):
        return self.has_role(request, self.edit_roles)

    def has_change_permission(self, request, obj=None):
        return self.has_role(request, self.edit_roles) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_role(request, self.delete_roles) and self.in_scope(request, obj)


class ScopedInline(PersianFormsAdmin):
    """Mix into an InlineModelAdmin: it may do what its parent admin may change.

    Set `read_only = True` for a summary that links to the rows instead.
    """

    read_only = False

    def _parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = scoped_choices(db_field.related_model, request.user, kwargs.get("queryset"))
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self.read_only and self._parent_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and self._parent_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.read_only and self._parent_admin().has_change_permission(request, obj)


class JalaliHistoryContext(HistoricalRecordContextHelper):
    """Changes shown with Persian digits and Jalali dates, bookkeeping fields left out."""

    hidden_fields: tuple[str, ...] = ()

    def context_for_delta_changes(self, delta):
        kept = [c for c in delta.changes if c.field not in self.hidden_fields]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=kept))

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and value is not None:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, int) and not isinstance(value, bool):
            if self._is_money(field):
                return toman_text(value)
            return digits(value)
        if isinstance(value, dt.date | jdatetime.date):
            return jalali(value)
        return super().prepare_delta_change_value(change, value)

    def _is_money(self, field) -> bool:
        if field.name == "value" and self.model is Target:
            return getattr(self.record, "measure", "") == Measure.LOANS_AMOUNT_RIAL
        return is_money_field(field)


class JalaliHistoryAdmin(SimpleHistoryAdmin):
    """simple_history's history pages with Jalali dates and Persian labels."""

    object_history_list_template = "admin/history_list_jalali.html"
    # Bookkeeping, not something a person changed.
    history_hidden_fields = ("version", "updated_at", "updated_by")
    # Reverting restores one row without its lines or derived totals.
    allow_revert = True

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        for record in historical_records:
            record.jalali_date = jalali(record.history_date)
        return super().set_history_delta_changes(request, historical_records, **kwargs)

    def get_historical_record_context_helper(self, request, historical_record):
        helper = JalaliHistoryContext(self.model, historical_record)
        helper.hidden_fields = self.history_hidden_fields
        return helper

    def revert_disabled(self, request, obj=None):
        return not self.allow_revert or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if self.revert_disabled(request, obj) or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class NationalAdminOnly:
    """Every permission of an admin screen for national admins only (access.can_manage_reference)."""

    def _may(self, request) -> bool:
        return access.can_manage_reference(request.user)

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        # The models PROTECT what figures reference; Django's delete page lists it.
        return self._may(request)


class ReferenceAdmin(NationalAdminOnly, PersianFormsAdmin, NormalizedSearchMixin, admin.ModelAdmin):
    """Lists every province shares: only national admins (can_manage_reference)."""

    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


# ---------------------------------------------------------------- reference lists
@admin.register(Province)
class ProvinceAdmin(ReferenceAdmin):
    list_display = ("code", "name", "name_en", "offices_count")
    list_filter = ()
    search_fields = ("code", "name", "name_en")

    def get_queryset(self, request):

        return super().get_queryset(request).annotate(_offices=Count("offices"))

    @admin.display(description=_("county offices"), ordering="_offices")
    def offices_count(self, obj):
        return digits(obj._offices)


@admin.register(Scheme)
class SchemeAdmin(ReferenceAdmin):
    pass


# ---------------------------------------------------------------- county offices
class ReportSummaryInline(ScopedInline, admin.TabularInline):
    """The office's months, read-only, each linking to its monthly report."""

    model = MonthlyReport
    read_only = True
    extra = 0
    show_change_link = True
    fields = ("period", "status", "jobs_display", "loans_display", "amount_display")
    readonly_fields = fields
    ordering = ("-year", "-month")

    def get_queryset(self, request):
        # Each row's link text names the office.
        return super().get_queryset(request).select_related("office")

    @admin.display(description=_("month"))
    def period(self, obj):
        return obj.period_label

    @admin.display(description=_("jobs created"))
    def jobs_display(self, obj):
        return digits(obj.jobs)

    @admin.display(description=_("loans paid"))
    def loans_display(self, obj):
        return digits(obj.loans_count)

    @admin.display(description=_("amount"))
    def amount_display(self, obj):
        return toman_words(obj.loans_amount_rial)


class TargetSummaryInline(ScopedInline, admin.TabularInline):
    model = Target
    fk_name = "office"
    read_only = True
    extra = 0
    show_change_link = True
    fields = ("year_display", "measure", "value_display")
    readonly_fields = fields
    ordering = ("-year", "measure")

    @admin.display(description=_("year"))
    def year_display(self, obj):
        return to_persian_digits(obj.year)

    @admin.display(description=_("target"))
    def value_display(self, obj):
        return target_value_text(obj)


def target_value_text(target: Target) -> str:
    if target.measure == Measure.LOANS_AMOUNT_RIAL:
        return toman_words(target.value)
    return digits(target.value)


def target_amount_text(measure: str, value: int) -> str:
    """A target figure with separators; an amount in toman with its unit."""
    return toman_text(value) if measure == Measure.LOANS_AMOUNT_RIAL else digits(value)


@admin.register(CountyOffice)
class CountyOfficeAdmin(ScopedAdmin, NormalizedSearchMixin, JalaliHistoryAdmin):
    """County offices are deactivated ("deactivate" action), never deleted.

    Admins manage them (DOMAIN.md); a provincial admin within their province.
    Staff and managers see their province's offices read-only.
    """

    edit_roles = (Role.ADMIN,)

    list_display = ("name", "province", "is_active", "opened", "closed")
    list_filter = (
        ("province", RelatedOnlyFilter),
        "is_active",
        ("opened_on", JDateFieldListFilter),
        ("closed_on", JDateFieldListFilter),
    )
    search_fields = ("name",)
    list_select_related = ("province",)
    fields = ("province", "name", "is_active", "opened_on", "closed_on", "merged_into")
    inlines = (ReportSummaryInline, TargetSummaryInline)
    actions = ("deactivate",)

    @admin.display(description=_("opened on"), ordering="opened_on")
    def opened(self, obj):
        return jalali(obj.opened_on)

    @admin.display(description=_("closed on"), ordering="closed_on")
    def closed(self, obj):
        return jalali(obj.closed_on)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Deactivate selected county offices"), permissions=["change"])
    def deactivate(self, request, queryset):
        today = jdatetime.date.fromgregorian(date=clock.today())
        count = 0
        with transaction.atomic():
            # One save per office so that each closure is in its history.
            for office in queryset.filter(is_active=True):
                office.is_active = False
                office.closed_on = office.closed_on or today
                office._history_user = request.user
                office.save()
                count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)s county office deactivated.",
                "%(count)s county offices deactivated.",
                count,
            )
            % {"count": to_persian_digits(count)},
            messages.SUCCESS,
        )


# ---------------------------------------------------------------- monthly reports
class FigureInline(ScopedInline, admin.TabularInline):
    extra = 0


class JobsFigureInline(FigureInline):
    model = JobsFigure
    fields = ("scheme", "value")


class LoanFigureInline(FigureInline):
    model = LoanFigure
    fields = ("bank", "funding_source", "count", "amount_rial", "amount_words")
    readonly_fields = ("amount_words",)

    @admin.display(description=_("amount"))
    def amount_words(self, obj):
        return toman_words(obj.amount_rial) if obj.pk else ""


class ReferralFigureInline(FigureInline):
    model = ReferralFigure
    fields = ("bank", "value")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ScopedAdmin, NormalizedSearchMixin, JalaliHistoryAdmin):
    """A month's lines are edited inline; totals follow through programs.services.

    Approved months are read-only except for admins.
    """

    scope_field = "office__province"
    name_key_fields = ("office__name_key",)
    search_fields = ("office__name",)
    list_display = (
        "office",
        "province",
        "period",
        "status",
        "jobs_display",
        "loans_display",
        "amount_display",
        "updated",
    )
    list_filter = (
        ("office__province", RelatedOnlyFilter),
        "office__is_active",
        "status",
        YearFilter,
    )
    list_select_related = ("office__province",)
    inlines = (JobsFigureInline, LoanFigureInline, ReferralFigureInline)
    allow_revert = False
    totals = ("jobs_display", "loans_display", "amount_display", "referred_display")

    def get_fields(self, request, obj=None):
        return ("office", "year", "month", "status", "trainees", "exits", *self.totals, "updated")

    def get_readonly_fields(self, request, obj=None):
        fixed = ["updated", *self.totals]
        if obj is not None:
            # A report's month is its identity; figures move by editing lines.
            fixed += ["office", "year", "month"]
        if not access.is_admin(request.user):
            fixed.append("status")
        return fixed

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is not None and obj.is_locked and not access.is_admin(request.user):
            return False
        return allowed

    @admin.display(description=_("province"), ordering="office__province__code")
    def province(self, obj):
        return obj.office.province

    @admin.display(description=_("month"), ordering="year")
    def period(self, obj):
        return obj.period_label

    @admin.display(description=_("jobs created"), ordering="jobs")
    def jobs_display(self, obj):
        return digits(obj.jobs)

    @admin.display(description=_("loans paid"), ordering="loans_count")
    def loans_display(self, obj):
        return digits(obj.loans_count)

    @admin.display(description=_("loans paid (toman)"), ordering="loans_amount_rial")
    def amount_display(self, obj):
        return toman_words(obj.loans_amount_rial)

    @admin.display(description=_("referred to bank"))
    def referred_display(self, obj):
        return digits(obj.referred)

    @admin.display(description=_("updated at"), ordering="updated_at")
    def updated(self, obj):
        return jalali(obj.updated_at)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report = form.instance
        # The inline lines bypass apply_values, so keep the totals and derived data here.
        services.recompute_totals([report.pk])
        services.after_figures_changed({(report.office_id, report.year, report.month)})

    def delete_model(self, request, obj):
        period = (obj.office_id, obj.year, obj.month)
        super().delete_model(request, obj)
        services.after_figures_changed({period})

    def delete_queryset(self, request, queryset):
        periods = set(queryset.values_list("office_id", "year", "month"))
        super().delete_queryset(request, queryset)
        services.after_figures_changed(periods)


# ---------------------------------------------------------------- targets
class MeasureFilter(admin.ChoicesFieldListFilter):
    """The measures, the amount named in toman as the list shows it."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice.get("display") == Measure.LOANS_AMOUNT_RIAL.label:
                choice = {**choice, "display": toman_label(choice["display"])}
            yield choice


@admin.register(Target)
class TargetAdmin(ScopedAdmin, NormalizedSearchMixin, JalaliHistoryAdmin):
    """Annual goals: set by admins, read by provincial staff and managers."""

    edit_roles = (Role.ADMIN,)
    form = TargetAdminForm
    change_list_template = "admin/programs/target/change_list.html"
    name_key_fields = ("office__name_key", "province__name_key")
    search_fields = ("office__name", "province__name")
    list_display = (
        "year_display",
        "province",
        "office",
        "measure_display",
        "value_display",
        "offices_sum_display",
    )
    list_filter = (
        ("province", RelatedOnlyFilter),
        YearFilter,
        ("measure", MeasureFilter),
    )
    list_select_related = ("province", "office")

    @admin.display(description=_("year"), ordering="year")
    def year_display(self, obj):
        return to_persian_digits(obj.year)

    @admin.display(description=_("target"), ordering="value")
    def value_display(self, obj):
        return target_value_text(obj)

    @admin.display(description=_("measure"), ordering="measure")
    def measure_display(self, obj):
        # Amounts are shown in toman here, so the measure's name says toman too.
        label = obj.get_measure_display()
        return toman_label(label) if obj.measure == Measure.LOANS_AMOUNT_RIAL else label

    def get_queryset(self, request):
        # A province target's row shows what its county offices' targets add up to.
        offices = (
            Target.objects.filter(
                year=OuterRef("year"),
                province=OuterRef("province"),
                measure=OuterRef("measure"),
                office__isnull=False,
            )
            .order_by()
            .values("province")
            .annotate(total=Sum("value"))
            .values("total")
        )
        return super().get_queryset(request).annotate(_offices_sum=Subquery(offices))

    @admin.display(description=_("county offices together"))
    def offices_sum_display(self, obj):
        """For a province target: its offices' targets added up, and by how much they miss it."""
        if obj.office_id is not None or obj._offices_sum is None:
            return ""
        text = target_amount_text(obj.measure, obj._offices_sum)
        difference = obj.value - obj._offices_sum
        if difference == 0:
            return text
        amount = target_amount_text(obj.measure, abs(difference))
        gap = _("%(amount)s less") if difference > 0 else _("%(amount)s more")
        return format_html(
            '{} <strong class="target-gap">({})</strong>', text, gap % {"amount": amount}
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["widget"] = ProvinceOfficeSelect
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The notice above the list names this many gaps, then says how many more.
    gaps_shown = 10

    def changelist_view(self, request, extra_context=None):
        # The notice follows the list's year and province filters.
        year = request.GET.get("year", "")
        province = request.GET.get("province__id__exact", "")
        gaps = target_gaps(
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            province=int(province) if province.isdigit() and len(province) < 10 else None,
            viewer=request.user,
        )
        extra = {
            "target_gaps": [gap_text(gap) for gap in gaps[: self.gaps_shown]],
            "target_gaps_more": max(len(gaps) - self.gaps_shown, 0),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)

    def _changed(self, keys):
        from reports import rollups

        rollups.targets_changed(keys)

    def save_model(self, request, obj, form, change):
        keys = {(obj.province_id, obj.year)}
        if change:
            old = Target.objects.filter(pk=obj.pk).values_list("province_id", "year").first()
            keys.add(old)
        super().save_model(request, obj, form, change)
        self._changed(keys)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed({(obj.province_id, obj.year)})

    def delete_queryset(self, request, queryset):
        keys = set(queryset.values_list("province_id", "year"))
        super().delete_queryset(request, queryset)
        self._changed(keys)


# ---------------------------------------------------------------- users
class UserChangeForm(DuplicateCheckMixin, DjangoUserAdmin.form):
    pass


class UserCreationForm(DuplicateCheckMixin, DjangoUserAdmin.add_form):
    def clean_username(self):
        # Usernames that differ only in case are the same person (as Django says), named here.
        username = self.cleaned_data.get("username")
        existing = User.objects.filter(username__iexact=username).first() if username else None
        if existing is not None:
            raise duplicate_error(existing)
        return username


@admin.register(User)
class UserAdmin(NationalAdminOnly, PersianFormsAdmin, DjangoUserAdmin):
    """Users: national admins only. Nobody widens their own role or scope."""

    form = UserChangeForm
    add_form = UserCreationForm

    list_display = ("username", "first_name", "last_name", "role", "province", "is_active")
    list_filter = ("role", ("province", RelatedOnlyFilter), "is_active")
    # Access comes from role and province (programs.access), not from Django
    # groups or model permissions, so those are not offered.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Role and scope"),
            {"fields": ("role", "province", "is_active", "is_staff", "is_superuser")},
        ),
        (_("Important dates"), {"fields": ("last_login_jalali", "date_joined_jalali")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "province", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login_jalali", "date_joined_jalali")
    # What decides a user's reach; only a superuser may change their own.
    self_locked_fields = ("role", "province", "is_superuser", "is_staff", "is_active")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
            if obj is not None and obj.pk == request.user.pk:
                fields += self.self_locked_fields
        return list(dict.fromkeys(fields))

    @admin.display(description=_("last login"))
    def last_login_jalali(self, obj):
        return jalali(obj.last_login)

    @admin.display(description=_("date joined"))
    def date_joined_jalali(self, obj):
        return jalali(obj.date_joined)

    def has_delete_permission(self, request, obj=None):
        return self._may(request) and not (obj is not None and obj.pk == request.user.pk)

    def save_model(self, request, obj, form, change):
        if change and obj.pk == request.user.pk and not request.user.is_superuser:
            # Belt and braces behind the read-only fields: keep what they had.
            stored = User.objects.get(pk=obj.pk)
            for field in ("role", "province_id", "is_superuser", "is_staff", "is_active"):
                setattr(obj, field, getattr(stored, field))
        if not change:
            # A new user may use the admin; what they see there is their role's.
            obj.is_staff = True
        super().save_model(request, obj, form, change)


# Groups grant Django model permissions, which this admin does not use.
admin.site.unregister(Group)
