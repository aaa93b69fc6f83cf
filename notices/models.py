"""In-app notices (the bell) and the record of reminders already sent.

A reminder goes to a person once per kind and cycle: `SentReminder` is that
record, kept for good so a rerun of `send_reminders` sends nothing new; the
`Notice` it created is what the person reads in the app, kept 90 days.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reliefjobs.stamps import StampField

KEEP_DAYS = 90


class ReminderKind(models.TextChoices):
    DUE = "due", _("Months due soon")
    OVERDUE = "overdue", _("Overdue months")
    WAITING = "waiting", _("Months waiting for approval")


class SentReminder(models.Model):
    """One reminder of one kind for one cycle, given to one person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    cycle = models.CharField(_("cycle"), max_length=7, help_text=_("Jalali year-month, 1405-08."))
    emailed = models.BooleanField(_("sent by email"), default=False)
    at = StampField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "cycle"], name="reminder_once_per_cycle"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.cycle}"


class NoticeQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user_id=getattr(user, "pk", None) or 0)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """A message for one person in the app; the bell counts the unread ones."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = StampField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.title
