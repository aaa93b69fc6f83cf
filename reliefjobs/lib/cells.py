"""Spreadsheet cells that can never run: the one place every CSV and XLSX writer
(and the readers of our own files) passes its values through.

A spreadsheet treats text that starts with ``= + - @``, a tab or a carriage
return as a formula (OWASP "CSV injection"). Names come from users (an office
renamed to ``=HYPERLINK(...)``), so every text value is written as text:

- CSV: such text gets the usual leading apostrophe (``'=HYPERLINK(...)``);
  ``from_csv_text`` takes it off again, so export → import is a round trip;
- XLSX: every text is an explicit string cell (``data_type 's'``), never a
  formula, and formula-like text also gets Excel's quote prefix so editing the
  cell keeps it text.

Numbers stay numbers. Sheet titles are made valid here too (``sheet_title``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def is_formula_like(value) -> bool:
    """Text a spreadsheet would read as a formula (numbers never are)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


# --- CSV ------------------------------------------------------------------------


def csv_value(value):
    """One value for `csv.writer`: None → "", formula-like text → 'text, numbers as they are."""
    if value is None:
        return ""
    if is_formula_like(value):
        return _QUOTE + value
    return value


def csv_row(values: Iterable) -> list:
    return [csv_value(v) for v in values]


def from_csv_text(text: str) -> str:
    """The text a cell held before `csv_value` quoted it (other text unchanged)."""
    if text.startswith(_QUOTE) and is_formula_like(text[1:]):
        return text[1:]
    return text


# --- XLSX -----------------------------------------------------------------------


def xlsx_value(sheet, value):
    """One value for `sheet.append` (normal or write-only sheet): text as a string cell."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import Cell

    cell = Cell(sheet, row=1, column=1)  # placed by append; a position lets it print
    cell.value = value
    cell.data_type = "s"  # set after the value: openpyxl makes "=…" a formula otherwise
    if is_formula_like(value):
        cell.quotePrefix = True
    return cell


def xlsx_row(sheet, values: Iterable) -> list:
    return [xlsx_value(sheet, v) for v in values]


_TITLE_BAD = re.compile(r"[:\\/?*\[\]\x00-\x1f]")
TITLE_MAX = 31


def sheet_title(title: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet title: no : \\ / ? * [ ], no apostrophe at either end,
    at most 31 characters, not one of `taken` (compared as Excel does, ignoring case)."""
    clean = " ".join(_TITLE_BAD.sub(" ", title or "").split()).strip("'").strip()
    clean = clean[:TITLE_MAX].strip() or "data"
    used = {t.casefold() for t in taken}
    candidate, number = clean, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = clean[: TITLE_MAX - len(suffix)].rstrip() + suffix
    return candidate
