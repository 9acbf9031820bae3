from django.urls import path

from . import views

app_name = "network_events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/invite/", views.event_invite, name="invite"),
    path("<int:pk>/attendance/", views.event_attendance, name="attendance"),
    path("<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/unregister/", views.unregister, name="unregister"),
    path("<int:pk>/materials/", views.event_materials, name="materials"),
    path("<int:pk>/materials/<int:material_pk>/detach/", views.event_material_detach, name="material_detach"),
    path("<int:pk>/attendees.xlsx", views.attendees_xlsx, name="attendees_xlsx"),
]
