from django.urls import path

from . import views

app_name = "recognition"

urlpatterns = [
    path("", views.tree_page, name="tree"),
    path("live/", views.live, name="live"),
    path("live/leaves/", views.live_leaves, name="live_leaves"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/hide-me/", views.hide_self, name="hide_self"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
]
