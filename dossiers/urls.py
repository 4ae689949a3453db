from django.urls import path

from .views import closing, main, record

app_name = "dossiers"

urlpatterns = [
    path("", main.dossier_list, name="list"),
    path("rechercher/", main.dossier_search, name="search"),
    path("nouveau/", main.identify, name="identify"),
    path("nouveau/personne/", main.person_details, name="person_details"),
    path("<int:pk>/", main.dossier_detail, name="detail"),
    path("<int:pk>/registre-national/", record.dossier_full_record, name="full_record"),
    path("<int:pk>/cloturer/", closing.dossier_close, name="close"),
    path("<int:pk>/rouvrir/", closing.dossier_reopen, name="reopen"),
    path("<int:pk>/integration-bcss/", closing.dossier_integration_retry, name="integration_retry"),
]
