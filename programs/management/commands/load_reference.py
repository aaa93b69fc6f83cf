from django.core.management.base import BaseCommand

from programs.reference import load_reference


class Command(BaseCommand):
    help = "Create the 31 provinces, 448 county offices and default schemes, banks and funding sources (idempotent)."

    def handle(self, *args, **options):
        created = load_reference()
        summary = ", ".join(f"{k}: {v}" for k, v in created.items())
        self.stdout.write(f"reference data loaded (created {summary})")
