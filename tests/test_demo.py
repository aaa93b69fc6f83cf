"""Demo data (programs.demo, `manage.py load_demo`).

Business rules checked:
- the published figures are in the database exactly: Zanjan 1397 (2,402
  loans, 408,000,000,000 rial, 2,882 jobs, 3,200 trained, over its 8 offices
  and 12 months, several banks, صندوق امداد ولایت and منابع بانکی); Zanjan
  1398 target 4,000 jobs; Zanjan 1397's exits and referrals are not zero (the
  article: about 10 % leave support each year) and it has no synthetic target
  (the article: the plans were met in full), nor has Islamshahr 1403;
- achievement of every past year's target is plausible (no «۳۱۹ درصد»);
  the average loan differs by bank; Islamshahr 1403 (453 jobs across the four schemes,
  536,000,000,000 rial) and 1404 months 1-2 (77 loans, 90,000,000,000 rial, 8
  jobs by کاریابی, 52 trained);
- seeded office-months hold only the seed figures;
- every month's totals equal the sum of its lines;
- past years are approved; the current year mixes approved, submitted,
  returned and draft, and some offices have not entered the latest month;
- province targets for every year and province, some county-office targets;
- load_demo twice = the same counts; --if-empty skips when figures exist;
- demo users only when DEBUG is on.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum

from loans.models import LoanFigure, ReferralFigure
from programs import demo
from programs.models import JobsFigure, MonthlyReport, Target, User
from reliefjobs.lib import clock

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 6)  # 1405/08/15
QUICK = ["IR-19", "IR-23", "IR-25"]  # synthetic data for three provinces keeps tests quick


@pytest.fixture
def loaded():
    return demo.load_demo(today=TODAY, provinces=QUICK)


def sums(reports):
    return reports.aggregate(
        jobs=Sum("jobs"),
        loans=Sum("loans_count"),
        amount=Sum("loans_amount_rial"),
        trainees=Sum("trainees"),
        exits=Sum("exits"),
        referred=Sum("referred"),
        months=Count("pk"),
    )


def test_zanjan_1397_is_the_published_figures(loaded):
    reports = MonthlyReport.objects.filter(office__province__code="IR-19", year=1397)
    assert sums(reports) == {
        "jobs": 2882,
        "loans": 2402,
        "amount": 408_000_000_000,
        "trainees": 3200,
        "exits": demo.ZANJAN_1397_EXITS,
        "referred": demo.ZANJAN_1397_REFERRED,
        "months": 8 * 12,
    }
    lines = LoanFigure.objects.filter(report__in=reports)
    assert lines.aggregate(c=Sum("count"), a=Sum("amount_rial")) == {
        "c": 2402,
        "a": 408_000_000_000,
    }
    assert JobsFigure.objects.filter(report__in=reports).aggregate(t=Sum("value"))["t"] == 2882
    assert set(lines.values_list("funding_source__name", flat=True)) == {
        "صندوق امداد ولایت",
        "منابع بانکی",
    }
    assert lines.values("bank").distinct().count() >= 3
    referrals = ReferralFigure.objects.filter(report__in=reports)
    assert referrals.aggregate(t=Sum("value"))["t"] == demo.ZANJAN_1397_REFERRED
    assert set(reports.values_list("status", flat=True)) == {"approved"}


def test_published_years_without_a_published_goal_have_no_target(loaded):
    assert not Target.objects.filter(province__code="IR-19", year=1397).exists()
    assert not Target.objects.filter(office__name="اسلامشهر", year=1403).exists()


def test_past_targets_are_plausible(loaded):
    from reports.models import OfficeYear, ProvinceMonth

    offices = {(r.office_id, r.year): r.jobs for r in OfficeYear.objects.all()}
    provinces = {}
    for r in ProvinceMonth.objects.all():
        provinces[(r.province_id, r.year)] = provinces.get((r.province_id, r.year), 0) + r.jobs
    for target in Target.objects.filter(measure="jobs", year__lt=1405):
        key = (
            (target.office_id, target.year)
            if target.office_id
            else (target.province_id, target.year)
        )
        actual = (offices if target.office_id else provinces).get(key, 0)
        assert 40 <= 100 * actual / target.value <= 130, (target, actual)


def test_average_loan_differs_by_bank(loaded):
    rows = (
        LoanFigure.objects.filter(report__year=1404)
        .values("bank__name")
        .annotate(c=Sum("count"), a=Sum("amount_rial"))
    )
    averages = sorted(r["a"] / r["c"] for r in rows)
    assert len(averages) >= 5
    assert averages[-1] > 2 * averages[0]


def test_zanjan_1398_target_is_4000_jobs(loaded):
    target = Target.objects.get(province__code="IR-19", office=None, year=1398, measure="jobs")
    assert target.value == 4000


def test_islamshahr_1403_is_the_published_figures(loaded):
    reports = MonthlyReport.objects.filter(office__name="اسلامشهر", year=1403)
    totals = sums(reports)
    assert (totals["jobs"], totals["amount"], totals["months"]) == (453, 536_000_000_000, 12)
    assert totals["loans"] == demo.ISLAMSHAHR_1403_LOANS
    assert (totals["trainees"], totals["exits"], totals["referred"]) == (0, 0, 0)
    schemes = set(
        JobsFigure.objects.filter(report__in=reports).values_list("scheme__name", flat=True)
    )
    assert schemes == {"هدایت شغلی", "راهبری شغلی", "کاریابی", "آزادکاری"}


def test_islamshahr_1404_first_two_months_are_the_published_figures(loaded):
    reports = MonthlyReport.objects.filter(office__name="اسلامشهر", year=1404, month__in=[1, 2])
    totals = sums(reports)
    assert totals == {
        "jobs": 8,
        "loans": 77,
        "amount": 90_000_000_000,
        "trainees": 52,
        "exits": 0,
        "referred": 0,
        "months": 2,
    }
    schemes = set(
        JobsFigure.objects.filter(report__in=reports).values_list("scheme__name", flat=True)
    )
    assert schemes == {"کاریابی"}
    # The rest of 1404 is synthetic, so the office has figures all year.
    assert MonthlyReport.objects.filter(office__name="اسلامشهر", year=1404).count() == 12


def test_month_totals_equal_their_lines(loaded):
    jobs = (
        JobsFigure.objects.values("report").annotate(t=Sum("value")).filter(~Q(t=F("report__jobs")))
    )
    assert not jobs.exists()
    loans = (
        LoanFigure.objects.values("report")
        .annotate(c=Sum("count"), a=Sum("amount_rial"))
        .filter(~Q(c=F("report__loans_count")) | ~Q(a=F("report__loans_amount_rial")))
    )
    assert not loans.exists()
    referred = (
        ReferralFigure.objects.values("report")
        .annotate(t=Sum("value"))
        .filter(~Q(t=F("report__referred")))
    )
    assert not referred.exists()
    no_lines = MonthlyReport.objects.filter(jobs_lines__isnull=True, jobs__gt=0)
    assert not no_lines.exists()


def test_statuses_look_like_a_real_year(loaded):
    past = MonthlyReport.objects.filter(year__lt=1405)
    assert set(past.values_list("status", flat=True)) == {"approved"}
    current = MonthlyReport.objects.filter(year=1405)
    assert set(current.filter(month__lte=5).values_list("status", flat=True)) == {"approved"}
    recent = set(current.filter(month__gte=6).values_list("status", flat=True))
    assert {"submitted", "returned", "draft"} <= recent
    assert not current.filter(month__gt=8).exists()
    offices = MonthlyReport.objects.filter(year=1404).values("office").distinct().count()
    latest = current.filter(month=8).values("office").distinct().count()
    assert 0 < latest < offices  # some offices have not entered the current month


def test_synthetic_months_cover_1397_to_now(loaded):
    years = set(
        MonthlyReport.objects.filter(office__province__code="IR-25").values_list("year", flat=True)
    )
    assert years == set(range(1397, 1406))
    assert not MonthlyReport.objects.filter(office__province__code="IR-07").exists()  # not in QUICK


def test_targets_for_every_year_and_some_offices(loaded):
    for code in QUICK:
        years = set(
            Target.objects.filter(province__code=code, office=None, measure="jobs").values_list(
                "year", flat=True
            )
        )
        first = 1398 if code == "IR-19" else 1397  # Zanjan 1397: no published goal
        assert years == set(range(first, 1406))
    assert Target.objects.filter(office__isnull=False).exists()


def test_loading_twice_gives_the_same_counts(loaded):
    def counts():
        return tuple(
            m.objects.count()
            for m in (MonthlyReport, JobsFigure, LoanFigure, ReferralFigure, Target)
        )

    before = counts()
    again = demo.load_demo(today=TODAY, provinces=QUICK)
    assert (again.reports, again.lines, again.targets) == (0, 0, 0)
    assert counts() == before


def test_demo_is_the_same_on_every_run():
    from reliefjobs.lib.jalali import Period

    provinces = [("IR-19", "زنجان"), ("IR-25", "قم")]
    offices = {"IR-19": list(demo.ZANJAN_WEIGHTS), "IR-25": ["قم"], "IR-23": ["اسلامشهر"]}
    first = demo.build_plans(provinces, offices, Period(1405, 8))
    second = demo.build_plans(provinces, offices, Period(1405, 8))
    assert first == second
    assert len(first[0]) > 9 * 100


def test_demo_users_only_in_debug(settings):
    settings.DEBUG = False
    assert demo.load_demo(today=TODAY, provinces=[]).users == []
    # Only the inactive author of demo workflow steps, who cannot log in.
    assert not User.objects.filter(is_active=True).exists()
    assert all(not u.has_usable_password() for u in User.objects.all())
    settings.DEBUG = True
    users = demo.load_demo(today=TODAY, provinces=[]).users
    assert [u[0] for u in users] == [
        "zanjan_staff",
        "tehran_staff",
        "zanjan_manager",
        "national_manager",
        "admin",
    ]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(demo.DEMO_PASSWORD)
    staff = User.objects.get(username="zanjan_staff")
    assert (staff.role, staff.province.code, staff.is_superuser) == ("staff", "IR-19", False)


def test_command_prints_summary_and_if_empty_skips(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", "--provinces", "IR-25", "--language", "en", stdout=out)
    assert "monthly reports" in out.getvalue() and "demo1234" in out.getvalue()
    count = MonthlyReport.objects.count()
    out = io.StringIO()
    call_command("load_demo", "--if-empty", "--language", "en", stdout=out)
    assert "already exist" in out.getvalue()
    assert "zanjan_staff" in out.getvalue()  # make run on a warm database still shows logins
    assert MonthlyReport.objects.count() == count


def test_split_adds_up_exactly():
    assert sum(demo.split(2402, [0.3, 1.7, 2.2, 0.9])) == 2402
    assert demo.split(5, [0, 1, 1])[0] == 0
    assert demo.split(0, [1, 2]) == [0, 0]


def test_demo_months_carry_their_workflow_steps(loaded):
    """Submitted, returned and approved months of the last two years have a submission
    date (some after the deadline), so the matrix can judge on-time rates."""
    from programs.models import ReportTransition

    sent = MonthlyReport.objects.filter(
        year__gte=1404, status__in=["submitted", "returned", "approved"]
    )
    assert sent.exists()
    submitted_ids = set(
        ReportTransition.objects.filter(action="submit").values_list("report_id", flat=True)
    )
    assert set(sent.values_list("pk", flat=True)) == submitted_ids
    returned = MonthlyReport.objects.filter(year=1405, status="returned")
    assert returned.filter(office__province__code="IR-19").exists()
    for report in returned:
        assert report.transitions.filter(action="return").exclude(comment="").exists()
    moments = ReportTransition.objects.values_list("at", flat=True)
    assert max(moments) <= clock.now()


def test_islamshahr_meeting_obstacles_are_field_notes(loaded):
    from programs.models import FieldNote

    notes = FieldNote.objects.filter(office__name="اسلامشهر")
    assert {"executive", "banking", "insurance"} <= set(notes.values_list("area", flat=True))
    assert notes.filter(status="resolved", text__contains="۱۶ مجری").exists()
    demo.load_demo(today=TODAY, provinces=QUICK)
    assert FieldNote.objects.filter(office__name="اسلامشهر").count() == notes.count()
