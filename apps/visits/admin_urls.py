"""The curator's deadline board and the school's visit catalogs; included by
apps/visits/urls.py in the "visits" namespace."""

from django.urls import path

from . import admin_views

urlpatterns = [
    path("deadlines/", admin_views.deadline_board, name="deadlines"),
    path("protocols/", admin_views.protocol_list, name="protocols"),
    path("protocols/<int:pk>/", admin_views.protocol_edit, name="protocol_edit"),
    path("words/", admin_views.word_list, name="words"),
    path("words/<int:pk>/delete/", admin_views.word_delete, name="word_delete"),
]
