"""Admin screen for monthly entry's settings (the deadline day and the warning
bounds), for national admins. Imported from ProgramsConfig.ready().

The workflow log, confirmed warnings and field notes have their own pages
(the month page and the field notes list), scoped by programs.access.
"""

from django.contrib import admin
from django.shortcuts import redirect

from programs.admin import NationalAdminOnly
from programs.admin_forms import PersianFormsAdmin
from programs.models import EntrySettings


@admin.register(EntrySettings)
class EntrySettingsAdmin(NationalAdminOnly, PersianFormsAdmin, admin.ModelAdmin):
    """One row: the list opens it straight away, creating it with the defaults."""

    fieldsets = (
        (None, {"fields": ("deadline_day",)}),
        (
            None,
            {
                "fields": (
                    "min_average_loan_rial",
                    "max_average_loan_rial",
                    "max_jobs_per_loan",
                    "spike_factor",
                )
            },
        ),
    )

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)
        settings = EntrySettings.load()
        return redirect("admin:programs_entrysettings_change", settings.pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
