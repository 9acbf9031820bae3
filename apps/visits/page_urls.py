"""Pages of lesson visits (included by apps/visits/urls.py in the `visits` namespace)."""

from django.urls import path

from . import page_views

urlpatterns = [
    path("my/", page_views.my_visits, name="my"),
    path("new/", page_views.visit_create, name="create"),
    path("<int:pk>/", page_views.visit_detail, name="detail"),
    path("<int:pk>/feedback/", page_views.feedback, name="feedback"),
    path("<int:pk>/feedback/draft/", page_views.feedback_draft, name="feedback_draft"),
    path("<int:pk>/reflection/", page_views.reflection, name="reflection"),
    path("<int:pk>/share/", page_views.share, name="share"),
    path("<int:pk>/cancel/", page_views.cancel, name="cancel"),
]
