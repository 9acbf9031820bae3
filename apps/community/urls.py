from django.urls import path

from apps.community import search_views

app_name = "community"

urlpatterns = [
    path("search/", search_views.search, name="search"),
]
