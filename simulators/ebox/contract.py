"""The contracts the simulator's APIs keep: the project's OpenAPI documents `ebox-rest-2.1.yaml` (the
official eBox REST 2.1, restated) and `ebox-federation-1.3.yaml` (the official federation API 1.3, the
operation Primaweb calls), each served as is and enforced with openapi-core on every request and every
response of its API.

A request a document refuses is answered 400 with the official StatusMessage, as the real service
does. A response a document refuses is a bug of the simulator: under tests (or with DEBUG, or the
setting `EBOX_SIMULATOR_STRICT_CONTRACT`) it raises `ContractViolation`; in production it is logged and
the answer still goes out, since a client must never get a 500 for the simulator's own slip.
"""

import functools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import OperationNotFound, PathError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from . import errors

logger = logging.getLogger(__name__)

# The host openapi-core matches requests against; paths are given relative to the API root.
_HOST = "http://ebox.simulator"
# Answers that come from in front of the API (the gateway's scope check, injected faults) or from the
# v3 Idempotency-Key the simulator also speaks; the documents do not list them, so they are not held to
# them.
OUTSIDE_THE_DOCUMENT = frozenset({403, 409, 429, 500, 503})


class ContractViolation(AssertionError):
    """The simulator answered something its own OpenAPI document does not allow."""


@dataclass
class _Request:
    """What openapi-core reads of a request (its `Request` protocol)."""

    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters
    host_url: str = _HOST

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path


@dataclass
class _Response:
    data: bytes
    status_code: int
    content_type: str
    headers: Headers


def _query(request: HttpRequest) -> ImmutableMultiDict:
    return ImmutableMultiDict([(key, value) for key, values in request.GET.lists() for value in values])


def _openapi_request(request: HttpRequest, path: str, body: bytes | None) -> _Request:
    content_type = request.META.get("CONTENT_TYPE", "")
    headers = Headers(dict(request.headers.items()))
    return _Request(
        path=path,
        method=request.method.lower(),
        body=body if body else None,
        content_type=content_type,
        parameters=RequestParameters(query=_query(request), header=headers, cookie=ImmutableMultiDict()),
    )


def _schema_error_text(item) -> str:
    # The FAQ quotes the service's own wording for a missing key; other errors name where they are.
    if getattr(item, "validator", "") == "required":
        found = re.search(r"'([^']*)' is a required property", getattr(item, "message", ""))
        if found:
            return f"required key [{found.group(1)}] not found"
    where = ".".join(str(part) for part in getattr(item, "absolute_path", []) or [])
    text = getattr(item, "message", str(item))
    return f"{where}: {text}" if where else text


def _explain(error: Exception) -> str:
    """The openapi-core error in one line: the schema errors that caused it when there are any."""
    cause, name = error, ""
    while cause is not None:
        name = name or getattr(cause, "name", "")
        inner = getattr(cause, "schema_errors", None)
        if inner:
            texts = [_schema_error_text(item) for item in list(inner)[:3]]
            prefix = f"parameter {name}: " if name else ""
            return (prefix + "; ".join(texts))[:500]
        cause = cause.__cause__
    try:
        return str(error)[:500]
    except Exception:  # openapi-core's own messages choke on a body that is not UTF-8
        return f"{error.__class__.__name__} (the body could not be read)"


def _forbidden_character(value) -> bool:
    """NUL and lone surrogates: valid JSON and URL text, but no store (nor the real service) takes them."""
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_forbidden_character(key) or _forbidden_character(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_forbidden_character(item) for item in value)
    return False


class Contract:
    """One OpenAPI document of the simulator and the checks it holds its API to. `environment` is how
    that document spells the StatusMessage's environment (the two official documents differ)."""

    def __init__(self, file_name: str, *, environment: str):
        self.path = Path(__file__).with_name(file_name)
        self.environment = environment

    @functools.cached_property
    def document(self) -> dict:
        with self.path.open(encoding="utf-8") as source:
            return yaml.safe_load(source)

    @functools.cached_property
    def _openapi(self) -> OpenAPI:
        return OpenAPI.from_dict({**self.document, "servers": [{"url": _HOST}]})

    def request_check(self, request: HttpRequest, path: str, body: bytes | None = None) -> None:
        """Raises the ApiError the real service would answer for a request its contract refuses."""
        try:
            result = self._openapi.unmarshal_request(_openapi_request(request, path, body))
        except Exception as error:  # a body its parsers choke on is the sender's error, never a 500
            raise errors.invalid(f"Invalid Schema: {error.__class__.__name__}") from error
        if any(isinstance(error, OperationNotFound) for error in result.errors):
            raise errors.ApiError(405, errors.INVALID_INPUT, f"Method {request.method} not allowed")
        if any(isinstance(error, PathError) for error in result.errors):
            raise errors.ApiError(404, errors.NOT_FOUND, "Resource not found")
        if result.errors:
            raise errors.invalid(f"Invalid Schema: {_explain(result.errors[0])}")
        values = [result.body, *(getattr(result.parameters, "query", {}) or {}).values()]
        values += list((getattr(result.parameters, "path", {}) or {}).values())
        if _forbidden_character(values) or _forbidden_character(path):
            raise errors.invalid("Invalid Schema: a value contains a character that is not allowed")

    def _documented(self, request: HttpRequest, path: str) -> bool:
        errors_found = self._openapi.unmarshal_request(_openapi_request(request, path, None)).errors
        return not any(isinstance(error, PathError) for error in errors_found)

    def response_check(
        self, request: HttpRequest, path: str, body: bytes | None, response: HttpResponse
    ) -> None:
        """Holds an answer to the document; see the module's docstring for what a mismatch does."""
        if response.status_code in OUTSIDE_THE_DOCUMENT:
            return
        if response.status_code in (404, 405) and not self._documented(request, path):
            return  # no operation to hold it to: the answer is the official StatusMessage all the same
        problem = ""
        try:
            self._openapi.validate_response(
                _openapi_request(request, path, body),
                _Response(
                    data=response.content,
                    status_code=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    headers=Headers(dict(response.items())),
                ),
            )
        except Exception as error:  # any refusal by the validator is the finding itself
            problem = _explain(error)
        if not problem:
            return
        logger.error(
            "eBox simulator answered outside its contract (%s): %s %s -> %s",
            self.path.name,
            request.method,
            path,
            problem,
        )
        if _strict():
            raise ContractViolation(f"{request.method} {path} -> {response.status_code}: {problem}")

    def served(self, server_url: str) -> dict:
        """The document as served under one API root, with that root as its server."""
        return {**self.document, "servers": [{"url": server_url}]}

    def json_text(self, server_url: str) -> str:
        return json.dumps(self.served(server_url), ensure_ascii=False, indent=2)


def _strict() -> bool:
    return bool(getattr(settings, "EBOX_SIMULATOR_STRICT_CONTRACT", settings.DEBUG))


REST = Contract("ebox-rest-2.1.yaml", environment=errors.ENVIRONMENT)
FEDERATION = Contract("ebox-federation-1.3.yaml", environment=errors.ENVIRONMENT.upper())
