"""Deadline reminders by email, end to end against a real SMTP server (aiosmtpd on
127.0.0.1, started by the test), and the in-app notices they leave.

Business rules checked (the cycle is the month that ended last; deadlines and the
N of each reminder come from the admin's entry settings):
- staff are reminded N days before the deadline (and up to it) of their province's
  offices that have not sent the month; on the day after it (or N days after) they
  are told of the months still not sent; managers are told of months waiting for
  approval more than N days;
- the message is Persian with Jalali dates and links to the work list;
- each person gets each reminder once per cycle: a second run sends nothing new;
- people without an email address get the notice only and are counted;
- an email the server refuses is not recorded, so the next run sends it;
- notices older than 90 days are deleted by the command;
- `EMAIL_URL` is read into Django's email settings.
"""

from __future__ import annotations

import datetime as dt
import email
import re
import socket
from email import policy

import pytest
from django.core.management import CommandError, call_command

from notices.models import Notice, SentReminder
from notices.services import unread_count
from programs.models import EntrySettings
from reliefjobs.lib import clock, email_url, jalali
from tests.test_worklist import month_in, offices_of

pytestmark = pytest.mark.django_db


class Inbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def by_recipient(self):
        return {rcpt[0]: msg for rcpt, msg in self.messages}


def subject(message) -> str:
    # The encoded header is folded onto its own line; the parser keeps that space.
    return str(message["Subject"]).strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _use_email_url(settings, url):
    for name, value in email_url.parse(url).items():
        setattr(settings, name, value)


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    _use_email_url(settings, f"smtp://127.0.0.1:{port}")
    settings.SITE_URL = "https://jobs.example.ir"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def people(zanjan_staff, tehran_staff, zanjan_manager):
    zanjan_staff.email = "staff@zanjan.example.ir"
    zanjan_staff.first_name, zanjan_staff.last_name = "مریم", "احمدی"
    zanjan_staff.save()
    zanjan_manager.email = "manager@zanjan.example.ir"
    zanjan_manager.save()
    # tehran_staff has no email address
    return zanjan_staff, tehran_staff, zanjan_manager


@pytest.fixture
def months(people):
    staff, _tehran, manager = people
    a, b, c = offices_of("IR-19", 3)
    month_in(a, staff, status="draft")
    month_in(b, staff, status="submitted", day="1405/09/01")  # waits 10 days on 09/11
    month_in(c, staff, status="submitted", day="1405/09/09")  # waits 2 days
    return a, b, c


def _run() -> dict[str, int]:
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", stdout=out)
    text = out.getvalue()
    numbers = [int(n) for n in re.findall(r"\b\d+\b", text.split(":", 1)[1])]
    keys = ("emailed", "notices", "without", "already", "failed", "pruned")
    return dict(zip(keys, numbers, strict=True)) | {"text": text}


def test_day_after_the_deadline_staff_and_managers_are_emailed_once(smtp, people, months):
    staff, tehran_staff, manager = people
    a, b, c = months
    first = _run()
    assert (first["emailed"], first["without"], first["failed"]) == (2, 1, 0)
    mail = smtp.by_recipient()
    assert set(mail) == {"staff@zanjan.example.ir", "manager@zanjan.example.ir"}

    overdue = mail["staff@zanjan.example.ir"]
    assert subject(overdue) == "دیرکرد: آمار آبان ۱۴۰۵ تا ۱۴۰۵/۰۹/۱۰ باید ارسال می‌شد"
    body = overdue.get_content()
    assert "مریم احمدی" in body and "۱ روز پیش" in body
    assert f"- {a.name}: پیش‌نویس" in body and "شروع‌نشده" in body
    assert b.name not in body  # submitted: nothing to remind
    assert "https://jobs.example.ir/home/" in body

    waiting = mail["manager@zanjan.example.ir"].get_content()
    assert b.name in waiting and "۱۴۰۵/۰۹/۰۱" in waiting and "۱۰ روز" in waiting
    assert c.name not in waiting  # waited 2 days, under the 5 of the settings

    # everyone, with or without email, has the notice in the app
    assert unread_count(tehran_staff) == 1 and unread_count(staff) == 1
    assert Notice.objects.get(user=manager).kind == "waiting"

    second = _run()
    assert (second["emailed"], second["notices"], second["already"]) == (0, 0, 3)
    assert len(smtp.messages) == 2
    assert SentReminder.objects.count() == 3
    _save_transcript(first["text"], second["text"], smtp)


def _save_transcript(first, second, smtp):
    """The command's output and the messages the SMTP server received, for the issue."""
    from pathlib import Path

    lines = ["$ manage.py send_reminders   # 1405/09/11, first run", first.strip(), ""]
    for rcpt, message in smtp.messages:
        lines += [
            f"--- to {', '.join(rcpt)}",
            f"Subject: {subject(message)}",
            message.get_content(),
        ]
    lines += ["$ manage.py send_reminders   # the same day, second run", second.strip(), ""]
    path = Path(__file__).resolve().parents[1] / "artifacts" / "reminders-smtp.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.today("1405/09/07")
def test_staff_are_reminded_days_before_the_deadline(smtp, people, months):
    first = _run()
    assert first["emailed"] == 2  # staff, and the manager (a month waiting 6 days)
    message = smtp.by_recipient()["staff@zanjan.example.ir"]
    assert subject(message) == "یادآوری: مهلت ارسال آمار آبان ۱۴۰۵ تا ۱۴۰۵/۰۹/۱۰ است"
    assert "۳ روز مانده" in message.get_content()


@pytest.mark.today("1405/09/06")
def test_no_staff_reminder_before_the_window(smtp, people, months):
    assert _run()["notices"] == 0 and smtp.messages == []


@pytest.mark.today("1405/09/06")
def test_the_days_before_come_from_the_entry_settings(smtp, people, months):
    settings = EntrySettings.load()
    settings.remind_days_before = 4
    settings.save()
    assert _run()["emailed"] == 1


def test_overdue_waits_for_the_days_after_from_the_settings(smtp, people, months):
    settings = EntrySettings.load()
    settings.remind_days_after, settings.remind_waiting_days = 2, 30
    settings.save()
    assert _run()["notices"] == 0
    with clock.pinned(jalali.parse_date("1405/09/12")):
        assert _run()["emailed"] == 1


def test_a_deadline_moved_in_the_settings_moves_the_reminders(smtp, people, months):
    settings = EntrySettings.load()
    settings.deadline_day, settings.remind_waiting_days = 14, 30
    settings.save()
    run = _run()
    assert run["emailed"] == 1
    assert "۱۴۰۵/۰۹/۱۴" in subject(smtp.messages[0][1])
    assert subject(smtp.messages[0][1]).startswith("یادآوری")


def test_a_refused_email_is_sent_on_the_next_run(settings, people, months):
    _use_email_url(settings, f"smtp://127.0.0.1:{_free_port()}")  # nobody listens
    with pytest.raises(CommandError):
        _run()
    assert not SentReminder.objects.filter(emailed=True).exists()
    assert SentReminder.objects.filter(emailed=False).count() == 1  # tehran_staff: no email


def test_next_cycle_reminds_again(smtp, people, months):
    _run()
    with clock.pinned(jalali.parse_date("1405/10/11")):
        again = _run()
    assert again["emailed"] >= 1 and again["already"] == 0


def test_notices_older_than_ninety_days_are_pruned(people, months, settings):
    _use_email_url(settings, "locmem://")
    _run()
    assert Notice.objects.count() == 3
    with clock.pinned(clock.today() + dt.timedelta(days=91)):
        assert _run()["pruned"] == 3
    assert SentReminder.objects.count() >= 3  # the record of what was sent stays


def test_only_active_people_of_a_province_are_reminded(people, months, settings):
    _use_email_url(settings, "locmem://")
    staff, _t, _m = people
    staff.is_active = False
    staff.save()
    _run()
    assert not Notice.objects.filter(user=staff).exists()


# --- EMAIL_URL ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,expected",
    [
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            "smtp://mailer:p%40ss@mail.example.ir:2525",
            {
                "EMAIL_HOST": "mail.example.ir",
                "EMAIL_PORT": 2525,
                "EMAIL_HOST_USER": "mailer",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": False,
            },
        ),
        ("smtp+tls://mail.example.ir", {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True}),
        ("smtps://mail.example.ir", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
    ],
)
def test_email_url_is_read_into_django_settings(url, expected):
    parsed = email_url.parse(url)
    assert {key: parsed[key] for key in expected} == expected


@pytest.mark.parametrize("url", ["smtp://", "mailto://x", "smtp://host:notaport", ""])
def test_bad_email_url_is_refused(url):
    with pytest.raises(ValueError):
        email_url.parse(url)


def test_admin_sets_the_reminder_days_in_the_entry_settings(client, admin_user):
    client.force_login(admin_user)
    settings = EntrySettings.load()
    html = client.get(f"/admin/programs/entrysettings/{settings.pk}/change/").content.decode()
    for name in ("remind_days_before", "remind_days_after", "remind_waiting_days"):
        assert f'name="{name}"' in html
