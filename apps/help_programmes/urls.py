from django.urls import path

from . import views

app_name = "help_programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>.xlsx", views.programme_xlsx, name="xlsx"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/agree/", views.programme_agree, name="agree"),
    path("<int:pk>/difficulties/", views.difficulties, name="difficulties"),
    path("difficulties/<int:pk>/delete/", views.difficulty_delete, name="difficulty_delete"),
    path("<int:pk>/forms/", views.help_forms, name="forms"),
    path("forms/<int:pk>/delete/", views.help_form_delete, name="form_delete"),
    path("<int:pk>/people/", views.people, name="people"),
    path("people/<int:pk>/remove/", views.responsible_remove, name="responsible_remove"),
    path("<int:pk>/milestones/", views.milestones, name="milestones"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("<int:pk>/review/", views.review, name="review"),
    path("network/<int:network_id>/", views.network, name="network"),
    path("network/<int:network_id>.xlsx", views.network_xlsx, name="network_xlsx"),
]
