from django.urls import path

from . import views

app_name = "privacy"

# Under /staff/, beside the card they are about.
urlpatterns = [
    path("<int:pk>/personal-data/", views.staff_personal_data, name="personal_data_export"),
    path("<int:pk>/erase/", views.staff_erase, name="erase"),
    path("erasures/", views.erasure_list, name="erasures"),
]
