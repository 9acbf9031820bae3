from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("mine/", views.my_surveys, name="my_surveys"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.xlsx", views.results_export, name="results_export"),
]
