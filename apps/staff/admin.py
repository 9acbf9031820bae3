"""The Django admin of the staff registry: for looking up only.

Cards, their categories and achievements, subjects and associations are changed on
the app's pages, whose services (apps/staff/services.py) write each change to the
audit trail and refuse to touch an erased card (`staff_member_ensure_not_erased`).
A plain ModelAdmin save would do neither, and deleting a subject or an association
here would change cards unrecorded, so none of these admins adds, changes or deletes.
"""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdminMixin

from .models import Achievement, CategoryAward, StaffMember, Subject, SubjectAssociation


class CategoryAwardInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CategoryAward
    extra = 0


class AchievementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Achievement
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "patronymic", "school", "position", "is_active"]
    list_filter = ["school", "is_active"]
    search_fields = ["last_name", "first_name", "email"]
    list_select_related = ["school"]
    inlines = [CategoryAwardInline, AchievementInline]
    raw_id_fields = ["user"]


@admin.register(Subject, SubjectAssociation)
class CatalogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "school"]
    list_filter = ["school"]
    search_fields = ["name"]
    list_select_related = ["school"]
