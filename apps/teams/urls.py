from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("mine/", views.my_teams, name="my_teams"),
    path("archive/", views.archive, name="archive"),
    path("new/", views.team_create, name="team_create"),
    path("<int:pk>/", views.team_detail, name="team_detail"),
    path("<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("<int:pk>/status/", views.team_status, name="team_status"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/outcome/", views.outcome_record, name="outcome_record"),
    path("outcomes/<int:pk>/file/", views.outcome_file, name="outcome_file"),
    path("<int:pk>/reform/", views.team_reform, name="team_reform"),
]
