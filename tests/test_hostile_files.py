"""Hostile files are refused quickly, in little memory, with nothing saved (issue 12).

Rules checked (programs.reading, the one reading layer of the command and the
web upload):
- a sheet whose `<dimension>` claims A1:XFD1048576 with one cell at XFD1048576 is
  refused for its row number, not read as a million rows of 16,384 cells;
- a 1 MiB workbook holding a 1 GiB cell is refused from its zip directory,
  before anything is unpacked; a long cell inside the unpacked limit is refused
  while streaming, and a message quotes at most a short prefix of it;
- a workbook of two million rows is refused by what it unpacks to, and a
  compact one by its row count, before its rows are parsed;
- a zip that lies about its sizes, XML entities that expand a billion-fold, a
  zip of thousands of parts, a value in
  column 16,384, a file past the size limit, a CSV of a million lines and CSV
  cells past the limit are refused with a clear message;
- each is refused within a few seconds and under 300 MB of memory (measured in
  a fresh process with resource.getrusage), through `import_figures` and through
  the web upload, with the database unchanged;
- the limits are settings; a time limit stops a slow read; a forgiving
  reader still takes an empty styled row at the sheet's last row.

The files are made here, at test time, in a temporary directory.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from programs import importing, reading
from programs.importing import FIGURE_COLUMNS, ImportFileError
from tests.conftest import PASSWORD
from tests.test_import_properties import fingerprint

MiB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent
# "Within a few seconds" on a shared two-core machine; the closing note of
# issue 12 gives the times measured.
SECONDS = 20
MEMORY_MB = 300

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
SHEET_TAIL = b"</sheetData></worksheet>"
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)


def _inline(text: str) -> bytes:
    return b'<c t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>"


HEADER_ROW = b'<row r="1">' + b"".join(_inline(c) for c in FIGURE_COLUMNS) + b"</row>"
GOOD_ROW = b"".join(
    _inline(c) for c in ["IR-19", "ابهر", "1403", "1", "jobs", "کاریابی", "", "", "12"]
)


def _write_xlsx(path: Path, sheet_chunks, shared_strings=None, level: int = 1) -> Path:
    """A workbook made by openpyxl, its first sheet (and shared strings) replaced
    by the given XML, written chunk by chunk so no big file is ever in memory."""
    book = Workbook()
    book.active.append(list(FIGURE_COLUMNS))
    plain = io.BytesIO()
    book.save(plain)
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out,
    ):
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                _write_part(out, part.filename, sheet_chunks)
                continue
            if part.filename == "[Content_Types].xml" and shared_strings is not None:
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            out.writestr(part, data)
        if shared_strings is not None:
            _write_part(out, "xl/sharedStrings.xml", shared_strings)
    return path


def _write_part(out: zipfile.ZipFile, name: str, chunks) -> None:
    with out.open(name, "w") as handle:
        for chunk in chunks:
            handle.write(chunk)


def _sheet(*rows: bytes, dimension: bytes = b"") -> list[bytes]:
    return [SHEET_HEAD, dimension, b"<sheetData>", *rows, SHEET_TAIL]


def _repeat(piece: bytes, times: int, batch: int = 10_000):
    for start in range(0, times, batch):
        yield piece * min(batch, times - start)


def lying_dimension(path):
    return _write_xlsx(
        path,
        _sheet(
            HEADER_ROW,
            b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
            dimension=b'<dimension ref="A1:XFD1048576"/>',
        ),
    )


def value_in_last_column(path):
    return _write_xlsx(
        path,
        _sheet(HEADER_ROW, b'<row r="2"><c r="XFD2"><v>1</v></c></row>'),
    )


def one_gib_cell(path):
    strings = [
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="1" uniqueCount="1"><si><t>',
        *_repeat(b"9" * MiB, 1024, batch=1),
        b"</t></si></sst>",
    ]
    cell = b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return _write_xlsx(path, _sheet(HEADER_ROW, cell), shared_strings=strings)


def long_inline_cell(path):
    cell = [b'<row r="2"><c r="A2" t="inlineStr"><is><t>', *_repeat(b"x" * MiB, 64, batch=1)]
    return _write_xlsx(path, [*_sheet(HEADER_ROW)[:-1], *cell, b"</t></is></c></row>", SHEET_TAIL])


def long_shared_string(path):
    strings = [
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
        b"x" * (8 * MiB),
        b"</t></si></sst>",
    ]
    cell = b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return _write_xlsx(path, _sheet(HEADER_ROW, cell), shared_strings=strings)


def two_million_rows(path):
    """Like the issue's: a few MB that unpack to some 750 MB."""
    row = b"<row>" + GOOD_ROW + b"</row>"
    return _write_xlsx(path, [*_sheet(HEADER_ROW)[:-1], *_repeat(row, 2_000_000), SHEET_TAIL])


def two_million_compact_rows(path):
    """Two million rows in 50 MB unpacked: inside the size limit, past the row limit."""
    row = b'<row><c t="inlineStr"><is><t>IR-19</t></is></c></row>'
    return _write_xlsx(path, [*_sheet(HEADER_ROW)[:-1], *_repeat(row, 2_000_000), SHEET_TAIL])


def lying_sizes(path):
    """A sheet of 5 MB whose zip directory says it is 1 KB."""
    row = b"<row>" + GOOD_ROW + b"</row>"
    _write_xlsx(path, [*_sheet(HEADER_ROW)[:-1], *_repeat(row, 20_000), SHEET_TAIL])
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    entry = data.find(b"PK\x01\x02")
    while entry >= 0:
        length = int.from_bytes(data[entry + 28 : entry + 30], "little")
        if data[entry + 46 : entry + 46 + length] == name:
            data[entry + 24 : entry + 28] = (1024).to_bytes(4, "little")
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))
    return path


def entity_bomb(path):
    """A billion laughs in the sheet's XML (expat refuses the amplification)."""
    entities = [b'<!ENTITY a0 "laugh">'] + [
        b'<!ENTITY a%d "%s">' % (n, b"&a%d;" % (n - 1) * 10) for n in range(1, 10)
    ]
    head = SHEET_HEAD.replace(
        b"<worksheet", b"<!DOCTYPE worksheet [" + b"".join(entities) + b"]><worksheet", 1
    )
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&a9;</t></is></c></row>'
    return _write_xlsx(path, [head, b"<sheetData>", HEADER_ROW, cell, SHEET_TAIL])


def many_parts(path):
    with zipfile.ZipFile(path, "w") as out:
        for number in range(5000):
            out.writestr(f"part{number}.xml", b"")
    return path


def too_big_file(path):
    path.write_bytes(b"," * (reading.MB * 41))
    return path


def many_lines_csv(path):
    line = "IR-19,ابهر,1403,1,jobs,کاریابی,,,12\n".encode()
    path.write_bytes(",".join(FIGURE_COLUMNS).encode() + b"\n" + line * 500_000)
    return path


def huge_csv_cell(path):
    row = "IR-19,ابهر,1403,1,jobs,کاریابی,,,".encode() + b"9" * (30 * MiB)
    path.write_bytes(",".join(FIGURE_COLUMNS).encode() + b"\n" + row + b"\n")
    return path


def long_csv_cell(path):
    row = "IR-19,ابهر,1403,1,jobs,".encode() + "کاریابی".encode() * 1000 + b",,,12"
    path.write_bytes(",".join(FIGURE_COLUMNS).encode() + b"\n" + row + b"\n")
    return path


# name → (maker, file suffix, what the refusal says)
HOSTILE = {
    "lying_dimension": (lying_dimension, "xlsx", r"more than [\d,]+ rows"),
    "value_in_last_column": (value_in_last_column, "xlsx", "column 16,384"),
    "one_gib_cell": (one_gib_cell, "xlsx", r"would unpack to 1,024\.0 MB"),
    "long_inline_cell": (long_inline_cell, "xlsx", "longer than 1,000 characters"),
    "long_shared_string": (long_shared_string, "xlsx", "longer than 1,000 characters"),
    "two_million_rows": (two_million_rows, "xlsx", r"more than the limit of 256\.0 MB"),
    "two_million_compact_rows": (two_million_compact_rows, "xlsx", r"more than [\d,]+ rows"),
    "lying_sizes": (lying_sizes, "xlsx", "cannot be read"),
    "entity_bomb": (entity_bomb, "xlsx", "cannot be read"),
    "many_parts": (many_parts, "xlsx", "more than 1,000 parts"),
    "too_big_file": (too_big_file, "csv", r"more than the limit of 40\.0 MB"),
    "many_lines_csv": (many_lines_csv, "csv", r"more than [\d,]+ rows"),
    "huge_csv_cell": (huge_csv_cell, "csv", "longer than 1,000 characters"),
    "long_csv_cell": (long_csv_cell, "csv", "more than the limit of 1,000"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            maker, suffix, _message = HOSTILE[name]
            made[name] = maker(folder / f"{name}.{suffix}")
        return made[name]

    return get


def test_the_files_are_what_the_issue_describes(hostile):
    assert hostile("lying_dimension").stat().st_size < 10_000
    assert hostile("one_gib_cell").stat().st_size < 8 * MiB  # 1 MiB at level 9, slower to make
    with zipfile.ZipFile(hostile("one_gib_cell")) as archive:
        assert sum(p.file_size for p in archive.infolist()) > 1024 * MiB
    assert hostile("two_million_rows").stat().st_size < 10 * MiB
    with zipfile.ZipFile(hostile("two_million_rows")) as archive:
        assert sum(p.file_size for p in archive.infolist()) > 700 * MiB


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE)
def test_the_command_refuses_each_hostile_file_quickly_saving_nothing(hostile, name):
    path = hostile(name)
    before = fingerprint()
    started = time.monotonic()
    with pytest.raises(CommandError) as refused:
        call_command("import_figures", str(path), "--language", "en")
    elapsed = time.monotonic() - started
    assert re.search(HOSTILE[name][2], str(refused.value))
    assert len(str(refused.value)) < 300  # a prefix of a bad value at most
    assert elapsed < SECONDS
    assert fingerprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE)
def test_the_web_upload_refuses_each_hostile_file_quickly_saving_nothing(
    hostile, name, zanjan_staff
):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=zanjan_staff.username, password=PASSWORD)
    upload = SimpleUploadedFile(f"filled.{HOSTILE[name][1]}", hostile(name).read_bytes())
    before = fingerprint()
    started = time.monotonic()
    response = client.post(reverse("entry:upload", args=["IR-19"]), {"file": upload})
    elapsed = time.monotonic() - started
    if upload.size > settings.RELIEFJOBS_MAX_REQUEST_BYTES:
        # Larger than any request the app reads (reliefjobs/limits.py): refused
        # unread, before the upload's own file limits are reached.
        assert response.status_code == 413
        assert "The request is too large" in response.content.decode()
        assert elapsed < SECONDS
        assert fingerprint() == before
        return
    assert response.status_code == 400
    preview = response.context["preview"]
    assert not preview.values
    [error] = preview.errors
    if HOSTILE[name][1] == "xlsx" or "MB" in HOSTILE[name][2]:
        assert re.search(HOSTILE[name][2], error.message)
    else:  # the upload takes the Excel template only
        assert error.message == "The Excel file cannot be read."
    assert elapsed < SECONDS
    assert fingerprint() == before
    assert client.post(reverse("entry:upload_confirm", args=["IR-19"])).status_code == 302
    assert fingerprint() == before


_MEASURE = """
import json, sys, time
import django
django.setup()
from django.utils import translation
from programs.importing import ImportFileError, read_rows
translation.activate("en")
started = time.monotonic()
try:
    read_rows(sys.argv[1])
    message = None
except ImportFileError as exc:
    message = str(exc)
seconds = time.monotonic() - started
# VmHWM, the peak resident memory of this program; getrusage's ru_maxrss would
# also count what the forking test process held before exec.
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"message": message, "seconds": seconds, "max_rss_mb": peak_kb / 1024}))
"""


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_file_is_refused_in_little_memory(hostile, name):
    """A fresh process reads the file as the command would: its peak memory,
    Django included, stays under 300 MB (the closing note gives the figures)."""
    path = hostile(name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "reliefjobs.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["message"] and re.search(HOSTILE[name][2], measured["message"])
    assert measured["seconds"] < SECONDS
    assert measured["max_rss_mb"] < MEMORY_MB, measured
    print(name, measured)  # shown with pytest -s


# --- limits are settings; forgiving where a real file is harmless ------------------


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def _csv(rows: int) -> bytes:
    line = "IR-19,ابهر,1403,1,jobs,کاریابی,,,12\n"
    return (",".join(FIGURE_COLUMNS) + "\n" + line * rows).encode()


def test_the_row_limit_is_a_setting(english, settings):
    settings.IMPORT_MAX_ROWS = 5
    assert len(importing.read_rows(io.BytesIO(_csv(5)))) == 5
    with pytest.raises(ImportFileError, match="more than 5 rows"):
        importing.read_rows(io.BytesIO(_csv(6)))


def test_the_cell_and_column_limits_are_settings(english, settings, tmp_path):
    settings.IMPORT_MAX_CELL_CHARS = 4
    with pytest.raises(ImportFileError, match="a value of 8 characters"):
        importing.read_rows(io.BytesIO(_csv(1)))  # «province»
    settings.IMPORT_MAX_CELL_CHARS = 1000
    settings.IMPORT_MAX_COLUMNS = 8
    with pytest.raises(ImportFileError, match="column 9"):
        importing.read_rows(io.BytesIO(_csv(1)))


def test_the_size_limits_are_settings(english, settings, tmp_path):
    settings.IMPORT_MAX_FILE_MB = 1
    with pytest.raises(ImportFileError, match="more than the limit of 1.0 MB"):
        importing.read_rows(io.BytesIO(b"," * (MiB + 1)))
    settings.IMPORT_MAX_FILE_MB = 40
    settings.IMPORT_MAX_UNPACKED_MB = 1
    row = b"<row>" + GOOD_ROW + b"</row>"
    path = _write_xlsx(
        tmp_path / "big.xlsx", [*_sheet(HEADER_ROW)[:-1], *_repeat(row, 5000), SHEET_TAIL]
    )
    with pytest.raises(ImportFileError, match="more than the limit of 1.0 MB"):
        importing.read_rows(path)


def test_the_time_limit_stops_a_slow_read(english, settings, tmp_path):
    settings.IMPORT_MAX_SECONDS = 0
    row = b"<row>" + GOOD_ROW + b"</row>"
    path = _write_xlsx(
        tmp_path / "slow.xlsx", [*_sheet(HEADER_ROW)[:-1], *_repeat(row, 5000), SHEET_TAIL]
    )
    with pytest.raises(ImportFileError, match="longer than 0 seconds"):
        importing.read_rows(path)


def test_empty_styled_rows_at_the_end_of_a_sheet_are_harmless(tmp_path):
    """Excel writes a row element for a formatted empty row, even the last one."""
    path = _write_xlsx(
        tmp_path / "styled.xlsx",
        _sheet(
            HEADER_ROW,
            b'<row r="2">' + GOOD_ROW + b"</row>",
            b'<row r="1048576" ht="20" customHeight="1"><c r="XFD1048576" s="0"/></row>',
            dimension=b'<dimension ref="A1:XFD1048576"/>',
        ),
    )
    rows = importing.read_rows(path)
    assert [number for number, _row in rows] == [2]
    assert rows[0][1]["value"] == "12"


def test_row_numbers_are_the_sheets_own(tmp_path):
    path = _write_xlsx(
        tmp_path / "gaps.xlsx",
        _sheet(HEADER_ROW, b'<row r="7">' + GOOD_ROW + b"</row>"),
    )
    assert [number for number, _row in importing.read_rows(path)] == [7]


@pytest.mark.django_db
def test_a_bad_value_is_quoted_by_a_short_prefix_only():
    data = _csv(1).replace(b",12\n", b"," + b"9" * 900 + b"\n")
    result = importing.import_figures(io.BytesIO(data), dry_run=True)
    [error] = result.errors
    assert "9" * 40 + "…" in error.message
    assert "9" * 41 not in error.message


def test_a_limit_set_to_zero_in_the_environment_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from reliefjobs.env import env_int

    monkeypatch.setenv("RELIEFJOBS_IMPORT_MAX_ROWS", "0")
    with pytest.raises(ImproperlyConfigured):
        env_int("RELIEFJOBS_IMPORT_MAX_ROWS", 400_000, minimum=1)
    monkeypatch.setenv("RELIEFJOBS_IMPORT_MAX_ROWS", "500000")
    assert env_int("RELIEFJOBS_IMPORT_MAX_ROWS", 400_000, minimum=1) == 500_000


@pytest.mark.django_db
def test_refusals_speak_persian_with_persian_digits(hostile):
    with pytest.raises(CommandError) as refused:
        call_command("import_figures", str(hostile("lying_dimension")), "--language", "fa")
    assert str(refused.value) == (
        "پرونده بیش از ۴۰۰٬۰۰۰ سطر دارد؛ آن را به چند پرونده کوچک‌تر تقسیم کنید."
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_figures", str(hostile("one_gib_cell")), "--language", "fa")
    assert "۱٬۰۲۴٫۰ مگابایت" in str(refused.value)
