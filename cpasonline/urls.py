from django.conf import settings
from django.urls import path

from .views import office, public

app_name = "cpasonline"

urlpatterns = [
    path("", public.request_form, name="form"),
    path("connexion-federale/", public.federal_sign_in, name="federal_sign_in"),
    path("connexion-federale/retour/", public.federal_callback, name="federal_callback"),
    path("deconnexion/", public.sign_out, name="sign_out"),
    path("demande-envoyee/", public.filed, name="filed"),
    path("demandes/", office.request_list, name="list"),
    path("demandes/<int:pk>/", office.request_detail, name="detail"),
    path("demandes/<int:pk>/lu/", office.mark_read, name="mark_read"),
    path("demandes/<int:pk>/decision/", office.record_decision, name="record_decision"),
    path("demandes/<int:pk>/notification/", office.record_notification, name="record_notification"),
    path("demandes/<int:pk>/imprimer/", office.print_pdf, name="print"),
    path("demandes/<int:pk>/accuse/", office.acknowledgement, name="acknowledgement"),
    path("demandes/<int:pk>/creer-dossier/", office.create_dossier, name="create_dossier"),
    path("demandes/<int:pk>/dossier/<int:dossier_pk>/", office.link_dossier, name="link_dossier"),
    path("dossier/<int:dossier_pk>/section/", office.dossier_section, name="dossier_section"),
]

# The simulated federal sign-in reads the simulated register: it exists only while the simulators are on.
if settings.SIMULATORS_ENABLED:
    urlpatterns += [path("connexion-simulee/", public.simulated_sign_in, name="simulated_sign_in")]
