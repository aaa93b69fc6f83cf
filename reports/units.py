"""Money units: the one place that says which unit a money figure is in, and its label.

Money is integer rials end to end. Screens (cards, tables, hovers, axes, the
press summary) show it in toman, formatted by reliefjobs.lib.money, whose every
figure ends in «تومان»; files (CSV, XLSX) carry the raw rials. A label and its
value always name the same unit: `label(...)` gives the header for a medium and
`value(...)` the figure in that medium's unit, from the same pair.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from reliefjobs.lib.money import rial_to_toman, short_toman

SCREEN, FILE = "screen", "file"
MONEY = "rial"  # the Table column kind of a money figure (stored in rials)

# medium -> (unit, Persian word); the word is also how a formatted value names its unit.
UNITS = {SCREEN: ("toman", "تومان"), FILE: ("rial", "ریال")}


def unit_word(medium: str) -> str:
    """«تومان» on screens, «ریال» in files."""
    return UNITS[medium][1]


def label(text: str, kind: str, medium: str) -> str:
    """A column or axis label: money labels get their medium's unit, «مبلغ وام (تومان)»."""
    if kind != MONEY:
        return text
    return f"{text} ({unit_word(medium)})"


def value(rial: int | None, medium: str):
    """A money figure in the medium's unit: «۴۰٫۸ میلیارد تومان» on screens, rials in files."""
    if rial is None:
        return None
    return short_toman(int(rial)) if medium == SCREEN else int(rial)


def plotted(rial: int | None) -> int | None:
    """The number a chart draws for a money figure: tomans (its axis says «تومان»)."""
    return None if rial is None else rial_to_toman(int(rial))


def axis_title() -> dict:
    """The title of a money axis on screen (the ticks say «۱۰۰ میلیارد»)."""
    return {"text": _("toman")}
