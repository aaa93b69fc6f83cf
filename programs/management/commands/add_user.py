"""`manage.py add_user NAME --role staff|manager|admin [--province CODE] [--password-stdin]`."""

import sys

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from programs.access import Role


class Command(BaseCommand):
    stealth_options = ("stdin",)  # tests pass a StringIO
    help = (
        "Create or update a user with a role and scope. Without --province the user is "
        "national; a national admin is a superuser. Staff need a province."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="staff, manager or admin")
        parser.add_argument("--province", help="ISO code (IR-19) or Persian name; empty = national")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES])

    def handle(self, *args, **options):
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            return self._handle(options)

    @transaction.atomic
    def _handle(self, options):
        from programs.models import Province, User

        role = options["role"].strip().lower()
        if role not in Role.VALUES:
            raise CommandError(
                _("Unknown role %(role)s; use one of: %(roles)s")
                % {"role": options["role"], "roles": ", ".join(Role.VALUES)}
            )
        province = None
        if options["province"]:
            province = Province.objects.by_identifier(options["province"])
            if province is None:
                raise CommandError(
                    _("Unknown province %(province)s (use a code such as IR-19 or a Persian name).")
                    % {"province": options["province"]}
                )
        elif role == Role.STAFF:
            raise CommandError(_("Provincial staff need --province."))
        user = User.objects.filter(username=options["username"]).first()
        created = user is None
        if created:
            user = User(username=options["username"])
        user.role = role
        user.province = province
        user.is_active = True
        # Everyone uses the (scoped) admin; only a national admin is a superuser.
        user.is_staff = True
        user.is_superuser = role == Role.ADMIN and province is None
        if options["password_stdin"]:
            password = (options.get("stdin") or sys.stdin).readline().rstrip("\r\n")
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        scope = province.name if province else _("whole country")
        message = (
            _("Created user %(name)s (%(role)s, %(scope)s).")
            if created
            else _("Updated user %(name)s (%(role)s, %(scope)s).")
        )
        self.stdout.write(message % {"name": user.username, "role": role, "scope": scope})
        if created and not options["password_stdin"]:
            self.stdout.write(_("No password set; use --password-stdin or changepassword."))
