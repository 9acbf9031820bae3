"""URLs of development routes.

Included by apps/mentoring/urls.py inside the `mentoring` namespace.
"""

from django.urls import path

from . import route_views

urlpatterns = [
    path("routes/", route_views.route_list, name="route_list"),
    path("routes/new/", route_views.route_create, name="route_create"),
    path("routes/<int:pk>/", route_views.route_detail, name="route_detail"),
    path("routes/<int:pk>/edit/", route_views.route_edit, name="route_edit"),
    path("routes/<int:pk>/steps/new/", route_views.route_step_add, name="route_step_add"),
    path("routes/steps/<int:pk>/", route_views.route_step_edit, name="route_step_edit"),
    path("routes/steps/<int:pk>/evidence/", route_views.route_step_evidence, name="route_step_evidence"),
]
