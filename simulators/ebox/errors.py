"""The eBox error body (`StatusMessage`) and the exception the publisher API raises to send one."""

import uuid

from django.http import JsonResponse

ENVIRONMENT = "simulation"
CONTACT = "eBoxIntegration@smals.be (simulateur Primaweb)"

INVALID_INPUT = "INVALID_INPUT"
INVALID_SENDER = "INVALID_SENDER"
DIGEST_DO_NOT_MATCH = "DIGEST_DO_NOT_MATCH"
NOT_IMPLEMENTED = "NOT_IMPLEMENTED"
UNAUTHORIZED = "UNAUTHORIZED"
FORBIDDEN = "FORBIDDEN"
DUPLICATE = "DUPLICATE"
NOT_FOUND = "NOT_FOUND"


class ApiError(Exception):
    """An answer other than success; `extra` keys are added to the StatusMessage body."""

    def __init__(self, status: int, code: str, message: str, *, headers=None, **extra):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
        self.extra = extra


def invalid(message: str) -> ApiError:
    return ApiError(400, INVALID_INPUT, message)


def status_message(code: str, message: str, *, environment: str = ENVIRONMENT, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "code": code,
        "message": message,
        "contact": CONTACT,
        "environment": environment,
        **extra,
    }


def error_response(error: ApiError, *, environment: str = ENVIRONMENT) -> JsonResponse:
    """The StatusMessage; `environment` as the API's document spells it (the federation's is upper case)."""
    body = status_message(error.code, error.message, environment=environment, **error.extra)
    response = JsonResponse(body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response
