"""What every admin form shares: Persian numbers, Jalali dates, toman, duplicates.

- `PersianIntegerField`: a text input parsed by the one number parser
  (reliefjobs.lib.text.parse_int), so «۱۴۰۵», «۷۰۰» and «۲٬۱۰۰» typed on a
  Persian keyboard arrive as numbers (a `type=number` input drops them).
- `TomanField`: money typed and shown in toman with separators, stored as
  integer rials (docs/GLOSSARY.md, "Units").
- `JalaliDateField`: a Jalali date typed with slashes or dashes in either
  digit set («۱۴۰۵/۰۹/۰۱», «1405/9/1», «1405-09-01»), parsed by
  reliefjobs.lib.jalali.
- `DuplicateCheckMixin` / `AdminModelForm`: a record equal to an existing one
  under a unique constraint (names compared after ي/ك/ZWNJ normalisation) is
  a Persian form error naming that record, never an IntegrityError or
  Django's English constraint text.
- `PersianFormsAdmin`: the ModelAdmin/inline mixin that puts these fields on
  every number, money and date column and this form under every admin.
"""

from __future__ import annotations

import datetime as dt

import jdatetime
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_jalali.admin.widgets import AdminjDateWidget
from django_jalali.db import models as jmodels

from reliefjobs.lib.jalali import format_date, parse_date
from reliefjobs.lib.money import RIALS_PER_TOMAN, group_digits
from reliefjobs.lib.text import NumberError, normalize_name, parse_int, to_persian_digits

# Columns that are identifiers or calendar parts: shown without thousands separators.
UNGROUPED_FIELDS = frozenset({"year", "month", "deadline_day"})


def is_money_field(db_field) -> bool:
    """Money columns are integer rials and say so in their name (`…_rial`)."""
    return isinstance(db_field, models.IntegerField) and db_field.name.endswith("rial")


class NumberInput(forms.TextInput):
    """A text box for numbers: any keyboard's digits get through to the parser."""

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off", **(attrs or {})}
        )


class PersianIntegerField(forms.IntegerField):
    """A whole number typed with Persian, Arabic or Latin digits and separators."""

    widget = NumberInput
    default_error_messages = {"invalid": _("Enter a whole number, e.g. ۲٬۴۰۲.")}

    def __init__(self, *, grouped: bool = True, **kwargs):
        self.grouped = grouped
        kwargs.pop("max_digits", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No min/max/step: those belong to `type=number`, which this is not.
        return forms.Field.widget_attrs(self, widget)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_int(value, allow_negative=True)
        except NumberError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return group_digits(value) if self.grouped else to_persian_digits(value)
        return value


class TomanField(PersianIntegerField):
    """Money typed in toman («۴٬۰۸۰٬۰۰۰٬۰۰۰»); cleans to integer rials."""

    default_error_messages = {"invalid": _("Enter an amount in toman, e.g. ۴٬۰۸۰٬۰۰۰.")}

    def to_python(self, value):
        # The min/max validators (from the rial column) then check rials.
        toman = super().to_python(value)
        return None if toman is None else toman * RIALS_PER_TOMAN

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return group_digits(value // RIALS_PER_TOMAN)
        return value


class JalaliDateInput(AdminjDateWidget):
    """django-jalali's admin box (and its offline calendar picker), typed freely."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "۱۴۰۵/۰۹/۰۱", "dir": "ltr", "size": 12, "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        return value if isinstance(value, str) else super().format_value(value)


class JalaliDateField(forms.Field):
    """A Jalali date typed «۱۴۰۵/۰۹/۰۱», «1405/9/1» or «1405-09-01»; cleans to a jdatetime.date."""

    widget = JalaliDateInput
    default_error_messages = {"invalid": _("Enter a Jalali date like ۱۴۰۵/۰۹/۰۱.")}

    def to_python(self, value):
        if isinstance(value, jdatetime.date):
            return value
        if isinstance(value, dt.date):
            return jdatetime.date.fromgregorian(date=value)
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return jdatetime.date.fromgregorian(date=parse_date(str(value)))
        except (ValueError, OverflowError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error

    def prepare_value(self, value):
        if isinstance(value, jdatetime.date):
            return to_persian_digits(value.strftime("%Y/%m/%d"))
        if isinstance(value, dt.date):
            return format_date(value)
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


def persian_formfield(db_field, **kwargs):
    """The shared form field for a number, money or Jalali date column, or None."""
    if isinstance(db_field, jmodels.jDateField):
        kwargs["widget"] = JalaliDateInput
        # jDateField.formfield() insists on its own form class; the generic one does not.
        return models.Field.formfield(db_field, form_class=JalaliDateField, **kwargs)
    if isinstance(db_field, models.IntegerField) and not (
        db_field.choices or isinstance(db_field, models.AutoField)
    ):
        kwargs["widget"] = NumberInput
        if is_money_field(db_field):
            kwargs.setdefault("label", toman_label(db_field.verbose_name))
            return db_field.formfield(form_class=TomanField, **kwargs)
        kwargs["grouped"] = db_field.name not in UNGROUPED_FIELDS
        return db_field.formfield(form_class=PersianIntegerField, **kwargs)
    return None


def toman_label(label) -> str:
    """A rial column's label as the person typing it reads it: «… (تومان)»."""
    from django.utils.text import format_lazy

    text = str(label)
    for rial in ("(rial)", "(ریال)"):
        text = text.replace(rial, "").strip()
    return format_lazy("{} ({})", text, _("toman"))


# ---------------------------------------------------------------- duplicates
def _unique_sets(model):
    """(fields, condition) of every unique rule on the model: unique columns and constraints."""
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            yield (field.name,), None
    for fields in model._meta.unique_together:
        yield tuple(fields), None
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            yield tuple(constraint.fields), constraint


def find_duplicate(instance):
    """(field names, the existing record) that `instance` would duplicate, or None.

    Names are compared by their key (normalize_name), as the database does.
    """
    model = type(instance)
    if hasattr(instance, "name_key") and getattr(instance, "name", None):
        instance.name_key = normalize_name(instance.name)
    for fields, constraint in _unique_sets(model):
        lookup = {}
        for name in fields:
            field = model._meta.get_field(name)
            lookup[field.attname] = getattr(instance, field.attname)
        if constraint is None and any(v in (None, "") for v in lookup.values()):
            continue
        if constraint is not None:
            try:
                constraint.validate(model, instance)
                continue
            except ValidationError:
                pass
        found = model._default_manager.filter(**lookup)
        if constraint is not None and constraint.condition is not None:
            found = found.filter(constraint.condition)
        if instance.pk is not None:
            found = found.exclude(pk=instance.pk)
        existing = found.first()
        if existing is not None:
            return fields, existing
    return None


def describe(record) -> str:
    """A record as a person recognises it in an error message."""
    parts = [str(record)]
    province = getattr(record, "province", None) if hasattr(record, "province_id") else None
    if record._meta.model_name == "target":
        place = record.office or record.province
        parts = [str(place), to_persian_digits(record.year), str(record.get_measure_display())]
    elif province is not None:
        parts.append(str(province))
    return " – ".join(parts)


def duplicate_error(existing) -> ValidationError:
    """«طرح «کاریابی» از پیش ثبت شده است؛ همان را ویرایش کنید.»"""
    message = _("%(model)s «%(existing)s» already exists; change that one instead.") % {
        "model": existing._meta.verbose_name,
        "existing": describe(existing),
    }
    return ValidationError(message, code="duplicate")


DJANGO_UNIQUE_CODES = frozenset({"unique", "unique_together"})


class DuplicateCheckMixin:
    """Mix into a ModelForm: duplicates are a Persian error naming the existing record."""

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is not None and not self.has_changed():
            return  # an untouched row (an inline line) cannot have become a duplicate
        duplicate = find_duplicate(self.instance)
        if duplicate is None:
            return
        fields, existing = duplicate
        self._drop_django_unique_errors()
        self.add_error(self._field_for(fields), duplicate_error(existing))

    def _field_for(self, fields) -> str | None:
        """Where the error shows: the name box, the one field, or above the form."""
        if "name_key" in fields and "name" in self.fields:
            return "name"
        shown = [f for f in fields if f in self.fields]
        return shown[0] if len(fields) == 1 and shown else None

    def _drop_django_unique_errors(self):
        constraint_texts = {
            str(c.get_violation_error_message())
            for c in self._meta.model._meta.constraints
            if isinstance(c, models.UniqueConstraint)
        }
        for key in list(self._errors):
            kept = [
                e
                for e in self._errors[key].as_data()
                if e.code not in DJANGO_UNIQUE_CODES and str(e.message) not in constraint_texts
            ]
            if kept:
                self._errors[key] = self.error_class(kept, renderer=self.renderer)
            else:
                del self._errors[key]


class AdminModelForm(DuplicateCheckMixin, forms.ModelForm):
    """The base form of every admin screen."""


class PersianFormsAdmin:
    """Mix into a ModelAdmin or inline: the shared number/money/date fields and form."""

    form = AdminModelForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = persian_formfield(db_field, **kwargs)
        if field is not None:
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# ---------------------------------------------------------------- targets
class ProvinceOfficeSelect(forms.Select):
    """A county office list whose options say their province (for target-form.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-province"] = str(instance.province_id)
        return option


class TargetAdminForm(AdminModelForm):
    """A target: its county office is one of the chosen province's; money in toman."""

    class Media:
        js = ("admin-extra/target-form.js",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        office = self.fields.get("office")
        province = self._chosen_province()
        if office is not None and province is not None:
            office.queryset = office.queryset.filter(province_id=province)
        if office is not None:
            office.error_messages["invalid_choice"] = _(
                "Choose a county office of the chosen province, or none for a province target."
            )
        measure = self.fields.get("measure")
        if measure is not None:
            # The amount is typed in toman here, so its name says toman too.
            measure.choices = [
                (key, toman_label(label) if self._is_money(key) else label)
                for key, label in measure.choices
            ]
        value = self.fields.get("value")
        if value is not None:
            value.label = _("Target (loan amounts in toman)")
            value.help_text = _(
                "Jobs, loans and trainees as counts; the amount of loans in toman "
                "(it is kept in rials)."
            )
            if self.instance.pk and self._is_money(self.instance.measure):
                self.initial["value"] = self.instance.value // RIALS_PER_TOMAN

    @staticmethod
    def _is_money(measure) -> bool:
        from programs.models import Measure

        return measure == Measure.LOANS_AMOUNT_RIAL

    def _chosen_province(self) -> int | None:
        if self.is_bound:
            raw = self.data.get(self.add_prefix("province"))
        else:
            raw = self.initial.get("province") or self.instance.province_id
        raw = getattr(raw, "pk", raw)
        try:
            return parse_int(raw) if raw not in (None, "") else None
        except NumberError:
            return None

    def clean(self):
        data = super().clean()
        if self._is_money(data.get("measure")) and data.get("value") is not None:
            data["value"] = data["value"] * RIALS_PER_TOMAN
        return data
