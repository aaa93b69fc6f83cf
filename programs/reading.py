"""The one reading layer for imported and uploaded files: CSV and XLSX, bounded.

Every file that comes in (`import_figures`, `import_targets`, the web upload of
the month template) is opened here and turned into rows of text cells. A file
that passes a limit is refused whole, with a message naming the limit, before
it can hang a worker or fill the memory; nothing has been written by then.

| limit | setting (environment variable `RELIEFJOBS_` + its name) | default |
|---|---|---|
| size of the file as sent | `IMPORT_MAX_FILE_MB` | 40 MB |
| what an XLSX unpacks to: the sum of its parts' sizes, checked before reading | `IMPORT_MAX_UNPACKED_MB` | 256 MB |
| rows (spreadsheet row numbers, not a sheet's `<dimension>`, which can lie) | `IMPORT_MAX_ROWS` | 400,000 |
| columns holding a value | `IMPORT_MAX_COLUMNS` | 200 |
| characters in one cell | `IMPORT_MAX_CELL_CHARS` | 1,000 |
| wall time of reading | `IMPORT_MAX_SECONDS` | 300 s |

The Excel upload of the month template reads with the same limits but at most
2,000 rows (programs/spreadsheet.py).

An XLSX is read part by part without trusting what it says of itself: the zip's
directory is checked before anything is unpacked (a part that unpacks to more
than it declares fails its checksum), the parts other than worksheets must be
small (openpyxl parses them whole), and the worksheet is streamed through a
guard that counts bytes, watches the clock and refuses a run of text longer
than any cell may be before the XML parser holds it. Rows come from the rows
the sheet really has, so one cell at XFD1048576 is one row, refused for its
number, not a million empty rows of 16,384 cells.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reliefjobs.lib.text import excerpt, to_persian_digits

MB = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
# A workbook has a few dozen parts; a zip of thousands is not a spreadsheet.
MAX_PARTS = 1000
# Parts other than worksheets (shared strings, styles, workbook) are parsed
# whole by openpyxl, so each must be small whatever the unpacked limit is.
MAX_PART_BYTES = 16 * MB
_CHECK_EVERY = 1000  # rows between looks at the clock

Row = tuple[int, list[str]]


class ImportFileError(Exception):
    """The file as a whole cannot be read: not CSV/XLSX, empty, wrong header, or past a limit."""


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    unpacked_bytes: int
    rows: int
    columns: int
    cell_chars: int
    seconds: float

    @classmethod
    def from_settings(cls, **overrides) -> Limits:
        limits = cls(
            file_bytes=settings.IMPORT_MAX_FILE_MB * MB,
            unpacked_bytes=settings.IMPORT_MAX_UNPACKED_MB * MB,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            seconds=settings.IMPORT_MAX_SECONDS,
        )
        return replace(limits, **overrides)


def _figure(text: str) -> str:
    """A number in a message: Persian digits and separators when Persian is active."""
    if (get_language() or "fa").startswith("fa"):
        return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return text


def _n(value: int) -> str:
    return _figure(f"{value:,}")


def _mb(size: int) -> str:
    return _figure(f"{size / MB:,.1f}")


# The file ---------------------------------------------------------------------


def read_file(file_or_path, limits: Limits) -> bytes:
    """The bytes of a path or of an uploaded file, refused past `limits.file_bytes`
    before more than that is read."""
    if isinstance(file_or_path, str | Path):
        path = Path(file_or_path)
        try:
            _check_size(path.stat().st_size, limits)
            with path.open("rb") as handle:
                return _read_at_most(handle, limits)
        except FileNotFoundError as exc:
            raise ImportFileError(_("There is no file %(path)s.") % {"path": path}) from exc
        except OSError as exc:
            raise ImportFileError(_("Cannot read the file: %(reason)s") % {"reason": exc}) from exc
    handle = file_or_path
    size = getattr(handle, "size", None)  # Django's UploadedFile knows its size
    if isinstance(size, int):
        _check_size(size, limits)
    if hasattr(handle, "seek"):
        handle.seek(0)
    return _read_at_most(handle, limits)


def _read_at_most(handle, limits: Limits) -> bytes:
    data = handle.read(limits.file_bytes + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    _check_size(len(data), limits)
    return data


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise ImportFileError(
            _("The file is %(size)s MB, more than the limit of %(limit)s MB.")
            % {"size": _mb(size), "limit": _mb(limits.file_bytes)}
        )


def records(data: bytes, limits: Limits) -> Iterator[Row]:
    """The non-empty rows of a CSV or XLSX file as (spreadsheet row number, cell texts).

    The format is told by content (XLSX is a zip), so a misnamed file still reads.
    Cells are stripped strings; trailing empty cells may be missing.
    """
    deadline = time.monotonic() + limits.seconds
    if data.startswith(XLSX_MAGIC):
        return _xlsx_records(data, limits, deadline)
    return _csv_records(data, limits, deadline)


def _check_time(deadline: float, limits: Limits) -> None:
    if time.monotonic() > deadline:
        raise ImportFileError(
            _("Reading the file took longer than %(limit)s seconds; split it into smaller files.")
            % {"limit": _figure(f"{limits.seconds:g}")}
        )


def _too_many_rows(limits: Limits) -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(limit)s rows; split it into smaller files.")
        % {"limit": _n(limits.rows)}
    )


def _cells(number: int, texts: list[str], limits: Limits) -> list[str]:
    """The row's cells up to its last value, checked against the column and cell limits."""
    while texts and not texts[-1]:
        texts.pop()
    if len(texts) > limits.columns:
        raise ImportFileError(
            _("Row %(row)s has a value in column %(column)s; a file may have %(limit)s columns.")
            % {"row": _n(number), "column": _n(len(texts)), "limit": _n(limits.columns)}
        )
    if texts and max(map(len, texts)) <= limits.cell_chars:
        return texts  # the usual row: no cell to name
    for column, text in enumerate(texts, start=1):
        if len(text) > limits.cell_chars:
            raise ImportFileError(
                _(
                    "Row %(row)s, column %(column)s: a value of %(length)s characters, "
                    "more than the limit of %(limit)s («%(start)s»)."
                )
                % {
                    "row": _n(number),
                    "column": _n(column),
                    "length": _n(len(text)),
                    "limit": _n(limits.cell_chars),
                    "start": excerpt(text),
                }
            )
    return texts


# CSV --------------------------------------------------------------------------


def _csv_records(data: bytes, limits: Limits, deadline: float) -> Iterator[Row]:
    # Count the lines before reading one (a quoted cell may hold a line break,
    # so this can only overcount, never let a longer file through).
    if max(data.count(b"\n"), data.count(b"\r")) > limits.rows + 1:
        raise _too_many_rows(limits)
    # Decoded as it is read, never whole: a text copy of the file would take
    # two to four times its size.
    sample = data[:16_384].decode("utf-8-sig", errors="ignore")[:4096]
    delimiter = ","
    if sample.count(";") > sample.count(",") or sample.count("\t") > sample.count(","):
        delimiter = ";" if sample.count(";") >= sample.count("\t") else "\t"
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    number = 0
    most_rows = limits.rows + 1
    strip = str.strip
    try:
        for number, cells in enumerate(reader, start=1):
            if number % _CHECK_EVERY == 0:
                _check_time(deadline, limits)
            if number > most_rows:  # + the header
                raise _too_many_rows(limits)
            texts = _cells(number, list(map(strip, cells)), limits)
            if texts:
                yield number, texts
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text. Save it as «CSV UTF-8» or as an Excel (.xlsx) file.")
        ) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                _("Row %(row)s has a value longer than %(limit)s characters.")
                % {"row": _n(number + 1), "limit": _n(limits.cell_chars)}
            ) from exc
        raise ImportFileError(
            _("The CSV file cannot be read: %(reason)s") % {"reason": exc}
        ) from exc


# XLSX -------------------------------------------------------------------------


class _GuardedStream:
    """An XML part as the parser reads it: counted, timed, and refused at a run
    of text longer than a cell may be (before the parser would hold it).
    `scan()` reads it to the end first, counting its rows."""

    _ROW = re.compile(rb"<(?:\w{1,16}:)?row[\s/>]")

    def __init__(self, raw, limits: Limits, deadline: float, budget: int):
        self._raw = raw
        self._limits = limits
        self._deadline = deadline
        self._budget = budget
        self._carry = b""
        self.rows = 0
        # UTF-8 takes up to 4 bytes a character; formulas and tags are short.
        self._long = re.compile(rb"[^<]{%d}" % max(4 * limits.cell_chars, 32 * 1024))

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size if size and size > 0 else 64 * 1024)
        self._budget -= len(chunk)
        if self._budget < 0:
            raise _unpacks_to_too_much(self._limits)
        _check_time(self._deadline, self._limits)
        buffer = self._carry + chunk
        if self._long.search(buffer):
            raise ImportFileError(
                _("The Excel file has a value longer than %(limit)s characters.")
                % {"limit": _n(self._limits.cell_chars)}
            )
        # Every tag before the last «<» is whole: count the rows among them.
        last = buffer.rfind(b"<") if chunk else len(buffer)
        if last > 0:
            self.rows += len(self._ROW.findall(buffer, 0, last))
            self._carry = buffer[last:]
        else:
            self._carry = buffer
        return chunk

    def scan(self) -> int:
        """Read to the end; the number of rows the part has (empty ones too)."""
        while self.read(256 * 1024):
            if self.rows > self._limits.rows + 1:
                raise _too_many_rows(self._limits)
        return self.rows

    def close(self) -> None:
        self._raw.close()


def _unpacks_to_too_much(limits: Limits, size: int | None = None) -> ImportFileError:
    if size is None:
        return ImportFileError(
            _("The Excel file unpacks to more than the limit of %(limit)s MB.")
            % {"limit": _mb(limits.unpacked_bytes)}
        )
    return ImportFileError(
        _("The Excel file would unpack to %(size)s MB, more than the limit of %(limit)s MB.")
        % {"size": _mb(size), "limit": _mb(limits.unpacked_bytes)}
    )


def _damaged() -> ImportFileError:
    return ImportFileError(_("The Excel file cannot be read."))


def _declared_part_count(data: bytes) -> int:
    """Entries in the zip's end-of-directory record, read before zipfile builds
    one object per entry."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        raise _damaged()
    return int.from_bytes(data[end + 10 : end + 12], "little")


def _check_archive(data: bytes, limits: Limits) -> None:
    if _declared_part_count(data) > MAX_PARTS:
        raise ImportFileError(
            _("The Excel file has more than %(limit)s parts: it is not a spreadsheet.")
            % {"limit": _n(MAX_PARTS)}
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _damaged() from exc
    if len(parts) > MAX_PARTS:
        raise ImportFileError(
            _("The Excel file has more than %(limit)s parts: it is not a spreadsheet.")
            % {"limit": _n(MAX_PARTS)}
        )
    total = sum(p.file_size for p in parts)
    if total > limits.unpacked_bytes:
        raise _unpacks_to_too_much(limits, total)
    for part in parts:
        if part.file_size > MAX_PART_BYTES and not part.filename.startswith("xl/worksheets/"):
            raise ImportFileError(
                _("The Excel file's part %(part)s unpacks to %(size)s MB, more than %(limit)s MB.")
                % {
                    "part": excerpt(part.filename),
                    "size": _mb(part.file_size),
                    "limit": _mb(MAX_PART_BYTES),
                }
            )
    # The shared strings hold the sheet's texts: scan them for an overlong one
    # before openpyxl reads them into memory.
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml"):
            _scan(data, part, limits, total)


def _scan(data: bytes, part, limits: Limits, budget: int) -> int:
    """Unpack one part without keeping it: its row count, refused past the
    cell, row, size and time limits."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            with archive.open(part) as raw:
                return _GuardedStream(raw, limits, time.monotonic() + limits.seconds, budget).scan()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise _damaged() from exc


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _open_workbook(data: bytes):
    """openpyxl's reader up to the first worksheet's path, without its
    ReadOnlyWorksheet (which parses a whole sheet to learn its size when the
    sheet has no <dimension>)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for _sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            return reader, rel.target
    raise _damaged()


def _xlsx_records(data: bytes, limits: Limits, deadline: float) -> Iterator[Row]:
    from openpyxl.worksheet._reader import WorkSheetParser

    _check_archive(data, limits)
    try:
        reader, sheet_path = _open_workbook(data)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _damaged() from exc
    # Count the sheet's rows before parsing one: a sheet of two million rows is
    # refused before its rows fill the memory.
    try:
        _scan(data, sheet_path, limits, limits.unpacked_bytes)
        raw = reader.archive.open(sheet_path)
    except Exception:
        reader.archive.close()
        raise
    # openpyxl's own row iterator pads every row to the sheet's declared
    # <dimension> and fills gaps with empty rows; its parser yields the rows the
    # sheet really has, with their numbers.
    stream = _GuardedStream(raw, limits, deadline, limits.unpacked_bytes)
    book = reader.wb
    parser = WorkSheetParser(
        stream,
        reader.shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    seen = 0
    try:
        for number, cells in parser.parse():
            seen += 1
            if seen % _CHECK_EVERY == 0:
                _check_time(deadline, limits)
            values = {c["column"]: c["value"] for c in cells if c["value"] is not None}
            if not values:
                if seen > limits.rows + 1:
                    raise _too_many_rows(limits)
                continue
            if number > limits.rows + 1 or seen > limits.rows + 1:
                raise _too_many_rows(limits)
            width = max(values)
            if width > limits.columns:
                raise ImportFileError(
                    _(
                        "Row %(row)s has a value in column %(column)s; "
                        "a file may have %(limit)s columns."
                    )
                    % {"row": _n(number), "column": _n(width), "limit": _n(limits.columns)}
                )
            texts = _cells(number, [_cell_text(values.get(i)) for i in range(1, width + 1)], limits)
            if texts:
                yield number, texts
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet: bad XML, a bad shared string index…
        raise _damaged() from exc
    finally:
        stream.close()
        reader.archive.close()
