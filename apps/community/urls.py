from django.urls import path

from . import search_views, views

app_name = "community"

urlpatterns = [
    path("", views.material_list, name="material_list"),
    path("materials/new/", views.material_create, name="material_create"),
    path("materials/<int:pk>/", views.material_detail, name="material_detail"),
    path("materials/<int:pk>/edit/", views.material_edit, name="material_edit"),
    path("materials/<int:pk>/withdraw/", views.material_withdraw, name="material_withdraw"),
    path("materials/<int:pk>/versions/new/", views.version_add, name="version_add"),
    path("versions/<int:pk>/file/", views.version_file, name="version_file"),
    path("materials/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/helped/", views.comment_helped, name="comment_helped"),
    path("search/", search_views.search, name="search"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/new/", views.question_create, name="question_create"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail"),
    path("questions/<int:pk>/answers/", views.answer_create, name="answer_create"),
    path("answers/<int:pk>/accept/", views.answer_accept, name="answer_accept"),
]
