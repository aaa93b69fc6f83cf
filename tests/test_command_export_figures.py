"""`manage.py export_figures --year Y [--province CODE] [-o FILE]` (README "Commands").

Business rules checked:
- export writes the figures format (CSV UTF-8 with BOM by default, XLSX when
  the file ends in .xlsx, standard output without -o);
- export → import is a round trip: export, wipe the figures, import, and every
  value (lines, trainees, exits, totals) is back; re-importing changes nothing;
- --province limits the export; a bad year or province is a clear error.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from loans.models import LoanFigure, ReferralFigure
from programs import importing
from programs.models import JobsFigure, MonthlyReport
from tests.test_importing import FIXTURES, HEADER, csv_bytes, figures_snapshot

pytestmark = pytest.mark.django_db


def every_value():
    """All stored figures keyed by names, so ids may change across a wipe."""

    def head(r):
        return (r.office.province.code, r.office.name, r.year, r.month)

    reports = {
        head(r): (r.trainees, r.exits, r.jobs, r.loans_count, r.loans_amount_rial, r.referred)
        for r in MonthlyReport.objects.select_related("office__province")
    }
    jobs = {
        (head(j.report), j.scheme.name, j.value)
        for j in JobsFigure.objects.select_related("report__office__province", "scheme")
    }
    loans = {
        (head(x.report), x.bank.name, x.funding_source.name, x.count, x.amount_rial)
        for x in LoanFigure.objects.select_related(
            "report__office__province", "bank", "funding_source"
        )
    }
    referrals = {
        (head(x.report), x.bank.name, x.value)
        for x in ReferralFigure.objects.select_related("report__office__province", "bank")
    }
    return reports, jobs, loans, referrals


@pytest.fixture
def figures():
    importing.import_figures(FIXTURES / "figures_sample.csv")
    # A zero line and a month with only zeros must survive the round trip too.
    importing.import_figures(
        io.BytesIO(
            csv_bytes(
                "IR-23,ری,1403,5,jobs,آزادکاری,,,0",
                "IR-23,ری,1403,6,trainees,,,,0",
                "IR-19,زنجان,1402,12,jobs,کاریابی,,,4",
            )
        )
    )


def _year(item) -> int:
    key = item if isinstance(item[0], str) else item[0]
    return key[2]


def wipe():
    for model in (JobsFigure, LoanFigure, ReferralFigure, MonthlyReport):
        model.objects.all().delete()


def export(*args):
    out = io.StringIO()
    call_command("export_figures", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_is_a_round_trip(figures, tmp_path, suffix):
    path = tmp_path / f"figures-1403.{suffix}"
    export("--year", "1403", "-o", str(path))
    before = every_value()
    wipe()
    importing.import_figures(FIXTURES / "figures_sample.csv", dry_run=True)  # nothing saved
    assert not MonthlyReport.objects.exists()
    result = importing.import_figures(path)
    assert result.ok and result.saved
    after = every_value()
    # Only 1403 is in a 1403 export (the sample also has 1404, the fixture 1402).
    assert [{x for x in part if _year(x) == 1403} for part in before] == [set(p) for p in after]
    assert after[0] and after[1] and after[2] and after[3]
    assert {k: v for k, v in before[0].items() if k[2] == 1403} == after[0]
    snapshot = figures_snapshot()
    again = importing.import_figures(path)
    assert again.ok and not again.changed and figures_snapshot() == snapshot


def test_csv_has_bom_header_and_one_row_per_value(figures, tmp_path):
    path = tmp_path / "out.csv"
    export("--year", "1403", "-o", str(path))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.encode())
    lines = data.decode("utf-8-sig").splitlines()
    # The sample's 1403 months: زنجان/1 (2 jobs, a loan line = 2 rows, trainees, exits),
    # ابهر/1 (referral, trainees, exits), زنجان/2 (jobs, trainees, exits); then
    # ری: month 5 (jobs 0, trainees, exits) and month 6 (trainees, exits).
    assert (
        "IR-19,زنجان,1403,1,loans_amount_rial,,بانک ملی ایران,صندوق امداد ولایت,8400000000" in lines
    )
    assert "IR-23,ری,1403,5,jobs,آزادکاری,,,0" in lines
    assert len(lines) - 1 == len(set(lines[1:]))
    assert len(lines) - 1 == 6 + 3 + 3 + 3 + 2


def test_stdout_export_and_province_filter(figures):
    text = export("--year", "۱۴۰۳", "--province", "زنجان", "--no-bom")
    lines = text.splitlines()
    assert lines[0] == HEADER
    assert {line.split(",")[0] for line in lines[1:]} == {"IR-19"}
    assert len(lines) > 5


def test_bad_year_or_province_is_an_error():
    with pytest.raises(CommandError):
        export("--year", "98")
    with pytest.raises(CommandError, match="IR-77"):
        export("--year", "1403", "--province", "IR-77", "--language", "en")
