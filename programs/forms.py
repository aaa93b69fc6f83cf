"""Forms of monthly data entry: the month grid, workflow steps, field notes.

Numbers are typed as people type them (Persian/Arabic digits, separators) and
parsed by the one parser, reliefjobs.lib.text.parse_int. Loan amounts are
typed in toman and stored in rials.
"""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from loans.models import Bank
from programs.entry_queries import MonthGrid, parse_key
from programs.models import CountyOffice, FieldNote, NoteArea, NoteStatus
from reliefjobs.lib import jalali
from reliefjobs.lib.money import RIALS_PER_TOMAN, group_digits
from reliefjobs.lib.text import MAX_INT64, NumberError, parse_int

# Amounts are typed in toman: the unit the news and the staff use.
AMOUNT_UNIT = "toman"

_NUMBER_ERRORS = {
    "negative": _lazy("Enter zero or a positive number."),
    "too_large": _lazy("This number is too large."),
    "not_whole": _lazy("Enter a whole number."),
    "grouping": _lazy("Thousands separators go between groups of three digits."),
    "digits": _lazy("Use Persian or Latin digits."),
    "ambiguous": _lazy("Write the number without «.»."),
}


def show_number(value: int | None) -> str:
    """A stored value as the input shows it back: «۱۲٬۳۴۵» in Persian."""
    if value is None:
        return ""
    return group_digits(value, persian=(get_language() or "fa").startswith("fa"))


def is_amount(key: str) -> bool:
    return key.startswith("la_")


def to_display(key: str, value: int) -> int:
    """Rials → toman for amount fields; other values unchanged."""
    return value // RIALS_PER_TOMAN if is_amount(key) else value


def _sum_groups(key: str) -> str:
    """The live totals (static/js/entry-form.js) a field adds to."""
    measure, _scheme, bank_id, source_id = parse_key(key)
    if measure == "jobs":
        return "jobs"
    if measure in ("loans_count", "loans_amount_rial"):
        p = "lc" if measure == "loans_count" else "la"
        return f"{p} {p}-bank-{bank_id} {p}-source-{source_id}"
    if measure == "referred_to_bank":
        return "ref"
    return measure


def warnings_fingerprint(warnings) -> str:
    """The warnings shown (programs.rules.Decision), as the form remembers them."""
    return ",".join(sorted(w.fingerprint for w in warnings))


class MonthForm(forms.Form):
    """One county office's month: a text input per grid key, plus the lock fields."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    base = forms.CharField(widget=forms.HiddenInput, required=False)
    warnings_seen = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_lazy("I have checked these figures; they are right."), required=False
    )
    reason = forms.CharField(
        label=_lazy("Reason (for warnings and corrections)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, grid: MonthGrid, values: dict[str, int] | None = None, **kwargs):
        values = values or {}
        initial = kwargs.setdefault("initial", {})
        super().__init__(*args, **kwargs)
        self.grid = grid
        for key in grid.cell_keys():
            self.fields[key] = forms.CharField(
                required=False,
                label=grid.label(key),
                max_length=40,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "numeric",
                        "autocomplete": "off",
                        "class": "num",
                        "dir": "ltr",
                        "data-sum": _sum_groups(key),
                    }
                ),
            )
            if key in values:
                initial[key] = show_number(to_display(key, values[key]))
        self.initial = initial

    def clean(self):
        data = super().clean()
        parsed: dict[str, int] = {}
        for key in self.grid.cell_keys():
            raw = (self.data.get(self.add_prefix(key)) or "").strip()
            if not raw:
                parsed[key] = 0
                continue
            try:
                number = parse_int(raw)
            except NumberError as error:
                self.add_error(
                    key, _NUMBER_ERRORS.get(getattr(error, "code", ""), _("Enter a number."))
                )
                continue
            if is_amount(key):
                if number > MAX_INT64 // RIALS_PER_TOMAN:
                    self.add_error(key, _("This number is too large."))
                    continue
                number *= RIALS_PER_TOMAN
            parsed[key] = number
        if data.get("confirm") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for confirming the warnings."))
        self.values = parsed
        return data

    def base_values(self) -> dict[str, int]:
        try:
            raw = json.loads(self.cleaned_data.get("base") or "{}")
            return {str(k): int(v) for k, v in raw.items()}
        except (ValueError, TypeError, AttributeError):
            return {}

    def accepted_warnings(self) -> set[str]:
        """The warnings the person saw and confirmed (programs.rules fingerprints)."""
        if not self.cleaned_data.get("confirm"):
            return set()
        return set(filter(None, (self.cleaned_data.get("warnings_seen") or "").split(",")))


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("submit", "approve", "return", "unlock")])
    version = forms.IntegerField(min_value=0)
    comment = forms.CharField(label=_lazy("Comment"), required=False, max_length=1000)


class JalaliDateField(forms.CharField):
    """A Jalali date typed as ۱۴۰۵/۰۸/۰۱ (any digits), cleaned to a Gregorian date."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return jalali.parse_date(text)
        except ValueError as error:
            raise forms.ValidationError(_("Enter a Jalali date like ۱۴۰۵/۰۸/۰۱.")) from error

    def prepare_value(self, value):
        if hasattr(value, "year") and not isinstance(value, str):
            return jalali.format_date(value, persian=(get_language() or "fa").startswith("fa"))
        return value


class FieldNoteForm(forms.ModelForm):
    noted_on = JalaliDateField(label=_lazy("Date"))
    resolved_on = JalaliDateField(label=_lazy("Resolved on"), required=False)

    class Meta:
        model = FieldNote
        fields = ["office", "noted_on", "area", "bank", "text", "status", "resolved_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this province's offices: a note can never land in another province.
        self.fields["office"].queryset = CountyOffice.objects.filter(province=province)
        self.fields["bank"].queryset = Bank.objects.all()
        for name in ("noted_on", "resolved_on"):
            self.fields[name].widget.attrs.update({"dir": "ltr", "placeholder": "۱۴۰۵/۰۸/۰۱"})


class FieldNoteFilter(forms.Form):
    area = forms.ChoiceField(
        label=_lazy("Area"), required=False, choices=[("", _lazy("All"))] + NoteArea.choices
    )
    bank = forms.ModelChoiceField(
        label=_lazy("Agent bank"),
        required=False,
        queryset=Bank.objects.all(),
        empty_label=_lazy("All"),
    )
    status = forms.ChoiceField(
        label=_lazy("Status"), required=False, choices=[("", _lazy("All"))] + NoteStatus.choices
    )


def _ref(reference, key: str) -> dict[str, str]:
    """The previous month's and last year's value of a field, as shown beside it."""
    if reference is None:
        return {"prev": "", "last": ""}
    prev, last = reference.previous.get(key), reference.last_year.get(key)
    return {
        "prev": show_number(to_display(key, prev)) if prev is not None else "–",
        "last": show_number(to_display(key, last)) if last is not None else "–",
    }


def month_layout(form: MonthForm, reference=None) -> dict:
    """The month form's fields arranged as the page shows them (sections and grids)."""
    from programs.entry_queries import amount_key, count_key, jobs_key, referred_key

    grid = form.grid
    return {
        "jobs": [
            {"name": s.name, "field": form[jobs_key(s.pk)], **_ref(reference, jobs_key(s.pk))}
            for s in grid.schemes
        ],
        "sources": grid.sources,
        "loans": [
            {
                "bank": bank,
                "cells": [
                    {
                        "source": source,
                        "count": form[count_key(bank.pk, source.pk)],
                        "amount": form[amount_key(bank.pk, source.pk)],
                        "ref_count": _ref(reference, count_key(bank.pk, source.pk)),
                        "ref_amount": _ref(reference, amount_key(bank.pk, source.pk)),
                    }
                    for source in grid.sources
                ],
            }
            for bank in grid.banks
        ],
        "referred": [
            {
                "name": b.name,
                "field": form[referred_key(b.pk)],
                **_ref(reference, referred_key(b.pk)),
            }
            for b in grid.banks
        ],
        "others": [
            {"name": form[key].label, "field": form[key], **_ref(reference, key)}
            for key in ("trainees", "exits")
        ],
    }
