from django.contrib import admin

from .models import Agreement, JointActivity, PartnerContact, PartnerDirection, PartnerOrganisation, StageChange


class ContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "kind", "direction", "stage", "is_active"]
    list_filter = ["kind", "stage", "is_active"]
    search_fields = ["name", "address"]
    inlines = [ContactInline, AgreementInline]


@admin.register(JointActivity)
class JointActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "kind", "starts_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "product_text"]
    raw_id_fields = ["responsible"]
    filter_horizontal = ["partners", "teachers"]


admin.site.register([PartnerDirection, StageChange])
