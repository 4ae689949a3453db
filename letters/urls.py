from django.urls import path

from .views import compose, mailings, templates

app_name = "letters"

urlpatterns = [
    path("modeles/", templates.template_list, name="templates"),
    path("modeles/ajouter/", templates.template_add, name="template_add"),
    path("modeles/<int:pk>/", templates.template_edit, name="template_edit"),
    path("dossier/<int:dossier_pk>/", compose.dossier_section, name="dossier_section"),
    path("dossier/<int:dossier_pk>/rediger/", compose.compose, name="compose"),
    path("envoi-groupe/", mailings.mailing_new, name="mailing_new"),
    path("envoi-groupe/<int:pk>/", mailings.mailing_detail, name="mailing"),
    path("envoi-groupe/<int:pk>/progression/", mailings.mailing_progress, name="mailing_progress"),
    path("envoi-groupe/<int:pk>/reessayer/", mailings.mailing_retry, name="mailing_retry"),
]
