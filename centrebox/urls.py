from django.urls import path

from . import views

app_name = "centrebox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("message/<int:pk>/", views.message_detail, name="message"),
    path("message/<int:pk>/lire/", views.message_read, name="message_read"),
    path("message/<int:pk>/libelles/", views.label_add, name="label_add"),
    path("message/<int:pk>/libelles/<int:label_pk>/retirer/", views.label_remove, name="label_remove"),
    path("acces/", views.grants, name="grants"),
    path("acces/<int:membership_pk>/", views.grant_edit, name="grant_edit"),
    path("document/<int:pk>/reponses/", views.document_replies, name="document_replies"),
    path("dossier/<int:dossier_pk>/reponses/", views.dossier_replies, name="dossier_replies"),
]
