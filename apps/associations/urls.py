from django.urls import path

from . import views

app_name = "associations"

urlpatterns = [
    path("", views.association_list, name="list"),
    path("<int:pk>/", views.association_detail, name="detail"),
    path("<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/done/", views.decision_done, name="decision_done"),
    path("network/new/", views.network_create, name="network_create"),
    path("network/<int:pk>/", views.network_detail, name="network_detail"),
    path("network/<int:pk>/members/", views.network_members, name="network_members"),
]
