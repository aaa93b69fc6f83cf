"""Property-based tests of the import pipeline (programs.importing) with hypothesis.

Business rules checked, for files no person would hand in on purpose:
- any file that is not a valid figures/targets file (wrong encodings, missing columns,
  random bytes, random Unicode cells, huge numbers, empty files, "XLSX" that is not XLSX,
  real XLSX with random cells) ends in a clear error: an ImportFileError with a message,
  or row errors of the form `row N: reason` — never another exception;
- whatever the file, when it has any error the database is unchanged (figures, months,
  targets and their history);
- one bad row anywhere in an otherwise good file saves nothing and names that row;
- extra, unknown columns are ignored; a good file with them still reads;
- a crash in the middle of saving (an exception after half the lines) rolls back
  everything: atomic under any failure, not only under validation errors.
"""

import csv
import io
import zipfile
from unittest import mock

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from loans.models import LoanFigure, ReferralFigure
from programs import importing, services
from programs.importing import ImportFileError
from programs.models import CountyOffice, JobsFigure, MonthlyReport, Target
from tests import seeding

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
HEADER = list(importing.FIGURE_COLUMNS)
GOOD_ROWS = [
    ["IR-19", "زنجان", "1403", "1", "jobs", "کاریابی", "", "", "12"],
    ["IR-19", "زنجان", "1403", "1", "jobs", "هدایت شغلی", "", "", "5"],
    ["IR-19", "ابهر", "1403", "2", "loans_count", "", "بانک ملی ایران", "صندوق امداد ولایت", "7"],
    ["زنجان", "ابهر", "1403", "2", "loans_amount_rial", "", "بانک ملی ایران", "صندوق امداد ولایت",
     "8,400,000,000"],
    ["IR-19", "زنجان", "1403", "3", "referred_to_bank", "", "بانک سپه", "", "۴۰"],
    ["IR-19", "زنجان", "1403", "3", "trainees", "", "", "", "52"],
    ["IR-23", "اسلامشهر", "1403", "1", "exits", "", "", "", "16"],
]  # fmt: skip


# What an import could write, and the columns whose sums show a changed value.
WATCHED = {
    MonthlyReport: ("version", "trainees", "exits", "jobs", "loans_count", "referred"),
    JobsFigure: ("value",),
    LoanFigure: ("count", "amount_rial"),
    ReferralFigure: ("value",),
    Target: ("value",),
}


def fingerprint():
    """Counts, highest ids and sums of every watched table and its history, in one query.

    Any row added, removed or changed (values only grow or shrink by whole
    numbers here) moves one of them.
    """
    parts = []
    for model, columns in WATCHED.items():
        table, history = model._meta.db_table, model.history.model._meta.db_table
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        parts.append(f"(SELECT MAX(id) FROM {table})")
        parts += [f"(SELECT SUM({c}) FROM {table})" for c in columns]
        parts.append(f"(SELECT COUNT(*) FROM {history})")
        parts.append(f"(SELECT MAX(history_id) FROM {history})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def to_csv(rows, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def to_xlsx(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def assert_clear_failure(data, *, kind="figures", user=None):
    """Import `data`; it must fail clearly and write nothing. Returns the failure."""
    before = fingerprint()
    run = importing.import_figures if kind == "figures" else importing.import_targets
    try:
        result = run(io.BytesIO(data), filename="upload.bin", user=user)
    except ImportFileError as exc:
        assert str(exc).strip(), "an ImportFileError needs a message"
        failure = exc
    else:
        assert result.errors, "a malformed file was accepted"
        assert not result.saved
        for error in result.errors:
            assert str(error).startswith(f"row {error.row}: ") and error.message.strip()
        failure = result
    assert fingerprint() == before, "a failed import changed the database"
    return failure


@pytest.fixture
def stored(admin_user):
    """Some figures already stored, so 'unchanged' means something."""
    office = CountyOffice.objects.get(province__code="IR-19", name="زنجان")
    seeding.apply_values(
        values=[services.FigureValue(office.pk, 1403, 1, "trainees", 3200)], by=admin_user
    )


# --- whole-file problems -------------------------------------------------------------------


@PROPERTY
@given(data=st.binary(max_size=2000))
def test_random_bytes_fail_clearly(stored, data):
    assert_clear_failure(data)
    assert_clear_failure(data, kind="targets")


@PROPERTY
@given(junk=st.binary(max_size=3000))
def test_xlsx_that_is_not_xlsx_fails_clearly(stored, junk):
    failure = assert_clear_failure(b"PK\x03\x04" + junk)
    assert isinstance(failure, ImportFileError)


@PROPERTY
@given(
    members=st.dictionaries(
        st.text(alphabet="abcxl/_.[]", min_size=1, max_size=20),
        st.binary(max_size=200),
        max_size=4,
    )
)
def test_a_zip_that_is_not_a_workbook_fails_clearly(stored, members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    failure = assert_clear_failure(out.getvalue())
    assert isinstance(failure, ImportFileError)


@PROPERTY
@given(
    blank=st.sampled_from(
        [b"", b"\xef\xbb\xbf", b"\n\n", b"   \r\n\t", b",,,,\n,,,", b"\xef\xbb\xbf\n"]
    ),
    header_only=st.booleans(),
)
def test_empty_files_fail_clearly(stored, blank, header_only):
    data = blank + (to_csv([HEADER]) if header_only else b"")
    failure = assert_clear_failure(data)
    assert isinstance(failure, ImportFileError)


@PROPERTY
@given(encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-32", "cp1256", "iso-8859-6"]))
def test_wrong_encodings_fail_clearly(stored, encoding):
    rows = [HEADER, *GOOD_ROWS]
    text = to_csv(rows).decode()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, errors="replace")
    failure = assert_clear_failure(data)
    assert isinstance(failure, ImportFileError)


@PROPERTY
@given(
    dropped=st.sets(
        st.sampled_from(["province", "county", "year", "month", "measure", "value"]), min_size=1
    ),
    as_xlsx=st.booleans(),
)
def test_missing_columns_fail_clearly_naming_them(stored, dropped, as_xlsx):
    keep = [i for i, name in enumerate(HEADER) if name not in dropped]
    rows = [[row[i] for i in keep] for row in [HEADER, *GOOD_ROWS]]
    failure = assert_clear_failure(to_xlsx(rows) if as_xlsx else to_csv(rows))
    assert isinstance(failure, ImportFileError)
    assert any(name in str(failure) for name in dropped)


@PROPERTY
@given(
    extra=st.lists(
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                min_size=1, max_size=12),
        min_size=1, max_size=4,
    ),
    position=st.integers(min_value=0, max_value=len(HEADER)),
)  # fmt: skip
def test_extra_unknown_columns_are_ignored(stored, extra, position):
    known = {importing.normalize_name(h) for h in importing._HEADER_KEYS}
    extra = [e for e in extra if importing.normalize_name(e.strip()) not in known and e.strip()]
    header = HEADER[:position] + extra + HEADER[position:]
    rows = [header] + [row[:position] + ["x"] * len(extra) + row[position:] for row in GOOD_ROWS]
    result = importing.import_figures(io.BytesIO(to_csv(rows)), dry_run=True)
    assert result.ok, result.errors
    assert len(result.values) == len(GOOD_ROWS)


# --- row-level problems --------------------------------------------------------------------

CELL_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), max_size=40
)  # any Unicode, controls and RTL marks included
HUGE = st.one_of(
    st.integers(min_value=2**63, max_value=10**40).map(str),
    st.integers(min_value=-(10**30), max_value=-1).map(str),
    st.integers(min_value=2**63).map(lambda n: f"{n:,}"),
    st.floats(allow_nan=True, allow_infinity=True)
    .filter(lambda f: not (f == f and abs(f) != float("inf") and f.is_integer() and 0 <= f < 2**63))
    .map(repr),  # fractions, NaN, infinities, negatives (whole floats like 5.0 are valid)
    st.just("9" * 900),  # longer cells are refused whole (tests/test_hostile_files.py)
    st.just("۹" * 30),
)


@PROPERTY
@given(
    column=st.sampled_from(HEADER),
    cell=CELL_TEXT,
    row_index=st.integers(min_value=0, max_value=len(GOOD_ROWS) - 1),
    as_xlsx=st.booleans(),
)
def test_one_random_unicode_cell_never_crashes_and_saves_nothing_if_bad(
    stored, column, cell, row_index, as_xlsx
):
    if as_xlsx and ILLEGAL_CHARACTERS_RE.search(cell):
        return  # openpyxl refuses to write control characters into a workbook at all
    rows = [list(r) for r in GOOD_ROWS]
    rows[row_index][HEADER.index(column)] = cell
    all_rows = [HEADER, *rows]
    data = to_xlsx(all_rows) if as_xlsx else to_csv(all_rows)
    before = fingerprint()
    try:
        result = importing.import_figures(io.BytesIO(data), dry_run=True)
    except ImportFileError as exc:
        assert str(exc).strip()
        return
    for error in result.errors:
        assert error.row == row_index + 2, "only the changed row may be wrong"
    assert fingerprint() == before


@PROPERTY
@given(
    value=HUGE,
    bad_row=st.integers(min_value=0, max_value=len(GOOD_ROWS) - 1),
)
def test_huge_or_impossible_values_are_row_errors_and_save_nothing(stored, value, bad_row):
    rows = [list(r) for r in GOOD_ROWS]
    rows[bad_row][HEADER.index("value")] = value
    failure = assert_clear_failure(to_csv([HEADER, *rows]))
    assert [e.row for e in failure.errors] == [bad_row + 2]


@PROPERTY
@given(
    year=st.one_of(st.integers(max_value=1299), st.integers(min_value=1501)).map(str),
    month=st.one_of(st.integers(max_value=0), st.integers(min_value=13)).map(str),
    which=st.sampled_from(["year", "month"]),
)
def test_out_of_range_years_and_months_are_row_errors(stored, year, month, which):
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][HEADER.index(which)] = year if which == "year" else month
    failure = assert_clear_failure(to_csv([HEADER, *rows]))
    assert [e.row for e in failure.errors] == [2]


@PROPERTY
@given(
    position=st.integers(min_value=0, max_value=len(GOOD_ROWS)),
    bad=st.sampled_from(
        [
            ["IR-99", "زنجان", "1403", "1", "jobs", "کاریابی", "", "", "1"],
            ["IR-19", "شهر ناموجود", "1403", "1", "jobs", "کاریابی", "", "", "1"],
            ["IR-19", "زنجان", "1403", "1", "jobs", "طرح ناموجود", "", "", "1"],
            ["IR-19", "زنجان", "1403", "1", "jobs", "", "", "", "1"],
            ["IR-19", "زنجان", "1403", "1", "trainees", "کاریابی", "", "", "1"],
            ["IR-19", "زنجان", "1403", "1", "salaries", "", "", "", "1"],
            ["IR-19", "زنجان", "1403", "1", "jobs", "کاریابی", "", "", "-5"],
            ["IR-19", "زنجان", "1403", "1", "jobs", "کاریابی", "", "", "12"],  # duplicate key
            ["'; DROP TABLE programs_province; --", "x", "1403", "1", "jobs", "", "", "", "1"],
            ["<script>alert(1)</script>", "زنجان", "1403", "1", "jobs", "", "", "", "1"],
        ]
    ),
    as_xlsx=st.booleans(),
)
def test_one_bad_row_anywhere_saves_nothing_and_is_named(stored, position, bad, as_xlsx):
    rows = [list(r) for r in GOOD_ROWS]
    rows.insert(position, bad)
    all_rows = [HEADER, *rows]
    failure = assert_clear_failure(to_xlsx(all_rows) if as_xlsx else to_csv(all_rows))
    if bad[-1] == "12" and bad[5] == "کاریابی":  # the duplicate names the later of the two
        assert [e.row for e in failure.errors] == [max(position, 0) + 2 if position > 0 else 3]
    else:
        assert [e.row for e in failure.errors] == [position + 2]


@PROPERTY
@given(province=st.sampled_from(["IR-23", "تهران", "IR-00", "ir-23"]))
def test_other_provinces_rows_are_refused_for_provincial_staff(zanjan_staff, province):
    rows = [list(GOOD_ROWS[0])]
    rows[0][0] = province
    rows[0][1] = "اسلامشهر" if province != "IR-00" else "تبریز"
    failure = assert_clear_failure(to_csv([HEADER, *rows]), user=zanjan_staff)
    assert [e.row for e in failure.errors] == [2]


@PROPERTY
@given(
    cells=st.lists(
        st.lists(st.one_of(CELL_TEXT, st.integers(), st.floats(allow_nan=False), st.none()),
                 min_size=0, max_size=7),
        min_size=0, max_size=6,
    )
)  # fmt: skip
def test_targets_files_with_random_cells_fail_clearly(admin_user, cells):
    cleaned = [
        [c for c in row if not (isinstance(c, str) and any(ord(ch) < 32 for ch in c))]
        for row in cells
    ]
    data = to_csv([list(importing.TARGET_COLUMNS), *cleaned])
    before = fingerprint()
    try:
        result = importing.import_targets(io.BytesIO(data), user=admin_user, dry_run=True)
    except ImportFileError as exc:
        assert str(exc).strip()
    else:
        for error in result.errors:
            assert str(error).startswith("row ")
    assert fingerprint() == before


# --- a crash in the middle -----------------------------------------------------------------


def test_a_crash_after_half_the_lines_rolls_back_everything(stored, admin_user):
    """The jobs lines are written, then the loans lines raise: nothing may remain."""
    real = services._upsert_lines
    calls = []

    def crash_on_second(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    before = fingerprint()
    with (
        mock.patch.object(services, "_upsert_lines", crash_on_second),
        pytest.raises(RuntimeError, match="disk full"),
    ):
        importing.import_figures(io.BytesIO(to_csv([HEADER, *GOOD_ROWS])), user=admin_user)
    assert calls[0] is JobsFigure, "the first half was really written before the crash"
    assert fingerprint() == before


def test_a_crash_after_the_lines_while_refreshing_rollups_rolls_back(stored, admin_user):
    before = fingerprint()
    with (
        mock.patch.object(services, "after_figures_changed", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        importing.import_figures(io.BytesIO(to_csv([HEADER, *GOOD_ROWS])), user=admin_user)
    assert fingerprint() == before


def test_a_crash_in_the_middle_of_targets_rolls_back(admin_user):
    rows = [
        ["IR-19", "", "1398", "jobs", "4000"],
        ["IR-19", "", "1398", "loans_count", "3000"],
        ["IR-19", "زنجان", "1398", "jobs", "1500"],
    ]
    real_save = Target.save
    saved = []

    def crash_on_second(self, *args, **kwargs):
        saved.append(self)
        if len(saved) == 2:
            raise RuntimeError("connection lost")
        return real_save(self, *args, **kwargs)

    before = fingerprint()
    with mock.patch.object(Target, "save", crash_on_second), pytest.raises(RuntimeError):
        importing.import_targets(
            io.BytesIO(to_csv([list(importing.TARGET_COLUMNS), *rows])), user=admin_user
        )
    assert len(saved) == 2
    assert fingerprint() == before


def test_good_rows_do_import(stored, admin_user):
    """The control: the same file without faults saves, so the tests above can fail."""
    before = fingerprint()
    result = importing.import_figures(io.BytesIO(to_csv([HEADER, *GOOD_ROWS])), user=admin_user)
    assert result.ok and result.saved
    assert fingerprint() != before
