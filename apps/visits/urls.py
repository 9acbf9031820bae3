from django.urls import include, path

from . import admin_urls, page_urls

app_name = "visits"

urlpatterns = [
    path("", include(page_urls)),
    path("", include(admin_urls)),
]
