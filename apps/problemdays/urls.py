from django.urls import path

from . import views

app_name = "problemdays"

urlpatterns = [
    path("", views.day_list, name="day_list"),
    path("mine/", views.my_duties, name="my_duties"),
    path("new/", views.day_create, name="day_create"),
    path("<int:pk>/", views.day_detail, name="day_detail"),
    path("<int:pk>/edit/", views.day_edit, name="day_edit"),
    path("<int:pk>/stage/", views.day_stage, name="day_stage"),
    path("<int:pk>/timetable/", views.timetable, name="timetable"),
    path("<int:pk>/print/", views.day_print, name="day_print"),
    path("<int:pk>/copy/", views.day_copy, name="day_copy"),
    path("<int:pk>/ideas/new/", views.idea_create, name="idea_create"),
    path("ideas/<int:pk>/edit/", views.idea_edit, name="idea_edit"),
    path("ideas/<int:pk>/choose/", views.idea_choose, name="idea_choose"),
    path("<int:pk>/roles/new/", views.role_create, name="role_create"),
    path("roles/<int:pk>/edit/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("<int:pk>/question/", views.question_save, name="question_save"),
    path("<int:pk>/question/suggest/", views.question_suggest, name="question_suggest"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("<int:pk>/reflection/", views.reflection_edit, name="reflection_edit"),
    path("<int:pk>/reflection/file/", views.reflection_file, name="reflection_file"),
]
