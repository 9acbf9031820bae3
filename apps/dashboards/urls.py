from django.urls import path

from . import collab_views, report_views, views

app_name = "dashboards"

urlpatterns = [
    path("categories/", views.categories, name="categories"),
    path("categories.xlsx", views.categories_xlsx, name="categories_xlsx"),
    path("participation/", views.participation, name="participation"),
    path("participation.xlsx", views.participation_xlsx, name="participation_xlsx"),
    path("my-participation/", views.my_participation, name="my_participation"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("timeliness.xlsx", views.timeliness_xlsx, name="timeliness_xlsx"),
    path("collaboration/", collab_views.collaboration, name="collaboration"),
    path("collaboration.xlsx", collab_views.collaboration_xlsx, name="collaboration_xlsx"),
    path("report/", report_views.annual_report, name="annual_report"),
    path("report/print/", report_views.annual_report_print, name="annual_report_print"),
    path("report/prepare/", report_views.export_request, name="export_request"),
    path("exports/<int:pk>/", report_views.export_download, name="export_download"),
    path("network/<int:network_id>/", views.network, name="network"),
    path("network/<int:network_id>.xlsx", views.network_xlsx, name="network_xlsx"),
]
