"""Content-Security-Policy and Permissions-Policy: injected markup can neither run script nor frame us.

Every page carries the site's policy, and no template holds the inline script, handler or style the
policy would refuse, so that the walks in tests/e2e (which fail on any violation) stay green.
"""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from primaweb.headers import SecurityHeadersMiddleware
from tests.factories import document_in

ROOT = Path(__file__).resolve().parent.parent


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_strict_policy(response, *, frame_ancestors: str = "'none'") -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == [frame_ancestors]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.mark.django_db
def test_every_kind_of_page_carries_the_policy(worker_client, centre_admin_client):
    anonymous = Client()
    pages = [
        (anonymous, reverse("login")),
        (anonymous, reverse("cpasonline:form")),
        (anonymous, "/page-qui-n-existe-pas/"),
        (anonymous, reverse("ebox_simulator:sign_in")),
        (worker_client, reverse("primaweb:home")),
        (worker_client, reverse("dossiers:list")),
        (centre_admin_client, reverse("admin:index")),
        (centre_admin_client, reverse("admin:primaweb_membership_add")),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), url
        assert response.status_code in (200, 404), (url, response.status_code)
        assert_strict_policy(response)


@pytest.mark.django_db
def test_a_document_pdf_keeps_its_stricter_policy_and_may_be_framed_by_our_pages(worker_client, centre):
    document = document_in(centre)
    response = worker_client.get(reverse("documents:pdf", args=[document.pk]))
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert "camera=()" in response["Permissions-Policy"]


def test_a_response_that_allows_same_origin_frames_gets_frame_ancestors_self():
    def framed_view(request):
        response = HttpResponse("<p>framed</p>")
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    response = SecurityHeadersMiddleware(framed_view)(RequestFactory().get("/"))
    assert_strict_policy(response, frame_ancestors="'self'")


def template_files():
    folders = [ROOT / "templates", *ROOT.glob("*/*/templates"), *ROOT.glob("*/templates")]
    files = sorted({path for folder in folders for path in folder.rglob("*.html")})
    assert len(files) > 40  # the scan really reads the project's templates
    return files


# Rendered to PDF by WeasyPrint on the server, never served to a browser as a page.
PDF_ONLY_TEMPLATES = {"cpasonline/_pdf_style.html"}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)


def test_no_template_holds_inline_script_handlers_or_style():
    offences = []
    for path in template_files():
        text = path.read_text()
        name = path.as_posix().split("/templates/", 1)[1]
        for label, pattern in [
            ("inline <script>", INLINE_SCRIPT),
            ("on…= handler", EVENT_HANDLER),
            ("javascript: URL", JAVASCRIPT_URL),
            ("inline style", INLINE_STYLE),
        ]:
            if label == "inline style" and name in PDF_ONLY_TEMPLATES:
                continue
            offences += [f"{name}: {label}: {match.group(0)!r}" for match in pattern.finditer(text)]
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<script type='module'>x()</script>",
        '<button onclick="go()">',
        "<a href='#'\n   onmouseover=go()>",
        '<a href="javascript:go()">',
        '<form style="display:inline">',
        "<style>body{}</style>",
    ],
)
def test_the_template_scan_catches_each_kind_of_inline_code(markup):
    assert any(p.search(markup) for p in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL, INLINE_STYLE))


def test_the_template_scan_lets_script_files_and_data_attributes_through():
    for markup in ['<script src="/static/js/primaweb.js" defer></script>', '<form data-confirm="Sûr ?">']:
        assert not any(p.search(markup) for p in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL, INLINE_STYLE))
