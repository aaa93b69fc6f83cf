"""Display helpers for the entry pages: numbers, Jalali dates, month names, statuses."""

from django import template
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from programs.forms import show_number
from reliefjobs.lib import jalali
from reliefjobs.lib.text import to_persian_digits

register = template.Library()


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


@register.filter
def num(value):
    """12345 → «۱۲٬۳۴۵» (Latin digits in English)."""
    if value is None or value == "":
        return ""
    return show_number(int(value))


@register.filter
def digits(value):
    """Any text with its digits in the user's script."""
    return to_persian_digits(value) if _persian() else str(value)


@register.filter
def jdate(value):
    return jalali.format_date(value, persian=_persian())


@register.filter
def month_name(month):
    return jalali.month_name(int(month), persian=_persian())


@register.simple_tag
def month_label(year, month):
    return jalali.month_label(int(year), int(month), persian=_persian())


_STATUS_LABELS = {
    "missing": gettext_lazy("Missing"),
    "not_due": gettext_lazy("Not due yet"),
    "draft": gettext_lazy("Draft"),
    "submitted": gettext_lazy("Submitted"),
    "returned": gettext_lazy("Returned"),
    "approved": gettext_lazy("Approved"),
}


@register.filter
def status_label(status):
    label = _STATUS_LABELS.get(status)
    return str(label) if label is not None else status


@register.filter
def percent(value):
    if value is None:
        return "–"
    text = f"{value}٪" if _persian() else f"{value}%"
    return digits(text)


@register.filter
def words(value):
    return str(value).split()


@register.filter
def hist_value(value):
    """A history value: numbers formatted, status labels as they are, none as a dash."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return show_number(value)
    return value


@register.filter
def count_state(preview, state):
    return show_number(preview.count(state))


@register.filter
def preview_state(state):
    return {"new": _("New"), "changed": _("Changed"), "unchanged": _("Unchanged")}.get(state, state)


@register.filter
def person(user):
    """A user's full name, else their username; a dash when unknown (bulk loads)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.username
