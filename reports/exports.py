"""A chart's data table as a download: CSV (UTF-8 with BOM, so Excel reads the
Persian) and XLSX (a right-to-left sheet). Exactly the rows and columns of the
table on the page: raw numbers (money in rials, as stored), Persian headers,
Jalali month labels.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from reliefjobs.lib import cells
from reports.charts import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(cells.csv_row(table.headers))
    for row in table.rows:
        writer.writerow(cells.csv_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = cells.sheet_title(title)
    sheet.sheet_view.rightToLeft = True
    sheet.append(cells.xlsx_row(sheet, table.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(cells.xlsx_row(sheet, row))
    for i, header in enumerate(table.headers, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(
            12, len(str(header)) + 4
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def response(table: Table, *, fmt: str, filename: str, title: str) -> HttpResponse:
    if fmt == "csv":
        body, content_type = csv_bytes(table), "text/csv; charset=utf-8"
    else:
        body, content_type = xlsx_bytes(table, title), XLSX_TYPE
    resp = HttpResponse(body, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return resp
