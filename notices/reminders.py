"""Reminders of the monthly cycle, by email and as in-app notices.

Who is reminded, of what (each N is set in the admin's entry settings):
- provincial staff, `remind_days_before` days before the cycle's deadline and up
  to it, of the offices whose month is not yet sent (DUE);
- provincial staff, from `remind_days_after` days after the deadline, of the
  offices whose month is still not sent (OVERDUE);
- provincial managers, of months waiting for approval more than
  `remind_waiting_days` days (WAITING).
Each person gets each kind once per cycle (a SentReminder row); a rerun sends
nothing new. People without an email address get the in-app notice only and
are counted. The cycle and its deadline come from notices.worklist.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notices import services, worklist
from notices.models import ReminderKind, SentReminder
from programs.access import Role
from programs.entry_queries import MISSING
from programs.entry_queries import _open_between as open_between
from programs.models import CountyOffice, EntrySettings, MonthlyReport, ReportStatus, User
from programs.templatetags.entry_tags import status_label
from reliefjobs.lib import clock
from reliefjobs.lib.jalali import format_date, month_label
from reliefjobs.lib.text import to_persian_digits

_SENT = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@dataclass
class Reminder:
    user: User
    kind: str
    cycle: str
    subject: str
    body: str
    url: str


@dataclass
class Outcome:
    emailed: int = 0
    notices: int = 0
    without_email: int = 0
    already_sent: int = 0
    failed: list[str] = field(default_factory=list)
    pruned: int = 0


def _fa(number: int) -> str:
    return to_persian_digits(f"{number:,}".replace(",", "٬"))


def _link(path: str) -> str:
    return f"{django_settings.SITE_URL}{path}"


def _greeting(user) -> str:
    return _("Dear %(name)s,") % {"name": user.get_full_name() or user.username}


def _unsent_by_province(cycle) -> dict[int, list[tuple[CountyOffice, str]]]:
    """Offices that owe the cycle's month and have not sent it, by province (2 queries)."""
    period = cycle.period
    statuses = dict(
        MonthlyReport.objects.filter(year=period.year, month=period.month).values_list(
            "office_id", "status"
        )
    )
    unsent = defaultdict(list)
    first, last = period.first_day, period.last_day  # calendar conversions: once, not per office
    for office in CountyOffice.objects.select_related("province").order_by("name"):
        status = statuses.get(office.pk, MISSING)
        if status not in _SENT and open_between(office, first, last):
            unsent[office.province_id].append((office, status))
    return unsent


def _staff_reminder(user, kind, cycle, offices) -> Reminder:
    month = month_label(*cycle.period)
    deadline = format_date(cycle.deadline)
    not_started = _("Not started")
    lines = [
        f"- {office.name}: {not_started if status == MISSING else status_label(status)}"
        for office, status in offices
    ]
    if kind == ReminderKind.DUE:
        subject = _("Reminder: the figures of %(month)s are due by %(deadline)s") % {
            "month": month,
            "deadline": deadline,
        }
        intro = _(
            "The figures of %(month)s for %(province)s are due by %(deadline)s "
            "(%(days)s days left). These county offices have not sent them yet:"
        ) % {
            "month": month,
            "province": user.province.name,
            "deadline": deadline,
            "days": _fa(cycle.days_left),
        }
    else:
        subject = _("Overdue: the figures of %(month)s were due by %(deadline)s") % {
            "month": month,
            "deadline": deadline,
        }
        intro = _(
            "The deadline for the figures of %(month)s for %(province)s was %(deadline)s, "
            "%(days)s days ago. These county offices have still not sent them:"
        ) % {
            "month": month,
            "province": user.province.name,
            "deadline": deadline,
            "days": _fa(cycle.days_late),
        }
    return _reminder(user, kind, cycle, subject, intro, lines)


def _waiting_reminder(user, cycle, months, days) -> Reminder:
    subject = _("%(count)s months wait for your approval in %(province)s") % {
        "count": _fa(len(months)),
        "province": user.province.name,
    }
    intro = _("These months have waited for approval more than %(days)s days:") % {
        "days": _fa(days)
    }
    lines = [
        _("- %(office)s, %(month)s: sent on %(sent)s, waiting %(days)s days")
        % {
            "office": r.office.name,
            "month": month_label(r.year, r.month),
            "sent": format_date(worklist.local_date(r.submitted_at)),
            "days": _fa(r.days_waiting),
        }
        for r in months
    ]
    return _reminder(user, ReminderKind.WAITING, cycle, subject, intro, lines)


def _reminder(user, kind, cycle, subject, intro, lines) -> Reminder:
    url = reverse("notices:home")
    body = "\n".join(
        [
            _greeting(user),
            "",
            intro,
            *lines,
            "",
            _("Your work list: %(url)s") % {"url": _link(url)},
            "",
            _("This message was sent by reliefjobs on %(today)s.")
            % {"today": format_date(cycle.today)},
        ]
    )
    return Reminder(user, kind, cycle.key, subject, body, url)


def collect(today: dt.date | None = None) -> list[Reminder]:
    """Every reminder due today, whether or not it was sent before (fixed queries)."""
    settings = EntrySettings.load()
    cycle = worklist.current_cycle(today, settings)
    people = list(
        User.objects.filter(
            is_active=True, province__isnull=False, role__in=[Role.STAFF, Role.MANAGER]
        )
        .select_related("province")
        .order_by("username")
    )
    reminders = []
    kind = None
    if 0 <= cycle.days_left <= settings.remind_days_before:
        kind = ReminderKind.DUE
    elif cycle.days_late and cycle.days_late >= max(1, settings.remind_days_after):
        kind = ReminderKind.OVERDUE
    if kind:
        unsent = _unsent_by_province(cycle)
        for user in people:
            if user.role == Role.STAFF and unsent.get(user.province_id):
                reminders.append(_staff_reminder(user, kind, cycle, unsent[user.province_id]))
    waiting = defaultdict(list)
    for report in worklist.waiting_months(Q(), cycle.today):
        if report.days_waiting > settings.remind_waiting_days:
            waiting[report.office.province_id].append(report)
    for user in people:
        if user.role == Role.MANAGER and waiting.get(user.province_id):
            reminders.append(
                _waiting_reminder(
                    user, cycle, waiting[user.province_id], settings.remind_waiting_days
                )
            )
    return reminders


def deliver(reminders: list[Reminder], *, connection=None) -> Outcome:
    """Record, notify and email each reminder not given before (one person, kind and
    cycle once). A failed email undoes that reminder's record, so a rerun retries it."""
    outcome = Outcome()
    given = set(
        SentReminder.objects.filter(cycle__in={r.cycle for r in reminders}).values_list(
            "user_id", "kind", "cycle"
        )
    )
    connection = connection or get_connection()
    for reminder in reminders:
        user = reminder.user
        if (user.pk, reminder.kind, reminder.cycle) in given:
            outcome.already_sent += 1
            continue
        try:
            with transaction.atomic():
                SentReminder.objects.create(
                    user=user, kind=reminder.kind, cycle=reminder.cycle, emailed=bool(user.email)
                )
                services.notify(
                    user=user,
                    kind=reminder.kind,
                    title=reminder.subject,
                    text=reminder.body,
                    url=reminder.url,
                )
                if user.email:
                    EmailMessage(
                        subject=reminder.subject,
                        body=reminder.body,
                        to=[user.email],
                        connection=connection,
                    ).send()
        except IntegrityError:
            outcome.already_sent += 1  # another run gave it meanwhile
            continue
        except OSError as error:  # SMTP refused or unreachable (smtplib errors are OSErrors)
            outcome.failed.append(f"{user.username}: {error}")
            continue
        outcome.notices += 1
        if user.email:
            outcome.emailed += 1
        else:
            outcome.without_email += 1
    return outcome


def run(*, today: dt.date | None = None) -> Outcome:
    """Today's reminders, in Persian, and the pruning of old notices."""
    with translation.override("fa"):
        # One connection object; the SMTP backend opens it for each message, so an
        # unreachable server fails those messages, not the whole run.
        outcome = deliver(collect(today), connection=get_connection())
    outcome.pruned = services.prune(now=clock.now())
    return outcome
