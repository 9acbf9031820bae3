"""The Django admin of accounts, for superusers only (collabschool/urls.py).

Every change here to access and roles goes through the services, so it is written
to the audit trail like a change made in the app: memberships and their roles (on
the user's page and on their own), network coordinators, a school's network, an
account's e-mail and flags, and someone's two-factor devices (django-otp's admins,
registered again).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, School, SchoolNetwork, User
from .services import (
    membership_delete,
    membership_save,
    school_admin_save,
    school_network_coordinators_set,
    user_admin_save,
    user_delete,
    user_password_admin_changed,
)
from .twofactor import (
    twofactor_device_admin_delete,
    twofactor_device_admin_save,
    twofactor_recovery_codes_admin_changed,
    twofactor_recovery_codes_snapshot,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school"]


class AuditedMembershipsMixin:
    """Saves the membership inline through the services (one audit row per change)."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership_delete(membership=membership)
        for membership in memberships:
            membership_save(membership=membership)
        formset.save_m2m()


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        # The password and its audit rows together, or neither.
        with transaction.atomic():
            user = super().save(commit=commit)
            user_password_admin_changed(user=user)
        return user


class LowerCaseEmailMixin:
    """E-mails are kept lower-cased (sign-in looks them up so): one differing from
    another account's only in case is a form error, not a clash on saving."""

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("An account with this e-mail already exists."), code="unique")
        return email


class UserChangeForm(LowerCaseEmailMixin, BaseUserChangeForm):
    pass


class UserCreationForm(LowerCaseEmailMixin, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(AuditedMembershipsMixin, BaseUserAdmin):
    change_password_form = AuditedPasswordChangeForm
    form = UserChangeForm
    add_form = UserCreationForm
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

    def save_model(self, request, obj, form, change):
        user_admin_save(user=obj)

    def delete_model(self, request, obj):
        user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            user_delete(user=user)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["short_name", "municipality", "region", "time_zone", "network"]
    search_fields = ["name", "short_name", "municipality"]
    list_filter = ["network"]

    def save_model(self, request, obj, form, change):
        # Moving a school between networks changes which coordinators see it: audited.
        school_admin_save(school=obj)


@admin.register(SchoolNetwork)
class SchoolNetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name"]

    def save_related(self, request, form, formsets, change):
        # The coordinators through the service (audited, and they owe a second factor);
        # the form's own m2m saving skips the field once it is out of cleaned_data.
        coordinators = form.cleaned_data.pop("coordinators", None)
        super().save_related(request, form, formsets, change)
        if coordinators is not None:
            school_network_coordinators_set(network=form.instance, users=list(coordinators))

    def delete_model(self, request, obj):
        school_network_coordinators_set(network=obj, users=[])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for network in queryset:
            self.delete_model(request, network)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "roles"]
    list_filter = ["school"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user", "school"]

    def save_model(self, request, obj, form, change):
        membership_save(membership=obj)

    def delete_model(self, request, obj):
        membership_delete(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "school"):
            membership_delete(membership=membership)


class AuditedDeviceAdminMixin:
    """A superuser's changes to someone's two-factor devices go to the audit trail."""

    def save_model(self, request, obj, form, change):
        twofactor_device_admin_save(device=obj)

    def delete_model(self, request, obj):
        twofactor_device_admin_delete(device=obj)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            twofactor_device_admin_delete(device=device)


class TOTPDeviceAdmin(AuditedDeviceAdminMixin, otp_totp_admin.TOTPDeviceAdmin):
    pass


class StaticDeviceAdmin(AuditedDeviceAdminMixin, otp_static_admin.StaticDeviceAdmin):
    def save_related(self, request, form, formsets, change):
        before = twofactor_recovery_codes_snapshot(device=form.instance)
        super().save_related(request, form, formsets, change)
        twofactor_recovery_codes_admin_changed(device=form.instance, before=before)


# django-otp registered its own admins when imported above (whichever app's admin
# module autodiscovery reaches first); these replace them.
for model, model_admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
