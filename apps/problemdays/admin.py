from django.contrib import admin

from .models import DayActivity, PreparationRole, ProblemDay, Reflection, ThemeIdea


class ThemeIdeaInline(admin.TabularInline):
    model = ThemeIdea
    extra = 0


class PreparationRoleInline(admin.TabularInline):
    model = PreparationRole
    extra = 0


@admin.register(ProblemDay)
class ProblemDayAdmin(admin.ModelAdmin):
    list_display = ("working_title", "theme", "school", "date", "status")
    list_filter = ("status", "school")
    inlines = [ThemeIdeaInline, PreparationRoleInline]


admin.site.register(DayActivity)
admin.site.register(Reflection)
