from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Membership, School, SchoolNetwork, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "last_name", "first_name", "is_active", "is_superuser"]
    search_fields = ["email", "last_name", "first_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "patronymic")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["short_name", "municipality", "region", "time_zone", "network"]
    search_fields = ["name", "short_name", "municipality"]
    list_filter = ["network"]


@admin.register(SchoolNetwork)
class SchoolNetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "roles"]
    list_filter = ["school"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user", "school"]
