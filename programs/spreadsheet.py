"""The Excel round trip of a province's month: a wide template (one row per
county office, the columns of the month form, Persian headers), and its
upload through the same pipeline as `import_figures` (programs.importing).

An uploaded wide row becomes the long figures rows of the import format
(province, county, year, month, measure, scheme, bank, funding_source, value)
keeping its spreadsheet row number, so every error names the row the person
sees. Amounts are in toman in the sheet, as in the form, and stored in rials.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from programs import access, entry_queries, reading
from programs.importing import ImportFileError, RowError, parse_figures
from programs.models import CountyOffice, MonthlyReport, Province
from programs.names import office_key
from programs.rules import RulesError
from programs.services import FigureValue, StaleReportError, apply_values
from reliefjobs.lib import cells as cells_lib
from reliefjobs.lib.jalali import Period, month_label
from reliefjobs.lib.money import RIALS_PER_TOMAN
from reliefjobs.lib.text import NumberError, normalize_name, parse_int

SESSION_KEY = "entry_upload"
FIXED = ("province", "county", "year", "month")
_FIXED_HEADERS = {"province": "استان", "county": "شهرستان", "year": "سال", "month": "ماه"}
_MAX_ROWS = 2000  # a province has at most a few dozen offices


class UploadError(Exception):
    """The upload as a whole cannot be applied (message is for the user)."""


class UploadNeedsConfirmation(UploadError):
    """The preview's warnings were not confirmed with a reason; the preview stays."""


class UploadStaleError(UploadError):
    """A month of the preview changed before the confirm; `changes` lists how
    (as the month form's stale save does: label, value then, value now)."""

    def __init__(self, message: str, changes: list[dict]):
        self.changes = changes
        super().__init__(message)


def _headers(grid) -> dict[str, str]:
    """Grid key → the sheet's Persian column header."""
    with translation.override("fa"):
        return {key: grid.label(key) for key in grid.cell_keys()}


def _header_keys(grid) -> dict[str, str]:
    """Normalised header (Persian or English) → grid key or fixed column."""
    keys = {normalize_name(v): k for k, v in _FIXED_HEADERS.items()}
    keys.update({normalize_name(k): k for k in FIXED})
    for language in ("fa", "en"):
        with translation.override(language):
            keys.update({normalize_name(grid.label(key)): key for key in grid.cell_keys()})
    return keys


def _sheet_value(key: str, value: int) -> int:
    return value // RIALS_PER_TOMAN if key.startswith("la_") else value


def month_template(*, province: Province, year: int, month: int) -> bytes:
    """An .xlsx with one row per office open that month, current values filled in."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    period = Period(year, month)
    offices = [
        o
        for o in CountyOffice.objects.filter(province=province).order_by("name")
        if entry_queries.office_open_in(o, period)
    ]
    reports = {
        r.office_id: r.pk
        for r in MonthlyReport.objects.filter(office__province=province, year=year, month=month)
    }
    values = entry_queries.report_values(reports.values())
    grid = entry_queries.month_grid({k: 0 for v in values.values() for k in v})
    headers = _headers(grid)
    book = Workbook()
    sheet = book.active
    sheet.title = cells_lib.sheet_title(f"{year}-{month:02d}")
    sheet.sheet_view.rightToLeft = True
    sheet.append(
        cells_lib.xlsx_row(sheet, [_FIXED_HEADERS[c] for c in FIXED] + list(headers.values()))
    )
    for office in offices:
        stored = values.get(reports.get(office.pk), {})
        sheet.append(
            cells_lib.xlsx_row(
                sheet,
                [province.name, office.name, year, month]
                + [_sheet_value(k, stored[k]) if k in stored else None for k in headers],
            )
        )
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor="EEF1F5")
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 22
    for column in sheet.iter_cols(min_col=5, max_col=sheet.max_column, max_row=1):
        sheet.column_dimensions[column[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- upload -------------------------------------------------------------------------


@dataclass
class PreviewCell:
    row: int
    office: str
    label: str
    old: int | None
    new: int
    state: str  # "new", "changed" or "unchanged"


@dataclass
class Preview:
    cells: list[PreviewCell] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    values: list[FigureValue] = field(default_factory=list)
    province_id: int | None = None
    # What the preview showed of each month: its version and stored values, so
    # the confirm refuses months someone changed since (issue 13.1).
    versions: list[list[int]] = field(default_factory=list)
    base: list[list] = field(default_factory=list)
    unchanged_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.values)

    def count(self, state: str) -> int:
        return sum(1 for c in self.cells if c.state == state)

    @property
    def periods(self) -> list[tuple[int, int]]:
        return sorted({(v.year, v.month) for v in self.values})

    def to_session(self) -> dict:
        year, month = self.periods[0] if self.periods else (0, 0)
        return {
            "province": self.province_id,
            "year": year,
            "month": month,
            "values": [asdict(v) for v in self.values],
            "versions": self.versions,
            "base": self.base,
            "warnings": [[w.row, w.message] for w in self.warnings],
        }


def _wide_rows(file) -> list[tuple[int, list[str]]]:
    """The filled template's non-empty rows, read within the limits of programs.reading;
    the apostrophe our exports put before formula-like text comes off."""
    limits = reading.Limits.from_settings(rows=_MAX_ROWS)
    data = reading.read_file(file, limits)
    if not data.startswith(reading.XLSX_MAGIC):
        raise ImportFileError(_("The Excel file cannot be read."))
    return [
        (number, [cells_lib.from_csv_text(text) for text in texts])
        for number, texts in reading.records(data, limits)
    ]


def _long_rows(wide, grid, province) -> tuple[list, dict[int, int], list[RowError]]:
    """Wide rows → long figures rows (same row numbers); office id → its row."""
    if not wide:
        raise ImportFileError(_("The file is empty."))
    keys = _header_keys(grid)
    header_number, header = wide[0]
    columns = {i: keys.get(normalize_name(text)) for i, text in enumerate(header)}
    if not set(FIXED) <= set(columns.values()):
        raise ImportFileError(
            _("This is not the monthly template: download it again from this page.")
        )
    offices = {o.name_key: o.pk for o in CountyOffice.objects.filter(province=province)}
    long, office_rows, errors, provinces = [], {}, [], {}
    for number, cells in wide[1:]:
        row = {columns[i]: text for i, text in enumerate(cells) if columns.get(i)}
        text = row.get("province", "")
        if text not in provinces:
            provinces[text] = Province.objects.by_identifier(text)
        other = provinces[text]
        if other is not None and other.pk != province.pk:
            errors.append(RowError(number, _("this row is for another province")))
            continue
        office_rows[offices.get(office_key(row.get("county", "")), 0)] = number
        for key in grid.cell_keys():
            text = row.get(key, "")
            if text == "":
                continue  # an empty cell leaves the stored value as it is
            long.append((number, _figure_row(row, key, text, grid)))
    return long, office_rows, errors


def _figure_row(row: dict, key: str, text: str, grid) -> dict[str, str]:
    measure, scheme_id, bank_id, source_id = entry_queries.parse_key(key)
    names = {
        "scheme": {s.pk: s.name for s in grid.schemes}.get(scheme_id, ""),
        "bank": {b.pk: b.name for b in grid.banks}.get(bank_id, ""),
        "funding_source": {s.pk: s.name for s in grid.sources}.get(source_id, ""),
    }
    if measure == "loans_amount_rial":
        with contextlib.suppress(NumberError):  # a bad number: the pipeline words the error
            text = str(parse_int(text) * RIALS_PER_TOMAN)
    return {
        "province": row.get("province", ""),
        "county": row.get("county", ""),
        "year": row.get("year", ""),
        "month": row.get("month", ""),
        "measure": measure,
        "value": text,
        **names,
    }


def preview_upload(*, file, province: Province, user) -> Preview:
    """Check a filled template and say, per cell, what saving it would do."""
    preview = Preview(province_id=province.pk)
    if file is None:
        preview.errors.append(RowError(0, _("Choose the filled Excel file.")))
        return preview
    grid = entry_queries.month_grid()
    try:
        long, office_rows, preview.errors = _long_rows(_wide_rows(file), grid, province)
    except ImportFileError as error:
        preview.errors.append(RowError(0, str(error)))
        return preview
    result = parse_figures(long, user=user)
    seen = {(e.row, e.message) for e in preview.errors}
    for error in result.errors:
        if (error.row, error.message) not in seen:
            seen.add((error.row, error.message))
            preview.errors.append(error)
    preview.errors.sort(key=lambda e: e.row)
    preview.warnings = result.warnings
    _diff(result.values, office_rows, grid, preview)
    return preview


def _diff(values, office_rows, grid, preview) -> None:
    keys = {v.report_key for v in values}
    reports = {
        (r.office_id, r.year, r.month): (r.pk, r.version)
        for r in MonthlyReport.objects.filter(
            office_id__in={v.office_id for v in values}, year__in={v.year for v in values}
        )
        if (r.office_id, r.year, r.month) in keys
    }
    stored = entry_queries.report_values([pk for pk, _version in reports.values()])
    preview.versions = [[*key, version] for key, (_pk, version) in sorted(reports.items())]
    preview.base = [[*key, stored[pk]] for key, (pk, _version) in sorted(reports.items())]
    names = dict(
        CountyOffice.objects.filter(pk__in={v.office_id for v in values}).values_list("pk", "name")
    )
    for v in values:
        key = v.grid_key
        old = stored.get(reports.get(v.report_key, (None,))[0], {}).get(key)
        state = "new" if old is None else ("unchanged" if old == v.value else "changed")
        preview.cells.append(
            PreviewCell(
                office_rows.get(v.office_id, 0),
                names.get(v.office_id, ""),
                grid.label(key),
                _sheet_value(key, old) if old is not None else None,
                _sheet_value(key, v.value),
                state,
            )
        )
    preview.values = [
        v for v, c in zip(values, preview.cells, strict=True) if c.state != "unchanged"
    ]
    rows = {c.row for c in preview.cells}
    preview.unchanged_rows = len(rows - {c.row for c in preview.cells if c.state != "unchanged"})
    preview.cells.sort(key=lambda c: (c.state == "unchanged", c.row))


@transaction.atomic
def apply_upload(
    *, stored: dict | None, province: Province, user, accept_warnings=False, reason: str = ""
) -> int:
    """Apply a previewed upload: all of it in one transaction, or nothing.

    The rules are applied again (programs.services.apply_values); a month
    changed since the preview is refused with the month form's stale message."""
    if not stored or stored.get("province") != province.pk or not stored.get("values"):
        raise UploadError(_("Nothing to apply: upload the file again."))
    if not access.can_enter_figures(user, province):
        raise UploadError(_("You may not enter figures for this province."))
    values = [FigureValue(**v) for v in stored["values"]]
    in_province = set(CountyOffice.objects.filter(province=province).values_list("pk", flat=True))
    if any(v.office_id not in in_province for v in values):
        raise UploadError(_("The file names offices of another province."))
    versions = {(o, y, m): 0 for o, y, m in {v.report_key for v in values}}
    versions.update({(o, y, m): version for o, y, m, version in stored.get("versions", [])})
    base = {(o, y, m): dict(b) for o, y, m, b in stored.get("base", [])}
    try:
        apply_values(
            values=values,
            by=user,
            accept_warnings=accept_warnings,
            reason=reason,
            expected_versions=versions,
            base_values=base,
        )
    except StaleReportError as error:
        raise UploadStaleError(str(error), _stale_changes(error.changes)) from error
    except RulesError as error:
        if any(d.code == "reason_required" for d in error.decisions):
            raise UploadNeedsConfirmation(error.decisions[0].message) from error
        if not error.errors:
            raise UploadNeedsConfirmation(
                _("Confirm the warnings (and give a reason) to save these figures.")
            ) from error
        raise UploadError(str(error)) from error
    return len(values)


def _stale_changes(changes) -> list[dict]:
    """(month key, grid key, then, now) → what the page lists, amounts in toman."""
    grid = entry_queries.month_grid({name: 0 for _key, name, _old, _new in changes})
    offices = dict(
        CountyOffice.objects.filter(pk__in={c[0][0] for c in changes}).values_list("pk", "name")
    )
    return [
        {
            "label": f"{offices.get(key[0], '')}، {month_label(key[1], key[2])}: {grid.label(name)}",
            "old": _sheet_value(name, old or 0),
            "new": _sheet_value(name, new or 0),
        }
        for key, name, old, new in changes
    ]
