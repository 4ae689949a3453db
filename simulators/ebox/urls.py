from django.urls import path

from . import api, citizen, consultation, enterprise, federation, oauth

app_name = "ebox_simulator"

API = "api/publication/v2.1/"
CONSULTATION = "api/consultation/v2.1/"
FEDERATION = "api/federation/v1/"

urlpatterns = [
    path("oauth2/token", oauth.token, name="token"),
    path(f"{API}publishMessage", api.publish_message, name="publish_message"),
    path(f"{API}searchMessageStatus", api.search_message_status, name="search_message_status"),
    path(f"{API}openapi.json", api.openapi_document, name="openapi"),
    path(f"{FEDERATION}eboxPreferences/search", federation.preferences_search, name="federation_preferences"),
    path(f"{CONSULTATION}ebox/messages", consultation.messages_list, name="consultation_messages"),
    path(
        f"{CONSULTATION}ebox/messages/<str:message_id>",
        consultation.message_detail,
        name="consultation_message",
    ),
    path(
        f"{CONSULTATION}ebox/messages/<str:message_id>/body",
        consultation.message_body,
        name="consultation_message_body",
    ),
    path(f"{CONSULTATION}openapi.json", api.openapi_document, name="consultation_openapi"),
    path("entreprise/deposer/", enterprise.drop, name="enterprise_drop"),
    path("citoyen/", citizen.sign_in, name="sign_in"),
    path("citoyen/deconnexion/", citizen.sign_out, name="sign_out"),
    path("citoyen/activer/", citizen.activate, name="activate"),
    path("citoyen/boite/", citizen.inbox, name="inbox"),
    path("citoyen/desactiver/", citizen.deactivate, name="deactivate"),
    path("citoyen/messages/<str:message_id>/", citizen.message_detail, name="message"),
    path("citoyen/messages/<str:message_id>/repondre/", citizen.reply, name="reply"),
    path("citoyen/messages/<str:message_id>/pieces/<int:pk>/", citizen.attachment, name="attachment"),
]
