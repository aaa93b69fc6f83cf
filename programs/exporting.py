"""Export of a year's figures in the figures file format (README "Figures file").

The output is what programs.importing reads, so export → import is a round
trip: one row per stored value (every line of a month, and the month's
trainees and exits, even when zero: a month reported as zero is a figure, not
a gap). Rows come in a stable order (province, office, month, measure).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from loans.models import LoanFigure, ReferralFigure
from programs.importing import FIGURE_COLUMNS
from programs.models import JobsFigure, MonthlyReport
from reliefjobs.lib import cells

_MEASURE_ORDER = {
    m: i
    for i, m in enumerate(
        ("jobs", "loans_count", "loans_amount_rial", "referred_to_bank", "trainees", "exits")
    )
}


def figure_rows(*, year: int, province=None, user=None) -> Iterator[tuple]:
    """(province, county, year, month, measure, scheme, bank, funding_source, value) tuples.

    `province` limits to one province; `user` limits to what the user may see.
    A fixed number of queries whatever the size.
    """
    reports = MonthlyReport.objects.for_year(year)
    if province is not None:
        reports = reports.in_province(province)
    if user is not None:
        reports = reports.visible_to(user)
    heads = {
        rid: (code, office, month, trainees, exits)
        for rid, code, office, month, trainees, exits in reports.values_list(
            "pk", "office__province__code", "office__name", "month", "trainees", "exits"
        )
    }
    lines: dict[int, list[tuple]] = {rid: [] for rid in heads}
    report_filter = {"report__in": reports}
    for rid, scheme, value in JobsFigure.objects.filter(**report_filter).values_list(
        "report_id", "scheme__name", "value"
    ):
        lines[rid].append(("jobs", scheme, "", "", value))
    for rid, bank, source, count, amount in LoanFigure.objects.filter(**report_filter).values_list(
        "report_id", "bank__name", "funding_source__name", "count", "amount_rial"
    ):
        lines[rid].append(("loans_count", "", bank, source, count))
        lines[rid].append(("loans_amount_rial", "", bank, source, amount))
    for rid, bank, value in ReferralFigure.objects.filter(**report_filter).values_list(
        "report_id", "bank__name", "value"
    ):
        lines[rid].append(("referred_to_bank", "", bank, "", value))
    for rid in sorted(heads, key=lambda r: (heads[r][0], heads[r][1], heads[r][2])):
        code, office, month, trainees, exits = heads[rid]
        body = sorted(lines[rid], key=lambda line: (_MEASURE_ORDER[line[0]], line[1:4]))
        body += [("trainees", "", "", "", trainees), ("exits", "", "", "", exits)]
        for measure, scheme, bank, source, value in body:
            yield (code, office, year, month, measure, scheme, bank, source, value)


def write_csv(rows, handle, *, bom: bool = True) -> int:
    """Write CSV text to a text handle; the BOM lets Excel read Persian correctly.

    Formula-like names get a leading apostrophe (reliefjobs.lib.cells); the importer takes it off.
    """
    if bom:
        handle.write("\ufeff")
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(FIGURE_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(cells.csv_row(row))
        count += 1
    return count


def write_xlsx(rows, target) -> int:
    """Write an XLSX workbook (write-only mode, so memory stays flat) to a path or binary handle."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("figures")
    sheet.sheet_view.rightToLeft = True
    sheet.append(cells.xlsx_row(sheet, FIGURE_COLUMNS))
    count = 0
    for row in rows:
        sheet.append(cells.xlsx_row(sheet, row))
        count += 1
    workbook.save(target)
    return count


def export_figures(
    *, year: int, province=None, user=None, path=None, stream=None, bom: bool = True
) -> int:
    """Write the year's figures to `path` (.xlsx → XLSX, else CSV) or to a text stream.

    Returns the number of rows written (header not counted).
    """
    rows = figure_rows(year=year, province=province, user=user)
    if path is None:
        return write_csv(rows, stream, bom=bom)
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(rows, path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        return write_csv(rows, handle, bom=bom)


def csv_bytes(*, year: int, province=None, user=None) -> bytes:
    """The CSV export as bytes with a BOM (for a download view)."""
    buffer = io.StringIO()
    write_csv(figure_rows(year=year, province=province, user=user), buffer)
    return buffer.getvalue().encode("utf-8")
