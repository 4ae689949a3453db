"""A GET changes nothing: any site can make a signed-in browser GET any URL (a link, an image).

Every URL of the project is opened as a signed-in administrator, on objects of their own centre, with
every query-string flag the views read; the only writes allowed are the traces of the consultation
itself (the audit trail, a document's « consulté »/« sauvegardé » history line) and the session.
Changes of state (« Imprimer », reading an e-Box message, linking, sending...) go through a POST.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from documents.models import DocumentEvent
from tests.conftest import sign_in
from tests.factories import CentreFactory, MembershipFactory
from tests.tenancy import SWEEP_EXCLUDED_NAMESPACES, TENANT_OBJECTS

APPS = ("primaweb", "dossiers", "documents", "ebox", "centrebox", "cpasonline", "letters")
# Flags a cross-site link would try even if no view reads them today.
COMMON_FLAGS = {"imprimer", "print", "read", "lu", "marquer", "confirm", "action", "envoyer", "send"}
# Tables a consultation may write to: its trace, and the session and sign-in bookkeeping.
TRACE_TABLES = {"primaweb_auditevent", "documents_documentevent"}
BOOKKEEPING = re.compile(r"^(django_session|axes_\w+)$")
CONSULTATION_KINDS = {DocumentEvent.Kind.VIEWED, DocumentEvent.Kind.DOWNLOADED}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _flags_read_by_views() -> set[str]:
    """Every query-string name the project's code reads, so a new flag is walked without a new line."""
    names = set(COMMON_FLAGS)
    pattern = re.compile(r"""request\.GET(?:\.get\(|\[)\s*["'](\w+)["']""")
    for app in APPS:
        for source in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            names.update(pattern.findall(source.read_text()))
    return names


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SWEEP_EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}".strip(":")


URL_NAMES = sorted(set(_url_names()))
FLAGS = sorted(_flags_read_by_views())


def test_the_walk_covers_the_screens_and_the_flags():
    assert {"documents:pdf", "centrebox:message", "cpasonline:link_dossier"} <= set(URL_NAMES)
    assert {"imprimer", "retour", "next"} <= set(FLAGS)


def _writes(queries) -> list[tuple[str, str]]:
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match:
            found.append((match.group(1).split()[0].upper(), match.group(2)))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", URL_NAMES)
def test_a_get_writes_nothing_but_the_trace_of_the_consultation(client, url_name):
    own = CentreFactory()
    sign_in(client, MembershipFactory(centre=own, role="administrator").user, own)
    kwargs = TENANT_OBJECTS[url_name](own) if url_name in TENANT_OBJECTS else {}
    url = reverse(url_name, kwargs=kwargs)
    kinds_before = set(DocumentEvent.objects.values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
        client.get(url, dict.fromkeys(FLAGS, "1"))
        for flag in FLAGS:
            client.get(url, {flag: "1"})

    unexpected = [
        (verb, table)
        for verb, table in _writes(captured.captured_queries)
        if not BOOKKEEPING.match(table) and not (verb == "INSERT" and table in TRACE_TABLES)
    ]
    assert unexpected == [], f"GET {url} wrote {unexpected}"
    new_events = DocumentEvent.objects.exclude(pk__in=kinds_before)
    assert set(new_events.values_list("kind", flat=True)) <= CONSULTATION_KINDS, f"GET {url}"


@pytest.mark.django_db
def test_the_link_signed_by_create_dossier_links_nothing_on_a_get(client):
    """The walk above has no token: a link carrying the one « Créer un dossier » signs must not link
    either (a page of another site could make the browser GET it)."""
    from urllib.parse import parse_qs, urlsplit

    from cpasonline.models import OnlineRequest
    from tests.factories import DossierFactory, OnlineRequestFactory

    own = CentreFactory()
    sign_in(client, MembershipFactory(centre=own).user, own)
    online_request, dossier = OnlineRequestFactory(centre=own), DossierFactory(centre=own)
    start = client.get(reverse("cpasonline:create_dossier", args=[online_request.pk]))
    link = parse_qs(urlsplit(start["Location"]).query)["next"][0].replace("{dossier}", str(dossier.pk))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(link)

    assert response.status_code == 200
    writes = [
        (verb, table) for verb, table in _writes(captured.captured_queries) if not BOOKKEEPING.match(table)
    ]
    assert writes == []
    assert OnlineRequest.objects.get(pk=online_request.pk).dossier_id is None
