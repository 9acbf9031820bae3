from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.registry, name="registry"),
    path("export/", views.registry_export, name="registry_export"),
    path("new/", views.partner_create, name="partner_create"),
    path("<int:pk>/", views.partner_detail, name="partner_detail"),
    path("<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("<int:pk>/stage/", views.stage_change, name="stage_change"),
    path("<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/agreements/new/", views.agreement_add, name="agreement_add"),
    path("agreements/<int:pk>/scan/", views.agreement_scan, name="agreement_scan"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/expiring/", views.agreements_expiring, name="agreements_expiring"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export/", views.activity_export, name="activity_export"),
    path("activities/mine/", views.my_activities, name="my_activities"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/file/", views.activity_file, name="activity_file"),
    path("directions/", views.directions, name="directions"),
    path("directions/<int:pk>/rename/", views.direction_rename, name="direction_rename"),
]
