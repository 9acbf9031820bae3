from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("export.xlsx", views.staff_export, name="export"),
    path("new/", views.staff_create, name="create"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/edit/", views.staff_edit, name="edit"),
    path("<int:pk>/deactivate/", views.staff_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.staff_reactivate, name="reactivate"),
    path("<int:pk>/categories/new/", views.category_award_add, name="category_add"),
    path("categories/<int:pk>/delete/", views.category_award_delete, name="category_delete"),
    path("<int:pk>/achievements/new/", views.achievement_add, name="achievement_add"),
    path("achievements/<int:pk>/delete/", views.achievement_delete, name="achievement_delete"),
    path("attestations/", views.attestations_due, name="attestations_due"),
    path("import/", views.staff_import, name="import"),
    path("import/template.xlsx", views.staff_import_template, name="import_template"),
    path("import/<int:pk>/", views.staff_import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views.staff_import_confirm, name="import_confirm"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/subjects/<int:pk>/", views.subject_rename, name="subject_rename"),
    path("catalog/associations/<int:pk>/", views.association_rename, name="association_rename"),
]
