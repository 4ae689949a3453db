from django.urls import path

from . import contract
from .views import api, citizen, consultation, enterprise, federation, oauth

app_name = "ebox_simulator"

API = "api/publication/v2.1/"
CONSULTATION = "api/consultation/v2.1/"
FEDERATION = "api/federation/v1/"


def _api_routes(root: str, prefix: str) -> list:
    """Every operation of the API under one root: the real service serves publication and consultation
    from one base URL; the simulator keeps the two roots Primaweb's settings name, each complete."""
    extra = {"api_root": root}
    return [
        path(f"{root}publishMessage", api.publish_message, extra, name=f"{prefix}publish_message"),
        path(
            f"{root}searchMessageStatus",
            api.search_message_status,
            extra,
            name=f"{prefix}search_message_status",
        ),
        path(f"{root}ebox/messages", consultation.messages_list, extra, name=f"{prefix}messages"),
        path(
            f"{root}ebox/messages/<path:message_id>/body",
            consultation.message_body,
            extra,
            name=f"{prefix}message_body",
        ),
        path(
            f"{root}ebox/messages/<path:message_id>",
            consultation.message_detail,
            extra,
            name=f"{prefix}message",
        ),
        path(f"{root}openapi.json", api.openapi_document, extra, name=f"{prefix}openapi"),
        path(
            f"{root}openapi.yaml",
            api.openapi_document,
            {**extra, "extension": "yaml"},
            name=f"{prefix}openapi_yaml",
        ),
        # Anything else under the root gets the service's own 404, not the site's page.
        path(f"{root}<path:rest>", api.unknown_resource, extra),
    ]


def _federation_routes(root: str) -> list:
    """The federation API's one operation, held to its own document, which it serves like the REST root."""
    extra = {"api_root": root}
    document = {**extra, "document": contract.FEDERATION}
    return [
        path(
            f"{root}eboxPreferences/search",
            federation.preferences_search,
            extra,
            name="federation_preferences",
        ),
        path(f"{root}openapi.json", api.openapi_document, document, name="federation_openapi"),
        path(
            f"{root}openapi.yaml",
            api.openapi_document,
            {**document, "extension": "yaml"},
            name="federation_openapi_yaml",
        ),
        path(f"{root}<path:rest>", api.unknown_resource, document),
    ]


urlpatterns = [
    path("oauth2/token", oauth.token, name="token"),
    *_api_routes(API, "api_"),
    *_api_routes(CONSULTATION, "consultation_"),
    *_federation_routes(FEDERATION),
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
