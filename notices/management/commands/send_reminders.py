"""Send today's deadline reminders (for cron or a systemd timer; see README)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from notices import reminders
from reliefjobs.lib import clock
from reliefjobs.lib.jalali import format_date


class Command(BaseCommand):
    help = "Email and notify staff and managers of months due, overdue or waiting (once per cycle)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be reminded; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        with translation.override("fa"):
            if dry_run:
                for reminder in reminders.collect():
                    self.stdout.write(
                        f"{reminder.user.username}\t{reminder.kind}\t{reminder.subject}"
                    )
                return
            outcome = reminders.run()
            self.stdout.write(
                _(
                    "Reminders of %(today)s: %(emailed)s emails sent, %(notices)s notices, "
                    "%(without)s people without an email address (notice only), "
                    "%(already)s already sent before, %(failed)s failed; "
                    "%(pruned)s old notices deleted."
                )
                % {
                    "today": format_date(clock.today(), persian=False),
                    "emailed": outcome.emailed,
                    "notices": outcome.notices,
                    "without": outcome.without_email,
                    "already": outcome.already_sent,
                    "failed": len(outcome.failed),
                    "pruned": outcome.pruned,
                }
            )
            for line in outcome.failed:
                self.stderr.write(line)
            if outcome.failed:
                raise CommandError(_("Some emails could not be sent; run again to retry them."))
