from django.apps import AppConfig


class ReliefjobsConfig(AppConfig):
    """The project package as an app, so its system checks are registered."""

    name = "reliefjobs"
    verbose_name = "reliefjobs"

    def ready(self):
        from reliefjobs import checks  # noqa: F401  (registers the deploy checks)
