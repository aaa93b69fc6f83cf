"""The one import pipeline (programs.importing) for figures and targets files.

Business rules checked:
- files: CSV UTF-8 with or without BOM, XLSX, English or Persian headers;
  blank lines skipped; row numbers are spreadsheet rows (header = row 1);
  an empty file, a header without rows, a wrong header or non-UTF-8 text is
  an ImportFileError with a clear message;
- identifiers: province by ISO code or Persian name; county office, scheme,
  bank and funding source by normalised name (ي/ی, ك/ک, ZWNJ, spaces);
  Persian digits and thousands separators in year, month and value;
- every row is checked: unknown province/county/scheme/bank/source, year
  outside 1300–1500, month 13, unknown measure, missing or stray dimension,
  negative, non-number, beyond 64-bit; the same key twice is an error;
- scope: a provincial staff member may not import another province's
  figures; a manager may not import figures; only admins set targets;
  staff may not change a submitted month (awaiting approval), an admin may;
- an approved month refuses a changed value but accepts an equal one;
- importing saves nothing if any row is bad; importing the same key again
  replaces the value (upsert); re-importing a file changes nothing;
- reasons are Persian by default and English when English is active, with
  the literal prefix `row N: `.
"""

import io
from pathlib import Path

import pytest
from django.utils import translation

from loans.models import LoanFigure, ReferralFigure
from programs import importing
from programs.importing import ImportFileError, RowError
from programs.models import JobsFigure, MonthlyReport, ReportStatus, Target

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "province,county,year,month,measure,scheme,bank,funding_source,value"
PERSIAN_HEADER = "استان,شهرستان,سال,ماه,شاخص,طرح,بانک,منبع اعتبار,مقدار"


def csv_bytes(*lines, header=HEADER, bom=False):
    text = "\n".join([header, *lines]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def parse(*lines, user=None, header=HEADER):
    with translation.override("en"):
        return importing.parse_figures(
            importing.read_rows(io.BytesIO(csv_bytes(*lines, header=header))), user=user
        )


def only_error(result) -> str:
    assert len(result.errors) == 1, result.errors
    return str(result.errors[0])


def figures_snapshot():
    return (
        list(
            MonthlyReport.objects.order_by("pk").values_list("pk", "trainees", "exits", "version")
        ),
        list(JobsFigure.objects.order_by("pk").values_list("pk", "value")),
        list(LoanFigure.objects.order_by("pk").values_list("pk", "count", "amount_rial")),
        list(ReferralFigure.objects.order_by("pk").values_list("pk", "value")),
        MonthlyReport.history.count() + JobsFigure.history.count() + LoanFigure.history.count(),
    )


# Reading files --------------------------------------------------------------


@pytest.mark.django_db
def test_sample_file_reads_with_bom_and_skips_blank_lines():
    rows = importing.read_rows(FIXTURES / "figures_sample.csv")
    assert len(rows) == 10
    assert rows[0] == (
        2,
        {
            "province": "IR-19",
            "county": "زنجان",
            "year": "1403",
            "month": "1",
            "measure": "jobs",
            "scheme": "کاریابی",
            "bank": "",
            "funding_source": "",
            "value": "12",
        },
    )
    # The blank line is row 6 of the spreadsheet: the next row is row 7.
    assert [number for number, _row in rows][3:5] == [5, 7]


def test_csv_without_bom_and_with_bom_read_the_same():
    line = "IR-19,زنجان,1403,1,trainees,,,,20"
    plain = importing.read_rows(io.BytesIO(csv_bytes(line)))
    with_bom = importing.read_rows(io.BytesIO(csv_bytes(line, bom=True)))
    assert plain == with_bom == [(2, plain[0][1])]
    assert plain[0][1]["province"] == "IR-19"


def test_persian_headers_are_accepted():
    rows = importing.read_rows(
        io.BytesIO(csv_bytes("IR-19,زنجان,1403,1,trainees,,,,20", header=PERSIAN_HEADER))
    )
    assert rows[0][1]["county"] == "زنجان" and rows[0][1]["value"] == "20"


def test_xlsx_is_read_with_numbers_as_text():
    data = xlsx_bytes(
        [HEADER.split(","), ["IR-19", "زنجان", 1403, 1, "trainees", None, None, None, 20.0]]
    )
    rows = importing.read_rows(io.BytesIO(data), filename="upload.xlsx")
    assert rows == [
        (
            2,
            {
                "province": "IR-19",
                "county": "زنجان",
                "year": "1403",
                "month": "1",
                "measure": "trainees",
                "scheme": "",
                "bank": "",
                "funding_source": "",
                "value": "20",
            },
        )
    ]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\n\n", "empty"),
        ((HEADER + "\n").encode(), "no data rows"),
        (b"province,county,year\nIR-19,x,1403\n", "missing"),
        ("استان,شهرستان\n".encode("cp1256"), "UTF-8"),
        (b"PK\x03\x04 not really a zip", "Excel"),
    ],
)
def test_unreadable_files_raise_import_file_error(data, fragment):
    with translation.override("en"), pytest.raises(ImportFileError, match=fragment):
        importing.read_rows(io.BytesIO(data))


def test_file_error_is_persian_by_default():
    with translation.override("fa"), pytest.raises(ImportFileError) as err:
        importing.read_rows(io.BytesIO(b""))
    assert str(err.value) == "پرونده خالی است."


# Parsing rows --------------------------------------------------------------


@pytest.mark.django_db
def test_names_match_after_normalising_and_digits_are_persian():
    result = parse(
        "زنجان,زنجان,۱۴۰۳,۰۲,jobs,كاريابي,,,۱۴",
        "IR-23,اسلام‌شهر,1404,2,loans_count,,بانك ملي ايران,منابع بانکی,۱٬۲۰۰",
        'ir-23,اسلام شهر,1404,2,loans_amount_rial,,بانک ملی ایران,منابع  بانکی,"90,000,000,000"',
        "23,اسلامشهر,1404,2,trainees,,,,52",
    )
    assert result.ok, result.errors
    values = {(v.measure, v.value) for v in result.values}
    assert values == {
        ("jobs", 14),
        ("loans_count", 1200),
        ("loans_amount_rial", 90_000_000_000),
        ("trainees", 52),
    }
    assert {v.year for v in result.values} == {1403, 1404}
    assert len({v.office_id for v in result.values if v.year == 1404}) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("IR-99,زنجان,1403,1,trainees,,,,1", "unknown province «IR-99»"),
        ("IR-19,اسلامشهر,1403,1,trainees,,,,1", "unknown county office «اسلامشهر» in زنجان"),
        ("IR-19,,1403,1,trainees,,,,1", "the county office is empty"),
        ("IR-19,زنجان,1403,1,jobs,طرح ناشناس,,,1", "unknown scheme «طرح ناشناس»"),
        (
            "IR-19,زنجان,1403,1,loans_count,,بانک فرضی,صندوق امداد ولایت,1",
            "unknown bank «بانک فرضی»",
        ),
        ("IR-19,زنجان,1403,1,loans_count,,بانک سپه,خیریه,1", "unknown funding source «خیریه»"),
        ("IR-19,زنجان,1403,13,trainees,,,,1", "the month 13 is not between 1 and 12"),
        ("IR-19,زنجان,1403,0,trainees,,,,1", "the month 0 is not between 1 and 12"),
        ("IR-19,زنجان,2024,1,trainees,,,,1", "the year 2024 is not a Jalali year"),
        ("IR-19,زنجان,سال,1,trainees,,,,1", "the year «سال» is not a number"),
        ("IR-19,زنجان,1403,1,loans,,,,1", "unknown measure «loans»"),
        ("IR-19,زنجان,1403,1,trainees,,,,-5", "the value «-5» is negative"),
        ("IR-19,زنجان,1403,1,trainees,,,,بیست", "the value «بیست» is not a number"),
        ("IR-19,زنجان,1403,1,trainees,,,,12.5", "the value «12.5» is not a whole number"),
        ("IR-19,زنجان,1403,1,trainees,,,,", "the value is empty"),
        ("IR-19,زنجان,1403,1,trainees,,,,9223372036854775808", "is too large"),
        ("IR-19,زنجان,1403,1,jobs,,,,1", "«jobs» needs a scheme"),
        ("IR-19,زنجان,1403,1,loans_count,,بانک سپه,,1", "«loans_count» needs a funding source"),
        ("IR-19,زنجان,1403,1,referred_to_bank,,,,1", "«referred_to_bank» needs a bank"),
        ("IR-19,زنجان,1403,1,trainees,کاریابی,,,1", "«trainees» takes no scheme"),
        ("IR-19,زنجان,1403,1,jobs,کاریابی,بانک سپه,,1", "«jobs» takes no bank"),
        ("IR-19,زنجان,1403,1,referred_to_bank,,بانک سپه,منابع بانکی,1", "takes no funding source"),
    ],
)
def test_bad_row_gives_reason_with_row_number(line, reason):
    result = parse("IR-19,زنجان,1403,1,exits,,,,1", line)
    message = only_error(result)
    assert message.startswith("row 3: ")
    assert reason in message
    assert len(result.values) == 1


@pytest.mark.django_db
def test_int64_maximum_is_read_but_over_the_hard_limit():
    result = parse("IR-19,زنجان,1403,1,loans_amount_rial,,بانک سپه,منابع بانکی,9223372036854775807")
    assert result.values[0].value == 2**63 - 1
    assert {e.row for e in result.errors} == {2}
    assert any("حداکثر" in e.message or "at most" in e.message for e in result.errors)


@pytest.mark.django_db
def test_same_key_twice_in_a_file_is_an_error():
    result = parse(
        "IR-19,زنجان,1403,1,jobs,کاریابی,,,12",
        "IR-19,زنجان,1403,1,jobs,هدایت شغلی,,,3",
        "IR-19,زنجان,1403,1,jobs,كاريابي,,,13",
    )
    assert only_error(result) == "row 4: the same figure is already given in row 2"


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_only_the_first():
    result = parse(
        "IR-19,زنجان,1403,13,trainees,,,,1",
        "IR-19,زنجان,1403,1,trainees,,,,1",
        "IR-19,ناکجا,1403,1,trainees,,,,1",
    )
    assert [e.row for e in result.errors] == [2, 4]


@pytest.mark.django_db
def test_reasons_are_persian_by_default_with_the_row_prefix():
    rows = importing.read_rows(io.BytesIO(csv_bytes("IR-19,زنجان,1403,13,trainees,,,,1")))
    with translation.override("fa"):
        result = importing.parse_figures(rows)
    message = only_error(result)
    assert message.startswith("row 2: ")
    assert "ماه" in message and "month" not in message


def test_row_error_prints_as_row_n_reason():
    assert str(RowError(7, "x")) == "row 7: x"


# Scope ----------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_cannot_import_other_province(zanjan_staff):
    result = parse(
        "IR-19,زنجان,1403,1,trainees,,,,1", "IR-23,اسلامشهر,1403,1,trainees,,,,1", user=zanjan_staff
    )
    assert only_error(result) == "row 3: you may not import figures for تهران"


@pytest.mark.django_db
def test_manager_cannot_import_figures(zanjan_manager):
    result = parse("IR-19,زنجان,1403,1,trainees,,,,1", user=zanjan_manager)
    assert "you may not import figures" in only_error(result)


@pytest.mark.django_db
def test_national_admin_may_import_any_province(admin_user):
    result = parse(
        "IR-19,زنجان,1403,1,trainees,,,,1", "IR-23,اسلامشهر,1403,1,trainees,,,,1", user=admin_user
    )
    assert result.ok


# Saving ---------------------------------------------------------------------


@pytest.mark.django_db
def test_import_saves_the_sample_and_keeps_totals(zanjan):
    result = importing.import_figures(FIXTURES / "figures_sample.csv")
    assert result.ok and result.saved and len(result.changed) == 10
    report = MonthlyReport.objects.get(
        office__province=zanjan, office__name="زنجان", year=1403, month=1
    )
    assert (report.jobs, report.loans_count, report.loans_amount_rial) == (17, 7, 8_400_000_000)
    abhar = MonthlyReport.objects.get(office__name="ابهر", year=1403, month=1)
    assert (abhar.referred, abhar.trainees, abhar.exits) == (3, 20, 2)
    islamshahr = MonthlyReport.objects.get(office__name="اسلامشهر", year=1404, month=2)
    assert islamshahr.loans_count == 1200
    assert report.status == ReportStatus.DRAFT


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing():
    importing.import_figures(FIXTURES / "figures_sample.csv")
    before = figures_snapshot()
    again = importing.import_figures(FIXTURES / "figures_sample.csv")
    assert again.ok and not again.saved and again.unchanged == 10
    assert figures_snapshot() == before


@pytest.mark.django_db
def test_importing_a_key_again_replaces_the_value():
    importing.import_figures(io.BytesIO(csv_bytes("IR-19,زنجان,1403,1,jobs,کاریابی,,,12")))
    importing.import_figures(io.BytesIO(csv_bytes("IR-19,زنجان,1403,1,jobs,كاريابي,,,۳۰")))
    assert list(JobsFigure.objects.values_list("value", flat=True)) == [30]
    assert MonthlyReport.objects.get().jobs == 30


@pytest.mark.django_db
def test_one_bad_row_saves_nothing():
    result = importing.import_figures(
        io.BytesIO(
            csv_bytes("IR-19,زنجان,1403,1,jobs,کاریابی,,,12", "IR-19,زنجان,1403,1,exits,,,,-1")
        )
    )
    assert not result.ok and not result.saved
    assert not MonthlyReport.objects.exists() and not JobsFigure.objects.exists()


@pytest.mark.django_db
def test_dry_run_saves_nothing():
    result = importing.import_figures(FIXTURES / "figures_sample.csv", dry_run=True)
    assert result.ok and len(result.changed) == 10 and not result.saved
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_approved_month_refuses_a_change_but_accepts_an_equal_value():
    importing.import_figures(io.BytesIO(csv_bytes("IR-19,زنجان,1403,1,jobs,کاریابی,,,12")))
    MonthlyReport.objects.update(status=ReportStatus.APPROVED)
    same = importing.import_figures(io.BytesIO(csv_bytes("IR-19,زنجان,1403,1,jobs,کاریابی,,,12")))
    assert same.ok and not same.changed
    with translation.override("en"):
        changed = importing.import_figures(
            io.BytesIO(
                csv_bytes(
                    "IR-19,زنجان,1403,1,trainees,,,,1", "IR-19,زنجان,1403,1,jobs,کاریابی,,,13"
                )
            )
        )
    # One line per problem: the month is locked (on its first changed row).
    assert [str(e) for e in changed.errors] == [
        "row 2: زنجان, Farvardin 1403 is approved and locked.",
    ]
    assert JobsFigure.objects.get().value == 12


@pytest.mark.django_db
def test_staff_cannot_change_a_submitted_month_but_an_admin_can(zanjan_staff, admin_user):
    importing.import_figures(io.BytesIO(csv_bytes("IR-19,زنجان,1403,1,trainees,,,,4")))
    MonthlyReport.objects.update(status=ReportStatus.SUBMITTED)
    data = csv_bytes("IR-19,زنجان,1403,1,trainees,,,,5")
    with translation.override("en"):
        refused = importing.import_figures(io.BytesIO(data), user=zanjan_staff)
    assert [str(e) for e in refused.errors] == [
        "row 2: زنجان, Farvardin 1403 is submitted and awaits approval; ask a manager to return it."
    ]
    assert importing.import_figures(io.BytesIO(data), user=admin_user).saved
    assert MonthlyReport.objects.get().trainees == 5


@pytest.mark.django_db
def test_import_records_who_changed_the_month(zanjan_staff):
    importing.import_figures(
        io.BytesIO(csv_bytes("IR-19,زنجان,1403,1,trainees,,,,4")), user=zanjan_staff
    )
    assert MonthlyReport.objects.get().updated_by == zanjan_staff


# Targets --------------------------------------------------------------------


@pytest.mark.django_db
def test_targets_sample_imports_province_and_office_targets(zanjan):
    result = importing.import_targets(FIXTURES / "targets_sample.csv")
    assert result.ok and result.saved
    assert Target.objects.get(province=zanjan, office=None, year=1398, measure="jobs").value == 4000
    assert (
        Target.objects.get(province=zanjan, office=None, year=1398, measure="loans_count").value
        == 3000
    )
    assert Target.objects.get(office__name="زنجان", year=1398, measure="jobs").value == 1500
    assert Target.objects.get(office__name="اسلامشهر", year=1403).value == 536_000_000_000
    again = importing.import_targets(FIXTURES / "targets_sample.csv")
    assert not again.changed and Target.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("IR-19,,1398,referred_to_bank,1", "unknown measure «referred_to_bank»"),
        ("IR-19,ناکجا,1398,jobs,1", "unknown county office «ناکجا»"),
        ("IR-19,,98,jobs,1", "the year 98 is not a Jalali year"),
        ("IR-19,,1398,jobs,-1", "negative"),
        ("IR-19,,1398,jobs,4000", "already given in row 2"),
    ],
)
def test_bad_target_rows(line, reason):
    rows = importing.read_rows(
        io.BytesIO(
            csv_bytes("IR-19,,1398,jobs,4000", line, header="province,county,year,measure,value")
        ),
        columns=importing.TARGET_COLUMNS,
    )
    with translation.override("en"):
        result = importing.parse_targets(rows)
    message = only_error(result)
    assert message.startswith("row 3: ") and reason in message


@pytest.mark.django_db
def test_only_admins_set_targets(zanjan_staff, zanjan_manager, tehran_staff, admin_user):
    data = csv_bytes("IR-19,,1398,jobs,4000", header="province,county,year,measure,value")
    for user in (zanjan_staff, zanjan_manager):
        with translation.override("en"):
            result = importing.import_targets(io.BytesIO(data), user=user)
        assert only_error(result) == "row 2: you may not set targets for زنجان"
    assert not Target.objects.exists()
    assert importing.import_targets(io.BytesIO(data), user=admin_user).saved


@pytest.mark.django_db
def test_a_web_upload_reads_like_a_file_on_disk():
    """The web upload and the admin pass Django's uploaded file object."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "figures.csv", (FIXTURES / "figures_sample.csv").read_bytes(), content_type="text/csv"
    )
    upload.read(10)  # a form may already have peeked at it
    assert importing.read_rows(upload) == importing.read_rows(FIXTURES / "figures_sample.csv")
    result = importing.import_figures(upload, dry_run=True)
    assert result.ok and len(result.changed) == 10
