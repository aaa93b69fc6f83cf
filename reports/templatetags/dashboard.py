"""Template filters for the dashboards: Persian digits and dictionary lookups."""

from django import template

from reliefjobs.lib.jalali import format_date
from reliefjobs.lib.text import to_persian_digits

register = template.Library()


@register.filter
def fa(value):
    """A value with Persian digits (years, ids)."""
    return to_persian_digits(value)


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def jdate(value):
    """A date as «۱۳۹۸/۰۲/۰۸»."""
    return format_date(value)
