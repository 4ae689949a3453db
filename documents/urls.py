from django.urls import path

from . import views, views_manage

app_name = "documents"

urlpatterns = [
    path("ajouter/", views.upload_start, name="upload_start"),
    path("ajouter/dossier/<int:dossier_pk>/", views.upload, name="upload"),
    path("gerer/", views_manage.manage, name="manage"),
    path("dossier/<int:dossier_pk>/section/", views_manage.dossier_section, name="dossier_section"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/statut/", views.document_status, name="status"),
    path("<int:pk>/pdf/", views.document_pdf, name="pdf"),
    path("<int:pk>/imprimer/", views.document_print, name="print"),
    path("<int:pk>/sauvegarder/", views.document_download, name="download"),
    path("<int:pk>/remplacer/", views.document_replace, name="replace"),
    path("<int:pk>/reessayer/", views.document_retry, name="retry"),
    path("<int:pk>/archiver/", views.document_archive, name="archive"),
    path("<int:pk>/supprimer/", views.document_delete, name="delete"),
]
