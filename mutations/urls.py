from django.urls import path

from . import views

app_name = "mutations"

urlpatterns = [
    path("", views.mutation_list, name="list"),
    path("relever/", views.poll_now, name="poll"),
    path("types/", views.mutation_types, name="types"),
    path("<int:pk>/traitee/", views.mark_processed, name="mark_processed"),
    path("<int:pk>/adresse/", views.accept_move, name="accept_move"),
    path("<int:pk>/deces/", views.accept_death, name="accept_death"),
    path("dossier/<int:dossier_pk>/section/", views.dossier_section, name="dossier_section"),
]
