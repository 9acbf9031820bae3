from django.urls import include, path

from . import route_urls, views

app_name = "mentoring"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/status/", views.group_status, name="group_status"),
    path("groups/<int:pk>/decline/", views.group_decline, name="group_decline"),
    path("groups/<int:pk>/events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("groups/<int:pk>/results/new/", views.result_create, name="result_create"),
    path("results/<int:pk>/file/", views.result_file, name="result_file"),
    path("similar/", views.similar, name="similar"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("problems/", views.tags, name="tags"),
    path("problems/<int:pk>/", views.tag_rename, name="tag_rename"),
    path("", include(route_urls)),
]
