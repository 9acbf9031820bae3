from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("", views.my_sheets, name="my"),
    path("criteria/", views.criteria, name="criteria"),
    path("criteria/new/", views.criterion_edit, name="criterion_new"),
    path("criteria/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path("commission/", views.commission, name="commission"),
    path("commission/<int:pk>/remove/", views.commission_remove, name="commission_remove"),
    path("periods/", views.periods, name="periods"),
    path("periods/new/", views.period_new, name="period_new"),
    path("periods/<int:pk>/", views.period_detail, name="period"),
    path("periods/<int:pk>/compute/", views.period_compute, name="period_compute"),
    path("periods/<int:pk>/dates/", views.period_dates, name="period_dates"),
    path("periods/<int:pk>/approve/", views.period_approve, name="period_approve"),
    path("periods/<int:pk>/reopen/", views.period_reopen, name="period_reopen"),
    path("periods/<int:pk>/entries/new/", views.manual_new, name="manual_new"),
    path("periods/<int:pk>/protocol.xlsx", views.protocol_xlsx, name="protocol_xlsx"),
    path("periods/<int:pk>/protocol.pdf", views.protocol_pdf, name="protocol_pdf"),
    path("entries/<int:pk>/delete/", views.manual_delete, name="manual_delete"),
    path("entries/<int:pk>/file/", views.manual_file, name="manual_file"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/remark/", views.remark_new, name="remark_new"),
    path("remarks/<int:pk>/", views.remark_answer, name="remark_answer"),
]
