from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("rechercher/", views.dossier_search, name="search"),
    path("nouveau/", views.identify, name="identify"),
    path("nouveau/personne/", views.person_details, name="person_details"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
]
