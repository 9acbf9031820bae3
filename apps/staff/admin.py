from django.contrib import admin

from .models import Achievement, CategoryAward, StaffMember, Subject, SubjectAssociation


class CategoryAwardInline(admin.TabularInline):
    model = CategoryAward
    extra = 0


class AchievementInline(admin.TabularInline):
    model = Achievement
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "patronymic", "school", "position", "is_active"]
    list_filter = ["school", "is_active"]
    search_fields = ["last_name", "first_name", "email"]
    inlines = [CategoryAwardInline, AchievementInline]
    raw_id_fields = ["user"]


@admin.register(Subject, SubjectAssociation)
class CatalogAdmin(admin.ModelAdmin):
    list_display = ["name", "school"]
    list_filter = ["school"]
    search_fields = ["name"]
