"""The Django admin of partnerships: for looking up only.

Partners, their contacts and agreements, and joint activities are changed on the
app's pages, whose services check the school of every person and partner, record
each stage change and check an agreement's scan or a product's file by content
(apps/core/uploads.py); a plain ModelAdmin save would skip that, so nothing is
added, changed or deleted here.
"""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdminMixin

from .models import Agreement, JointActivity, PartnerContact, PartnerDirection, PartnerOrganisation, StageChange


class ContactInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PartnerContact
    extra = 0


class AgreementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "school", "kind", "direction", "stage", "is_active"]
    list_filter = ["kind", "stage", "is_active"]
    search_fields = ["name", "address"]
    inlines = [ContactInline, AgreementInline]


@admin.register(JointActivity)
class JointActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "school", "kind", "starts_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "product_text"]
    raw_id_fields = ["responsible"]
    filter_horizontal = ["partners", "teachers"]


@admin.register(PartnerDirection, StageChange)
class PartnerRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass
