"""The audit search form: province, office, user, kind and a Jalali date range."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programs import audit
from programs.access import is_national
from programs.models import CountyOffice, Province, User
from reliefjobs.lib.jalali import parse_date


class JalaliDateField(forms.CharField):
    """A Jalali date typed as ۱۴۰۳/۰۱/۱۵ or 1403-01-15; cleaned to a Gregorian date."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"placeholder": "۱۴۰۳/۰۱/۰۱", "inputmode": "numeric", "dir": "ltr"}
        )

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_date(text)
        except (ValueError, OverflowError) as exc:
            raise forms.ValidationError(
                _("Enter a Jalali date like ۱۴۰۳/۰۱/۱۵."), code="invalid_date"
            ) from exc


class AuditSearchForm(forms.Form):
    province = forms.ModelChoiceField(
        queryset=Province.objects.none(), required=False, label=_("Province")
    )
    office = forms.ModelChoiceField(
        queryset=CountyOffice.objects.none(), required=False, label=_("County office")
    )
    user = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("User"))
    kind = forms.ChoiceField(required=False, label=_("Record"))
    date_from = JalaliDateField(label=_("From date"))
    date_to = JalaliDateField(label=_("To date"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices only from the viewer's scope: another province's id is "not a valid choice".
        self.fields["province"].queryset = Province.objects.visible_to(viewer)
        self.fields["office"].queryset = CountyOffice.objects.visible_to(viewer).select_related(
            "province"
        )
        self.fields["office"].label_from_instance = lambda o: f"{o.province.name} – {o.name}"
        users = User.objects.order_by("username")
        if not is_national(viewer):
            users = users.filter(province_id=viewer.province_id)
        self.fields["user"].queryset = users
        self.fields["kind"].choices = [("", _("All records"))] + [
            (s.key, s.label) for s in audit.SOURCES
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        office, province = data.get("office"), data.get("province")
        if office and province and office.province_id != province.pk:
            self.add_error("office", _("The county office is not in this province."))
        return data

    def to_query(self) -> audit.AuditQuery:
        data = self.cleaned_data
        return audit.AuditQuery(
            province=data.get("province"),
            office=data.get("office"),
            user=data.get("user"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            kind=data.get("kind") or "",
        )
