from django.urls import path

from . import office, public

app_name = "cpasonline"

urlpatterns = [
    path("", public.request_form, name="form"),
    path("connexion/", public.sign_in, name="sign_in"),
    path("deconnexion/", public.sign_out, name="sign_out"),
    path("demande-envoyee/", public.filed, name="filed"),
    path("demandes/", office.request_list, name="list"),
    path("demandes/<int:pk>/", office.request_detail, name="detail"),
    path("demandes/<int:pk>/lu/", office.mark_read, name="mark_read"),
    path("demandes/<int:pk>/imprimer/", office.print_pdf, name="print"),
    path("demandes/<int:pk>/accuse/", office.acknowledgement, name="acknowledgement"),
    path("demandes/<int:pk>/creer-dossier/", office.create_dossier, name="create_dossier"),
    path("demandes/<int:pk>/dossier/<int:dossier_pk>/", office.link_dossier, name="link_dossier"),
    path("dossier/<int:dossier_pk>/section/", office.dossier_section, name="dossier_section"),
]
