"""Admin screens for monthly entry: its settings (national admins), the
workflow log and confirmed warnings (read-only), and field notes, all scoped
by province through programs.admin.ScopedAdmin. Imported from
ProgramsConfig.ready()."""

from django.contrib import admin

from programs import access
from programs.access import Role
from programs.admin import ScopedAdmin
from programs.models import EntrySettings, FieldNote, ReportTransition, WarningConfirmation


@admin.register(EntrySettings)
class EntrySettingsAdmin(admin.ModelAdmin):
    """One row: the deadline day and the warning bounds."""

    list_display = ("__str__", "deadline_day", "min_average_loan_rial", "max_average_loan_rial")

    def _national_admin(self, request) -> bool:
        return access.can_manage_reference(request.user)

    def has_module_permission(self, request):
        return self._national_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._national_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._national_admin(request)

    def has_add_permission(self, request):
        return self._national_admin(request) and not EntrySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyLog(ScopedAdmin, admin.ModelAdmin):
    """Written only by the workflow services; the admin shows it."""

    scope_field = "report__office__province"
    edit_roles = ()
    delete_roles = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report__office", "by")


@admin.register(ReportTransition)
class ReportTransitionAdmin(_ReadOnlyLog):
    list_display = ("report", "action", "from_status", "to_status", "by", "at")
    list_filter = ("action",)
    readonly_fields = ("report", "action", "from_status", "to_status", "by", "at", "comment")


@admin.register(WarningConfirmation)
class WarningConfirmationAdmin(_ReadOnlyLog):
    list_display = ("report", "code", "message", "reason", "by", "at")
    readonly_fields = ("report", "code", "field", "message", "reason", "by", "at")


@admin.register(FieldNote)
class FieldNoteAdmin(ScopedAdmin, admin.ModelAdmin):
    scope_field = "office__province"
    edit_roles = (Role.STAFF, Role.MANAGER, Role.ADMIN)
    list_display = ("office", "noted_on", "area", "bank", "status", "resolved_on")
    list_filter = ("area", "status", "bank")
    search_fields = ("text", "office__name")
    readonly_fields = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not obj.pk:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
