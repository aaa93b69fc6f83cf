"""Two people saving the same month at the same time (PostgreSQL, real connections).

Rules checked:
- two sessions that opened the same month's form and save at the same moment never
  silently overwrite each other: one save wins, the other is refused as stale
  (StaleMonthError, listing what changed), and the stored values are the winner's;
- two imports (programs.services.apply_values) writing different lines of the same month
  at the same moment both land, and the month's totals equal the sum of its lines;
- two sessions creating a month that does not exist yet: one wins, the other is refused,
  never a silent overwrite;
- a month being approved while someone saves it: either the save lands before the
  approval or it is refused; an approved month never changes.

Each session is a thread with its own database connection; a barrier lines them up so
that both have read the month before either writes. SQLite serialises all writers in
one file, so these tests need PostgreSQL and are skipped on SQLite.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from programs import entry_queries, workflow
from programs.models import CountyOffice, JobsFigure, MonthlyReport, ReportStatus, Scheme, User
from programs.services import FigureValue, LockedMonthError
from programs.workflow import StaleMonthError
from tests.conftest import PASSWORD
from tests.seeding import apply_values

YEAR, MONTH = 1403, 4


pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite allows one writer per database file, so two real "
    "concurrent write transactions cannot be staged (run with DATABASE_URL=postgres://…)",
)


@pytest.fixture
def pg(transactional_db):
    call_command("load_reference", verbosity=0)  # transactional tests start from empty tables
    office = CountyOffice.objects.get(province__code="IR-19", name="زنجان")
    province = office.province
    people = {
        name: User.objects.create_user(
            username=name, password=PASSWORD, role=role, province=province, is_staff=True
        )
        for name, role in [("staff_a", "staff"), ("staff_b", "staff"), ("boss", "manager")]
    }
    schemes = list(Scheme.objects.order_by("pk")[:2])
    return office, people, schemes


def run_together(*jobs):
    """Run each job in its own thread and connection, all released at once by a barrier.

    A job gets `barrier` and returns a value or raises; results come back in order.
    """
    barrier = threading.Barrier(len(jobs), timeout=30)
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            results[index] = job(barrier)
        except Exception as exc:  # reported to the test, which decides what is allowed
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a session hung (deadlock?)"
    return results


def jobs_key(scheme):
    return entry_queries.jobs_key(scheme.pk)


def test_two_sessions_saving_the_same_month_never_overwrite_silently(pg):
    office, people, (scheme, _other) = pg
    first = workflow.save_month(
        office=office, year=YEAR, month=MONTH, values={jobs_key(scheme): 10},
        by=people["staff_a"], expected_version=0,
    )  # fmt: skip

    def session(user, value):
        def job(barrier):
            report = MonthlyReport.objects.get(pk=first.pk)  # the form is opened
            opened_version = report.version
            barrier.wait()  # both have the form open before either saves
            return workflow.save_month(
                office=office, year=YEAR, month=MONTH, values={jobs_key(scheme): value},
                by=user, expected_version=opened_version, base_values={jobs_key(scheme): 10},
            )  # fmt: skip

        return job

    results = run_together(session(people["staff_a"], 11), session(people["staff_b"], 22))
    saved = [r for r in results if isinstance(r, MonthlyReport)]
    refused = [r for r in results if isinstance(r, StaleMonthError)]
    assert len(saved) == 1 and len(refused) == 1, results
    winner_value = 11 if results[0] is saved[0] else 22
    stored = JobsFigure.objects.get(report__office=office, report__year=YEAR, scheme=scheme)
    assert stored.value == winner_value
    assert refused[0].changes == [(jobs_key(scheme), 10, winner_value)]
    assert MonthlyReport.objects.get(pk=first.pk).version == first.version + 1


def test_two_imports_of_different_lines_of_one_month_both_land(pg):
    office, people, (scheme_a, scheme_b) = pg
    apply_values(values=[FigureValue(office.pk, YEAR, MONTH, "trainees", 1)], by=people["boss"])

    def importer(scheme, value, user):
        def job(barrier):
            barrier.wait()
            return apply_values(
                values=[FigureValue(office.pk, YEAR, MONTH, "jobs", value, scheme_id=scheme.pk)],
                by=user,
            )

        return job

    results = run_together(
        importer(scheme_a, 5, people["staff_a"]), importer(scheme_b, 7, people["staff_b"])
    )
    assert results == [1, 1], results
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=MONTH)
    assert sorted(report.jobs_lines.values_list("value", flat=True)) == [5, 7]
    assert report.jobs == 12, "the totals lost one of the two imports"
    assert report.version == 3


def test_two_sessions_creating_a_new_month_never_overwrite_silently(pg):
    office, people, (scheme, _other) = pg

    def session(user, value):
        def job(barrier):
            barrier.wait()
            return workflow.save_month(
                office=office, year=YEAR, month=MONTH, values={jobs_key(scheme): value},
                by=user, expected_version=0,
            )  # fmt: skip

        return job

    results = run_together(session(people["staff_a"], 3), session(people["staff_b"], 4))
    saved = [r for r in results if isinstance(r, MonthlyReport)]
    refused = [r for r in results if isinstance(r, StaleMonthError)]
    assert len(saved) == 1 and len(refused) == 1, results
    stored = JobsFigure.objects.get(report__office=office, report__year=YEAR, scheme=scheme)
    assert stored.value == (3 if results[0] is saved[0] else 4)
    assert MonthlyReport.objects.filter(office=office, year=YEAR, month=MONTH).count() == 1


def test_saving_while_a_manager_approves_never_changes_an_approved_month(pg):
    office, people, (scheme, _other) = pg
    report = workflow.save_month(
        office=office, year=YEAR, month=MONTH, values={jobs_key(scheme): 10},
        by=people["staff_a"], expected_version=0,
    )  # fmt: skip
    workflow.submit_report(report=report, by=people["staff_a"])
    admin = User.objects.create_user(
        username="fixer", password=PASSWORD, role="admin", province=office.province, is_staff=True
    )
    opened = MonthlyReport.objects.get(pk=report.pk).version

    def approve(barrier):
        barrier.wait()
        return workflow.approve_report(report=MonthlyReport.objects.get(pk=report.pk),
                                       by=people["boss"])  # fmt: skip

    def correct(barrier):  # an admin may correct a submitted month
        barrier.wait()
        return workflow.save_month(
            office=office, year=YEAR, month=MONTH, values={jobs_key(scheme): 99},
            by=admin, expected_version=opened,
        )  # fmt: skip

    approved, corrected = run_together(approve, correct)
    assert isinstance(approved, MonthlyReport), approved
    final = MonthlyReport.objects.get(pk=report.pk)
    assert final.status == ReportStatus.APPROVED
    line = JobsFigure.objects.get(report=final, scheme=scheme)
    if isinstance(corrected, MonthlyReport):
        assert line.value == 99  # the correction landed before the approval locked it
    else:
        assert isinstance(corrected, StaleMonthError | LockedMonthError), corrected
        assert line.value == 10
