"""The Django admin of problem-theme days: for looking up only.

Days, their ideas, roles, activities and reflection are changed on the day's pages,
whose services check dates, people of the school and the stage, and check the
reflection's photo by content (apps/core/uploads.py); a plain ModelAdmin save
would skip that, so nothing is added, changed or deleted here. The reflection's
text (what worked, what to change) and its photo are the school's own account of
the day and are not shown: its admin lists only the day, the counts and the time.
"""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdminMixin

from .models import DayActivity, PreparationRole, ProblemDay, Reflection, ThemeIdea


class ThemeIdeaInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ThemeIdea
    extra = 0


class PreparationRoleInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PreparationRole
    extra = 0


@admin.register(ProblemDay)
class ProblemDayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("working_title", "theme", "school", "date", "status")
    list_filter = ("status", "school")
    list_select_related = ("school",)
    inlines = [ThemeIdeaInline, PreparationRoleInline]


@admin.register(DayActivity)
class DayActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "day", "kind", "starts_at")
    list_select_related = ("day",)


@admin.register(Reflection)
class ReflectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Metadata only: never the reflection's text or its photo."""

    METADATA = ("day", "students_count", "teachers_count", "parents_count", "partners_count", "updated_at")

    list_display = METADATA
    list_select_related = ("day",)
    fields = METADATA
    readonly_fields = METADATA
