"""HTTP for tests: a requests adapter that hands each request to the Django app in this process.

The production clients (zeep for the BCSS, requests for the eBox) then talk real HTTP messages — method,
URL, headers, body — to the real simulator views, without a socket. Tests that need the network itself
to fail swap in `FailingAdapter`.
"""

from http.client import RemoteDisconnected
from io import BytesIO
from urllib.parse import urlsplit

import requests
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ProtocolError


class DjangoAppAdapter(BaseAdapter):
    def __init__(self):
        super().__init__()
        self.client = Client()
        self.calls: list[requests.PreparedRequest] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        self.calls.append(request)
        url = urlsplit(request.url)
        headers = {
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in request.headers.items()
            if name.lower() not in {"content-type", "content-length"}
        }
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        from simulators.ebox.faults import ConnectionDropped

        try:
            django_response = self.client.generic(
                request.method,
                url.path + (f"?{url.query}" if url.query else ""),
                data=body,
                content_type=request.headers.get("Content-Type", "application/octet-stream"),
                SERVER_NAME=url.hostname or "testserver",
                SERVER_PORT=str(url.port or 80),
                **headers,
            )
        except ConnectionDropped as exc:
            # What requests raises when a server closes the socket after reading the request.
            raise requests.ConnectionError(
                ProtocolError("Connection aborted.", RemoteDisconnected(str(exc))), request=request
            ) from exc
        response = requests.Response()
        response.status_code = django_response.status_code
        response.headers = CaseInsensitiveDict(dict(django_response.items()))
        response.raw = BytesIO(django_response.content)
        response._content = django_response.content
        response.url = request.url
        response.request = request
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self):
        pass


class FailingAdapter(BaseAdapter):
    """Every request fails the way a network does: `error` is raised, or `status`/`body` returned."""

    def __init__(self, error: Exception | None = None, status: int = 200, body: bytes = b""):
        super().__init__()
        self.error, self.status, self.body = error, status, body

    def send(self, request, **kwargs):
        if self.error is not None:
            raise self.error
        response = requests.Response()
        response.status_code = self.status
        response.headers = CaseInsensitiveDict({"Content-Type": "text/xml; charset=utf-8"})
        response._content = self.body
        response.raw = BytesIO(self.body)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


EBOX_TEST_HOST = "http://ebox.test/"


def route_ebox(monkeypatch, settings, adapter) -> None:
    """Points the eBox settings at a test host and routes the eBox client's HTTP there, to `adapter`."""
    from django.core.cache import cache

    from ebox import client

    settings.EBOX_API_URL = f"{EBOX_TEST_HOST}simulators/ebox/api/publication/v2.1"
    settings.EBOX_CONSULT_URL = f"{EBOX_TEST_HOST}simulators/ebox/api/consultation/v2.1"
    settings.EBOX_TOKEN_URL = f"{EBOX_TEST_HOST}simulators/ebox/oauth2/token"
    settings.EBOX_FEDERATION_URL = f"{EBOX_TEST_HOST}simulators/ebox/api/federation/v1"
    from tests.ebox_onboarding import use_platform_key

    use_platform_key(settings)

    def session():
        http = requests.Session()
        http.mount(EBOX_TEST_HOST, adapter)
        return http

    monkeypatch.setattr(client, "build_session", session)
    # A token cached by an earlier test belongs to another adapter's world.
    cache.clear()


BCSS_TEST_HOST = "http://bcss.test/"


MUTATIONS_TEST_URL = f"{BCSS_TEST_HOST}simulators/bcss/mutations/MutationPullPort"


def sessions_to(adapter, host: str = BCSS_TEST_HOST):
    """A `build_session` for a client: each session it builds sends `host`'s requests to `adapter`."""

    def session():
        http = requests.Session()
        http.mount(host, adapter)
        return http

    return session


def route_bcss(monkeypatch, adapter) -> None:
    """Routes the BCSS client's HTTP for the test host to `adapter` and forgets the cached client."""
    from dossiers import bcss

    monkeypatch.setattr(bcss, "build_session", sessions_to(adapter))
    bcss.reset_client()
