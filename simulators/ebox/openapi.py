"""The simulator's own OpenAPI 3 document: the part of eBox REST 2.1 it implements, plus its additions
(the Idempotency-Key of API v3, the 409, and the injected 429/500/503)."""

from . import consultation, message_types, oauth
from .validation import MEDIA_TYPES

REF = "#/components/schemas/"


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF + "StatusMessage"}}},
    }


TRANSLATED = {
    "type": "object",
    "description": "Exactly one language per publication, else 400 NOT_IMPLEMENTED.",
    "properties": {language: {"type": "string"} for language in ("nl", "fr", "de")},
}
EBOX_ID = {
    "type": "object",
    "required": ["eboxType", "eboxIdValue"],
    "properties": {
        "eboxType": {
            "type": "string",
            "enum": ["citizen", "enterprise"],
            "description": "Only citizen is simulated.",
        },
        "eboxIdValue": {"type": "string", "description": "The citizen's NISS (national or bis number)."},
    },
}
SCHEMAS = {
    "TranslatedString": TRANSLATED,
    "EboxId": EBOX_ID,
    "Digest": {
        "type": "object",
        "required": ["digestMethod", "digestValue"],
        "properties": {
            "digestMethod": {"type": "string", "enum": ["sha_256"]},
            "digestValue": {
                "type": "string",
                "description": "base64url (RFC 4648 §5) of the part's SHA-256.",
            },
        },
    },
    "AttachmentToPublish": {
        "type": "object",
        "required": ["httpPartName", "mainContent"],
        "properties": {
            "httpPartName": {"type": "string", "enum": [f"upfile{n}" for n in range(1, 7)]},
            "mainContent": {"type": "boolean"},
            "digest": {"$ref": REF + "Digest"},
            "attachmentSigned": {"type": "boolean", "default": False},
        },
    },
    "MessageToPublish": {
        "type": "object",
        "required": ["recipient", "subject", "bodyMainContent", "replyAuthorized", "senderOrganizationId"],
        "properties": {
            "recipient": {"$ref": REF + "EboxId"},
            "subject": {
                "allOf": [{"$ref": REF + "TranslatedString"}],
                "description": "At most 400 characters.",
            },
            "messageTypeId": {
                "type": "string",
                "description": "Known types: "
                + ", ".join(
                    f"{t.id} ({t.validity_months} months)" for t in message_types.MESSAGE_TYPES.values()
                )
                + f"; any other: {message_types.DEFAULT_VALIDITY_MONTHS} months.",
            },
            "senderOrganizationId": {
                "type": "string",
                "pattern": "^[0-1][0-9]{9}$",
                "description": "A valid BCE number, required by the simulator (else 400 INVALID_SENDER).",
            },
            "senderApplicationId": {"type": "string"},
            "bodyMainContent": {"type": "boolean"},
            "bodyContent": {"$ref": REF + "TranslatedString"},
            "attachments": {"type": "array", "maxItems": 6, "items": {"$ref": REF + "AttachmentToPublish"}},
            "replyAuthorized": {"type": "boolean"},
            "expirationDate": {
                "type": "string",
                "format": "date-time",
                "description": "Ignored, as by the service.",
            },
        },
    },
    "PublicationStatusMessage": {
        "type": "object",
        "required": ["messageId", "expirationDate"],
        "properties": {
            "messageId": {"type": "string"},
            "expirationDate": {"type": "string", "format": "date-time"},
            "code": {
                "type": "string",
                "description": "OK, or NO_DIGITAL_USER: the recipient never activated (or deactivated) their "
                "eBox; the message is stored but delivered to no inbox.",
            },
            "message": {"type": "string"},
        },
    },
    "StatusMessage": {
        "type": "object",
        "required": ["id", "code", "message"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "code": {
                "type": "string",
                "description": "INVALID_INPUT, INVALID_SENDER, DIGEST_DO_NOT_MATCH, NOT_IMPLEMENTED, "
                "UNAUTHORIZED, FORBIDDEN, DUPLICATE, INTERNAL_ERROR, SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS",
            },
            "message": {"type": "string"},
            "contact": {"type": "string"},
            "environment": {"type": "string", "enum": ["simulation"]},
            "messageId": {
                "type": "string",
                "description": "Only on 409 DUPLICATE: the original message's id.",
            },
            "expirationDate": {
                "type": "string",
                "format": "date-time",
                "description": "Only on 409 DUPLICATE.",
            },
        },
    },
    "MessageIdEboxId": {
        "type": "object",
        "required": ["messageId"],
        "properties": {
            "messageId": {"type": "string"},
            "eboxId": {
                "oneOf": [{"$ref": REF + "EboxId"}, {"type": "string"}],
                "description": "Echoed back; a recipient other than the message's makes it unknown.",
            },
        },
    },
    "MessageStatus": {
        "type": "object",
        "required": ["messageId", "eboxId", "readStatus"],
        "properties": {
            "messageId": {"type": "string"},
            "eboxId": {"oneOf": [{"$ref": REF + "EboxId"}, {"type": "string"}]},
            "readStatus": {
                "type": "boolean",
                "description": "True once the citizen opened the main content.",
            },
            "expirationDate": {"type": "string", "format": "date-time"},
            "visible": {"type": "boolean", "description": "False once expired, or when never delivered."},
        },
    },
}
SCHEMAS.update(
    {
        "Message": {
            "type": "object",
            "description": "A message of an enterprise e-Box. Its body is fetched from .../body.",
            "required": [
                "messageId",
                "subject",
                "receiptDate",
                "expirationDate",
                "readStatus",
                "messageTypeId",
                "senderOrganizationId",
                "bodyMainContent",
                "replyAuthorized",
            ],
            "properties": {
                "messageId": {"type": "string"},
                "originalMessageId": {
                    "type": "string",
                    "nullable": True,
                    "description": "For a citizen's reply (messageTypeId "
                    + message_types.CITIZEN_REPLY
                    + "): the messageId of the published message it answers; null otherwise.",
                },
                "subject": {
                    "allOf": [{"$ref": REF + "TranslatedString"}],
                    "description": "One key, the message's language. A reply: « Réponse : <original "
                    "subject> » in the original's language.",
                },
                "receiptDate": {"type": "string", "format": "date-time"},
                "expirationDate": {"type": "string", "format": "date-time"},
                "readStatus": {"type": "boolean", "description": "True once the body was fetched."},
                "visible": {"type": "boolean", "description": "False once expired."},
                "registeredMail": {"type": "boolean", "enum": [False]},
                "messageTypeId": {
                    "type": "string",
                    "description": "One of "
                    + ", ".join(message_types.ENTERPRISE_MESSAGE_TYPES)
                    + " (a tester may drop other ids).",
                },
                "senderOrganizationId": {
                    "type": "string",
                    "description": "The sending institution's BCE number; empty for a citizen's reply.",
                },
                "senderApplicationId": {"type": "string"},
                "senderCitizenId": {
                    "type": "string",
                    "nullable": True,
                    "description": "Simulator addition: the replying citizen's NISS; null for institutions.",
                },
                "attachments": {"type": "array", "maxItems": 0, "items": {"type": "object"}},
                "bodyMainContent": {"type": "boolean", "enum": [True]},
                "replyAuthorized": {"type": "boolean", "enum": [False]},
            },
        },
        "Messages": {
            "type": "object",
            "required": ["items", "page", "pageSize", "total"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": REF + "Message"}},
                "page": {"type": "integer"},
                "pageSize": {"type": "integer"},
                "total": {"type": "integer", "description": "Messages matching the filters, all pages."},
                "totalItems": {"type": "integer", "description": "Same as total (the spec's name)."},
            },
        },
        "MessageBody": {
            "type": "object",
            "required": ["content", "mediaType"],
            "properties": {
                "content": {"type": "string"},
                "mediaType": {"type": "string", "enum": ["text/plain"]},
            },
        },
    }
)
FAULTS = {
    "429": {
        **_error("Injected throttling; retry after the Retry-After header (seconds). Nothing was stored."),
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    },
    "500": _error("Injected internal error; nothing was stored."),
    "503": _error(
        "Injected unavailability. Usually nothing was stored; with the fail_after_store fault the message "
        "WAS stored: retry with the same Idempotency-Key to get a 409 carrying its messageId."
    ),
}
BEARER = [{"bearer": []}]
CONSULTATION = "/api/consultation/v2.1/ebox/messages"
READ_FAULTS = {
    "429": {
        **_error("Injected throttling; retry after the Retry-After header (seconds)."),
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    },
    "500": _error("Injected internal error; nothing was changed."),
    "503": _error("Injected unavailability; nothing was changed."),
}


def _query(name: str, description: str, schema: dict | None = None, required: bool = False) -> dict:
    return {
        "in": "query",
        "name": name,
        "required": required,
        "schema": schema or {"type": "string"},
        "description": description,
    }


BOX_PARAMETERS = [
    _query(
        "eboxType",
        "Only enterprise is simulated (else 400 NOT_IMPLEMENTED).",
        {"type": "string", "enum": ["enterprise"]},
    ),
    _query(
        "eboxIdValue",
        "The centre's BCE number (10 digits); invalid → 400 INVALID_INPUT. The box is created when first "
        "addressed; any token may read any box.",
        required=True,
    ),
]
MESSAGE_ID = {"in": "path", "name": "messageId", "required": True, "schema": {"type": "string"}}


def _consultation_paths() -> dict:
    common = {"400": _error("INVALID_INPUT or NOT_IMPLEMENTED"), "401": _error("UNAUTHORIZED"), **READ_FAULTS}
    missing = _error("NOT_FOUND: no such message in this e-Box")
    return {
        CONSULTATION: {
            "get": {
                "summary": "A page of the enterprise e-Box's messages, by receiptDate then messageId.",
                "security": BEARER,
                "parameters": [
                    *BOX_PARAMETERS,
                    _query("page", "From 1.", {"type": "integer", "minimum": 1, "default": 1}),
                    _query(
                        "pageSize",
                        "Items per page.",
                        {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": consultation.MAX_PAGE_SIZE,
                            "default": consultation.DEFAULT_PAGE_SIZE,
                        },
                    ),
                    _query(
                        "receivedAfter",
                        "ISO 8601 date or date-time (naive = Brussels time); INCLUSIVE (receiptDate ≥).",
                    ),
                    _query("receivedBefore", "ISO 8601 date or date-time; exclusive (receiptDate <)."),
                    _query("readStatus", "true or false.", {"type": "boolean"}),
                    _query("visible", "true or false.", {"type": "boolean"}),
                    _query("messageTypeId", "Exact match."),
                    _query("senderOrganizationId", "Exact match."),
                    _query("senderApplicationId", "Exact match."),
                ],
                "responses": {
                    "200": {
                        "description": "The page.",
                        "content": {"application/json": {"schema": {"$ref": REF + "Messages"}}},
                    },
                    **common,
                },
            }
        },
        CONSULTATION + "/{messageId}": {
            "get": {
                "summary": "One message of the e-Box (does not mark it read).",
                "security": BEARER,
                "parameters": [MESSAGE_ID, *BOX_PARAMETERS],
                "responses": {
                    "200": {
                        "description": "The message.",
                        "content": {"application/json": {"schema": {"$ref": REF + "Message"}}},
                    },
                    "404": missing,
                    **common,
                },
            }
        },
        CONSULTATION + "/{messageId}/body": {
            "get": {
                "summary": "The message's body, its main content: fetching it marks the message read.",
                "security": BEARER,
                "parameters": [MESSAGE_ID, *BOX_PARAMETERS],
                "responses": {
                    "200": {
                        "description": "The body (plain text).",
                        "content": {"application/json": {"schema": {"$ref": REF + "MessageBody"}}},
                    },
                    "404": missing,
                    **common,
                },
            }
        },
    }


def document(server: str) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Simulateur eBox — API de publication et de consultation (eBox REST 2.1, sous-ensemble)",
            "version": "2.1-simulator",
            "description": "Publish to citizens' eBoxes and follow read status; consult a centre's "
            "enterprise e-Box (citizens' replies, institutions' messages). A dropped-connection fault "
            "closes the TCP connection without any HTTP answer (the client sees a connection error); "
            "nothing is stored in that case.",
        },
        "servers": [{"url": server}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "oauth2": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "oauth2/token",
                            "scopes": {
                                oauth.DEFAULT_SCOPE: "publish (also accepted by the consultation API)",
                                "scope:document:management:consult": "consult enterprise e-Boxes",
                            },
                        }
                    },
                },
            },
        },
        "paths": {
            "/oauth2/token": {
                "post": {
                    "summary": "Client credentials token: grant_type, client_id, client_secret, scope",
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["grant_type", "client_id", "client_secret", "scope"],
                                    "properties": {
                                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                                        "client_id": {"type": "string"},
                                        "client_secret": {"type": "string"},
                                        "scope": {
                                            "type": "string",
                                            "description": "Must end in publicationsender or consult.",
                                        },
                                    },
                                }
                            }
                        }
                    },
                    "responses": {
                        "200": {"description": "access_token, token_type Bearer, expires_in, scope"},
                        "400": {"description": "unsupported_grant_type or invalid_scope"},
                        "401": {"description": '{"error": "invalid_client"}'},
                    },
                }
            },
            "/api/publication/v2.1/publishMessage": {
                "post": {
                    "summary": "Publish a message: part messageToPublish (JSON) and files upfile1..upfile6.",
                    "security": BEARER,
                    "parameters": [
                        {
                            "in": "header",
                            "name": "Idempotency-Key",
                            "required": False,
                            "schema": {"type": "string", "maxLength": 255},
                            "description": "Reusing a key of the same client gives 409 DUPLICATE, creates "
                            "nothing, and returns the original messageId (to recover after a crash).",
                        }
                    ],
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["messageToPublish"],
                                    "properties": {
                                        "messageToPublish": {"$ref": REF + "MessageToPublish"},
                                        **{
                                            f"upfile{n}": {"type": "string", "format": "binary"}
                                            for n in range(1, 7)
                                        },
                                    },
                                },
                                "encoding": {"messageToPublish": {"contentType": "application/json"}},
                            }
                        },
                        "description": "Accepted media types: " + ", ".join(sorted(MEDIA_TYPES)),
                    },
                    "responses": {
                        "201": {
                            "description": "Published (code OK) or not delivered (code NO_DIGITAL_USER).",
                            "content": {
                                "application/json": {"schema": {"$ref": REF + "PublicationStatusMessage"}}
                            },
                        },
                        "400": _error(
                            "INVALID_INPUT, INVALID_SENDER, DIGEST_DO_NOT_MATCH or NOT_IMPLEMENTED"
                        ),
                        "401": _error("Missing, unknown or expired token (UNAUTHORIZED)"),
                        "409": _error("DUPLICATE: Idempotency-Key already used; body has messageId"),
                        **FAULTS,
                    },
                }
            },
            "/api/publication/v2.1/searchMessageStatus": {
                "post": {
                    "summary": "Read status of the caller's messages; unknown ids are left out.",
                    "security": BEARER,
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": REF + "MessageIdEboxId"}}
                            }
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "Statuses (the real service documents 201; this one answers 200).",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": REF + "MessageStatus"}}
                                }
                            },
                        },
                        "400": _error("INVALID_INPUT"),
                        "401": _error("UNAUTHORIZED"),
                        **FAULTS,
                    },
                }
            },
            **_consultation_paths(),
        },
    }
