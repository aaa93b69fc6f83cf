"""`manage.py import_figures FILE [--dry-run]` (README "Commands", "Figures file").

Business rules checked:
- a good file (CSV with or without BOM, XLSX, Persian headers, Persian and
  Arabic letters/digits, thousands separators) is saved and a summary printed;
- a bad file fails (non-zero exit, CommandError), prints one `row N: reason`
  line per bad row and leaves the database exactly as it was: unknown county,
  unknown scheme, month 13, negative, non-number, beyond 64-bit, missing
  dimension, wrong province code, approved month, another province for a
  scoped user (--user);
- --dry-run saves nothing; importing twice keeps one value per key (upsert);
- messages are Persian by default and English with --language en, always with
  the literal `row N: ` prefix.
"""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from loans.models import LoanFigure, ReferralFigure
from programs.models import JobsFigure, MonthlyReport, ReportStatus
from tests.test_importing import FIXTURES, HEADER, PERSIAN_HEADER, xlsx_bytes

pytestmark = pytest.mark.django_db


def write(tmp_path, *lines, header=HEADER, bom=True, name="figures.csv") -> Path:
    path = tmp_path / name
    text = "\n".join([header, *lines]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_figures", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_figures", *[str(a) for a in args], stdout=out, stderr=err)
    return str(exc.value), err.getvalue().splitlines()


def counts():
    return (
        MonthlyReport.objects.count(),
        JobsFigure.objects.count(),
        LoanFigure.objects.count(),
        ReferralFigure.objects.count(),
        list(MonthlyReport.objects.order_by("pk").values_list("trainees", "jobs", "version")),
    )


def test_sample_file_is_saved_with_a_summary():
    out, err = run(FIXTURES / "figures_sample.csv", "--language", "en")
    assert "10 rows read: 10 values to change, 0 unchanged. Saved; 4 months updated." in out
    assert err == ""
    assert MonthlyReport.objects.count() == 4
    assert JobsFigure.objects.count() == 3


def test_summary_is_persian_by_default():
    out, _err = run(FIXTURES / "figures_sample.csv")
    assert "سطر خوانده شد" in out and "rows" not in out


def test_import_twice_keeps_one_value_per_key(tmp_path):
    run(write(tmp_path, "IR-19,زنجان,1403,1,jobs,کاریابی,,,12"))
    run(write(tmp_path, "IR-19,زنجان,1403,1,jobs,کاریابی,,,15"))
    assert list(JobsFigure.objects.values_list("value", flat=True)) == [15]
    out, _ = run(write(tmp_path, "IR-19,زنجان,1403,1,jobs,کاریابی,,,15"), "--language", "en")
    assert "0 values to change, 1 unchanged" in out


def test_dry_run_saves_nothing():
    out, _ = run(FIXTURES / "figures_sample.csv", "--dry-run", "--language", "en")
    assert "Dry run: nothing was saved." in out
    assert counts() == (0, 0, 0, 0, [])


@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_and_without_bom(tmp_path, bom):
    run(write(tmp_path, "IR-19,زنجان,1403,1,trainees,,,,20", bom=bom))
    assert MonthlyReport.objects.get().trainees == 20


def test_xlsx_with_persian_headers(tmp_path):
    path = tmp_path / "figures.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                PERSIAN_HEADER.split(","),
                ["زنجان", "ابهر", 1403, 2, "jobs", "آزادکاری", None, None, 9],
                [
                    "IR-19",
                    "ابهر",
                    "۱۴۰۳",
                    "۲",
                    "loans_amount_rial",
                    None,
                    "بانک سپه",
                    "منابع بانکی",
                    "۱۲۰٬۰۰۰٬۰۰۰",
                ],
                # An amount needs its number of loans (programs.rules).
                ["IR-19", "ابهر", 1403, 2, "loans_count", None, "بانک سپه", "منابع بانکی", 2],
            ]
        )
    )
    run(path)
    report = MonthlyReport.objects.get()
    assert (report.office.name, report.jobs, report.loans_amount_rial) == ("ابهر", 9, 120_000_000)


def test_name_variants_digits_and_separators_match(tmp_path):
    run(
        write(
            tmp_path,
            "تهران,اسلام‌شهر,۱۴۰۴,۱,jobs,كاريابي,,,۸",
            "IR-23,اسلام شهر,١٤٠٤,١,loans_count,,بانك ملي ايران,صندوق امداد ولايت,٧٧",
            'ir-23,اسلامشهر,1404,1,loans_amount_rial,,بانک ملی ایران,صندوق امداد ولایت,"90,000,000,000"',
            "IR-23,اسلامشهر,1404,01,trainees,,,,۵۲",
        )
    )
    report = MonthlyReport.objects.get()
    assert report.office.name == "اسلامشهر"
    assert (report.jobs, report.loans_count, report.loans_amount_rial, report.trainees) == (
        8,
        77,
        90_000_000_000,
        52,
    )


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("IR-19,ناکجاآباد,1403,1,trainees,,,,1", "unknown county office «ناکجاآباد» in زنجان"),
        ("IR-19,زنجان,1403,1,jobs,طرح ناشناس,,,1", "unknown scheme «طرح ناشناس»"),
        ("IR-19,زنجان,1403,13,trainees,,,,1", "the month 13 is not between 1 and 12"),
        ("IR-19,زنجان,1403,1,trainees,,,,-3", "the value «-3» is negative"),
        ("IR-19,زنجان,1403,1,trainees,,,,many", "the value «many» is not a number"),
        (
            "IR-19,زنجان,1403,1,trainees,,,,99999999999999999999",
            "the value «99999999999999999999» is too large",
        ),
        ("IR-19,زنجان,1403,1,loans_count,,بانک سپه,,1", "«loans_count» needs a funding source"),
        ("IR-91,زنجان,1403,1,trainees,,,,1", "unknown province «IR-91»"),
    ],
)
def test_bad_row_fails_and_leaves_the_database_unchanged(tmp_path, line, reason):
    run(write(tmp_path, "IR-19,زنجان,1403,1,trainees,,,,7", name="first.csv"))
    before = counts()
    message, lines = fails(
        write(tmp_path, "IR-19,زنجان,1403,1,trainees,,,,8", line), "--language", "en"
    )
    assert lines == [f"row 3: {reason}"]
    assert "1 of 2 rows have problems; nothing was saved." in message
    assert counts() == before


def test_locked_month_is_refused_and_unchanged(tmp_path):
    run(write(tmp_path, "IR-19,زنجان,1403,1,trainees,,,,7"))
    MonthlyReport.objects.update(status=ReportStatus.APPROVED)
    before = counts()
    _message, lines = fails(write(tmp_path, "IR-19,زنجان,1403,1,trainees,,,,8"), "--language", "en")
    assert lines == ["row 2: زنجان, Farvardin 1403 is approved and locked."]
    assert counts() == before


def test_scoped_user_cannot_import_other_province(tmp_path, zanjan_staff):
    path = write(tmp_path, "IR-19,زنجان,1403,1,trainees,,,,1", "IR-23,ری,1403,1,trainees,,,,1")
    _message, lines = fails(path, "--user", "zanjan_staff", "--language", "en")
    assert lines == ["row 3: you may not import figures for تهران"]
    assert counts() == (0, 0, 0, 0, [])


def test_unknown_user_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_figures", str(FIXTURES / "figures_sample.csv"), "--user", "nobody")


def test_errors_are_persian_by_default_with_row_prefix(tmp_path):
    message, lines = fails(write(tmp_path, "IR-19,زنجان,1403,13,trainees,,,,1"))
    assert lines == ["row 2: ماه 13 بین ۱ و ۱۲ نیست"]
    assert "هیچ چیز ذخیره نشد" in message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "The file is empty."), (b"a,b,c\n1,2,3\n", "missing the column(s) province")],
)
def test_unreadable_file_fails_cleanly(tmp_path, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    message, _lines = fails(path, "--language", "en")
    assert fragment in message


def test_missing_file_fails_cleanly(tmp_path):
    message, _lines = fails(tmp_path / "nope.csv", "--language", "en")
    assert "There is no file" in message and "nope.csv" in message


def test_exit_status_is_non_zero_from_the_shell(tmp_path):
    """The contract is about the process exit code, so run manage.py for real once
    (an empty file fails before any database access)."""
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_figures", str(path), "--language", "en"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode != 0
    assert "The file is empty." in done.stderr
