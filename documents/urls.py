from django.urls import path

from .views import document, manage

app_name = "documents"

urlpatterns = [
    path("ajouter/", document.upload_start, name="upload_start"),
    path("ajouter/dossier/<int:dossier_pk>/", document.upload, name="upload"),
    path("gerer/", manage.manage, name="manage"),
    path("dossier/<int:dossier_pk>/section/", manage.dossier_section, name="dossier_section"),
    path("<int:pk>/", document.document_detail, name="detail"),
    path("<int:pk>/statut/", document.document_status, name="status"),
    path("<int:pk>/pdf/", document.document_pdf, name="pdf"),
    path("<int:pk>/imprimer/", document.document_print, name="print"),
    path("<int:pk>/sauvegarder/", document.document_download, name="download"),
    path("<int:pk>/remplacer/", document.document_replace, name="replace"),
    path("<int:pk>/reessayer/", document.document_retry, name="retry"),
    path("<int:pk>/archiver/", document.document_archive, name="archive"),
    path("<int:pk>/supprimer/", document.document_delete, name="delete"),
]
