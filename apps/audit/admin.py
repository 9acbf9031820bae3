from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (the database refuses edits anyway)."""

    list_display = ["at", "school", "action", "actor_label", "target_label"]
    list_filter = ["action", "school"]
    search_fields = ["target_label", "actor_label"]
    list_select_related = ["school"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
