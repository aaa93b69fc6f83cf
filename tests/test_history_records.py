"""History records of a write of figures (programs.services.apply_values).

Rules checked, on SQLite and PostgreSQL:
- each line a write creates gets one "+" record with the values written, the
  person who wrote them, the write's time and its reason; lines already stored
  in the same month get none;
- each line a write changes gets one "~" record with its new values; a line
  given again with its stored value gets none;
- a month created by the write gets one "+" record with what it was written
  with (version 1, its figures and totals); a month already stored gets a "~"
  record with its totals after the write;
- the figures-file import writes the same records, with the importing user.
"""

import pytest

from loans.models import Bank, FundingSource, LoanFigure, ReferralFigure
from programs import importing, services
from programs.models import CountyOffice, JobsFigure, MonthlyReport, Scheme

YEAR, MONTH = 1402, 3
REASON = "ارقام از نامه استان"


def _history(model, **filters):
    return list(model.history.filter(**filters).order_by("history_id"))


@pytest.fixture
def place(db, zanjan):
    office = CountyOffice.objects.filter(province=zanjan).order_by("pk").first()
    schemes = list(Scheme.objects.order_by("pk")[:2])
    return office, schemes, Bank.objects.order_by("pk").first(), FundingSource.objects.first()


def _write(office, values, by, reason=REASON):
    return services.apply_values(
        values=[services.FigureValue(office.pk, YEAR, MONTH, *v[:2], **v[2]) for v in values],
        by=by,
        accept_warnings=True,
        reason=reason,
    )


def test_created_lines_and_month_carry_the_user_time_type_and_reason(place, zanjan_staff):
    office, (s1, s2), bank, source = place
    loan = {"bank_id": bank.pk, "funding_source_id": source.pk}
    _write(
        office,
        [
            ("jobs", 4, {"scheme_id": s1.pk}),
            ("loans_count", 2, loan),
            ("loans_amount_rial", 3_000_000_000, loan),
            ("referred_to_bank", 5, {"bank_id": bank.pk}),
            ("trainees", 7, {}),
        ],
        zanjan_staff,
    )
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=MONTH)
    for model, expected in (
        (JobsFigure, [(s1.pk, 4)]),
        (LoanFigure, [(bank.pk, 2, 3_000_000_000)]),
        (ReferralFigure, [(bank.pk, 5)]),
    ):
        records = _history(model, report_id=report.pk)
        line = model.objects.get(report=report)
        assert [r.history_type for r in records] == ["+"]
        (record,) = records
        assert record.id == line.pk
        assert record.history_user_id == zanjan_staff.pk
        assert record.history_change_reason == REASON
        assert record.history_date == report.updated_at
        if model is JobsFigure:
            assert [(record.scheme_id, record.value)] == expected
        elif model is LoanFigure:
            assert [(record.bank_id, record.count, record.amount_rial)] == expected
        else:
            assert [(record.bank_id, record.value)] == expected
    (created,) = _history(MonthlyReport, id=report.pk)
    assert created.history_type == "+"
    assert (created.version, created.jobs, created.trainees, created.referred) == (1, 4, 7, 5)
    assert (created.loans_count, created.loans_amount_rial) == (2, 3_000_000_000)
    assert (report.version, report.jobs, report.loans_amount_rial) == (1, 4, 3_000_000_000)
    assert created.history_user_id == zanjan_staff.pk
    assert created.history_change_reason == REASON
    assert created.history_date == report.updated_at


def test_changed_lines_get_one_record_and_stored_lines_none(place, zanjan_staff, tehran_staff):
    office, (s1, s2), bank, source = place
    _write(office, [("jobs", 4, {"scheme_id": s1.pk}), ("exits", 1, {})], zanjan_staff, "اول")
    _write(
        office,
        [
            ("jobs", 6, {"scheme_id": s1.pk}),  # changed
            ("jobs", 3, {"scheme_id": s2.pk}),  # new beside a stored line
        ],
        tehran_staff,
        "دوم",
    )
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=MONTH)
    first = [(r.history_type, r.scheme_id, r.value) for r in _history(JobsFigure, scheme_id=s1.pk)]
    assert first == [("+", s1.pk, 4), ("~", s1.pk, 6)]
    changed = _history(JobsFigure, scheme_id=s1.pk)[-1]
    (added,) = _history(JobsFigure, scheme_id=s2.pk)
    assert (added.history_type, added.value) == ("+", 3)
    for record in (changed, added):
        assert record.history_user_id == tehran_staff.pk
        assert record.history_change_reason == "دوم"
        assert record.history_date == report.updated_at
    months = [(r.history_type, r.version, r.jobs) for r in _history(MonthlyReport, id=report.pk)]
    assert months == [("+", 1, 4), ("~", 2, 9)]

    # The same value again writes no line record (the month's version still moves).
    _write(office, [("jobs", 6, {"scheme_id": s1.pk})], zanjan_staff, "سوم")
    assert len(_history(JobsFigure, report_id=report.pk)) == 3


def test_import_writes_the_same_records_with_the_importing_user(place, zanjan_staff, tmp_path):
    office, (s1, _s2), _bank, _source = place
    path = tmp_path / "figures.csv"
    path.write_text(
        "province,county,year,month,measure,scheme,bank,funding_source,value\n"
        f"IR-19,{office.name},{YEAR},{MONTH},jobs,{s1.name},,,8\n"
        f"IR-19,{office.name},{YEAR},{MONTH},trainees,,,,2\n",
        encoding="utf-8",
    )
    result = importing.import_figures(path, user=zanjan_staff, accept_warnings=True, reason=REASON)
    assert result.saved and not result.errors
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=MONTH)
    (line,) = _history(JobsFigure, report_id=report.pk)
    assert (line.history_type, line.value, line.history_user_id) == ("+", 8, zanjan_staff.pk)
    assert line.history_change_reason == REASON
    months = [(r.history_type, r.jobs, r.trainees) for r in _history(MonthlyReport, id=report.pk)]
    assert months == [("+", 8, 2)]
    assert {r.history_user_id for r in _history(MonthlyReport, id=report.pk)} == {zanjan_staff.pk}
