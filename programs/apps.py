from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Job-creation programs")

    def ready(self):
        from programs import admin_entry  # noqa: F401  (registers the entry models)
