"""The admin's history pages of monthly reports read like what happened.

Business rules checked (GLOSSARY.md words):
- edit → edit → revert of a month (through the month form, the one write path)
  lists three changes, newest first, each with its own old → new values, in
  Persian digits;
- the month's stored jobs total equals the latest history record's (it does
  not lag one save behind);
- the «دلیل» column shows each change's reason (a correction's reason, a
  return's comment).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs import workflow
from programs.entry_queries import jobs_key
from programs.models import CountyOffice, MonthlyReport, Scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited_month(zanjan_staff, zanjan_manager, zanjan):
    office = CountyOffice.objects.filter(province=zanjan).order_by("pk").first()
    key = jobs_key(Scheme.objects.named("کاریابی").get().pk)

    def save(value, version, reason=""):
        return workflow.save_month(
            office=office,
            year=1405,
            month=8,
            values={key: value, "trainees": 0},
            by=zanjan_staff,
            expected_version=version,
            reason=reason,
        )

    report = save(35, 0)
    report = save(1_000_025, report.version, "نمایشگاه کاریابی")
    report = save(35, report.version, "رقم اشتباه بود؛ برگشت به ۳۵")
    report = workflow.submit_report(report=report, by=zanjan_staff)
    workflow.return_report(report=report, by=zanjan_manager, comment="فهرست افراد پیوست نشده")
    return MonthlyReport.objects.get(pk=report.pk)


def _records(client, report):
    url = reverse("admin:programs_monthlyreport_history", args=[report.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response, list(response.context["page_obj"])


def _jobs_change(record):
    changes = getattr(record, "history_delta_changes", None) or []
    return [(c["old"], c["new"]) for c in changes if c["field"] == "فرصت شغلی ایجادشده"]


def test_edit_edit_revert_reads_in_order_with_old_and_new(client, admin_user, edited_month):
    client.force_login(admin_user)
    response, records = _records(client, edited_month)
    jobs = [change for record in records for change in _jobs_change(record)]
    # newest first: the revert, the big edit, then the first save
    assert jobs[:2] == [("۱٬۰۰۰٬۰۲۵", "۳۵"), ("۳۵", "۱٬۰۰۰٬۰۲۵")]
    html = response.content.decode()
    assert html.index("۱٬۰۰۰٬۰۲۵ &nbsp;&larr;&nbsp; ۳۵") < html.index(
        "۳۵ &nbsp;&larr;&nbsp; ۱٬۰۰۰٬۰۲۵"
    )


def test_stored_jobs_total_equals_the_latest_history(edited_month):
    latest = edited_month.history.order_by("-history_date", "-history_id").first()
    assert edited_month.jobs == latest.jobs == 35


def test_reason_column_shows_each_changes_reason(client, admin_user, edited_month):
    client.force_login(admin_user)
    response, records = _records(client, edited_month)
    reasons = [r.history_change_reason for r in records]
    assert "نمایشگاه کاریابی" in reasons
    assert "رقم اشتباه بود؛ برگشت به ۳۵" in reasons
    assert "فهرست افراد پیوست نشده" in reasons
    html = response.content.decode()
    assert "<td>رقم اشتباه بود؛ برگشت به ۳۵</td>" in html


def test_status_changes_read_as_their_persian_labels(client, admin_user, edited_month):
    client.force_login(admin_user)
    _response, records = _records(client, edited_month)
    statuses = [
        (c["old"], c["new"])
        for r in records
        for c in (getattr(r, "history_delta_changes", None) or [])
        if c["field"] == "وضعیت"
    ]
    assert statuses[:2] == [("ارسال‌شده", "برگشت‌خورده"), ("پیش‌نویس", "ارسال‌شده")]
