"""Every list of the back office, page by page: the same SQL whatever the list's size or the page's
depth (no OFFSET, a count stopped at 1,001), links that walk the whole list, and indexes in each
list's order."""

import re
import uuid
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from primaweb.models import AuditEvent, Membership
from primaweb.pagination import COUNT_CAP, paginate
from tests.conftest import sign_in
from tests.factories import DocumentTypeFactory, DossierFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _documents(centre, user, count):
    from documents.models import Document

    dossier = DossierFactory(centre=centre, created_by=user)
    document_type = DocumentTypeFactory(centre=centre)
    Document.objects.bulk_create(
        Document(
            centre=centre,
            dossier=dossier,
            document_type=document_type,
            uploaded_by=user,
            original_name=f"decision-{n}.pdf",
            original_extension="pdf",
            content_type="application/pdf",
            size=1000,
            sha256=f"{n:064x}",
            status="registered",
            pages=1,
            original=f"documents/{centre.pk}/{n}/original.pdf",
            pdf=f"documents/{centre.pk}/{n}/original.pdf",
            # Ties on the sort key: the id alone tells these rows apart.
            uploaded_at=NOW - timedelta(minutes=n // 3),
        )
        for n in range(count)
    )


def _dossiers(centre, user, count):
    from dossiers.models import Dossier, Person

    persons = PersonFactory.build_batch(count, centre=centre)
    Person.objects.bulk_create(persons)
    start = Dossier.objects.for_centre(centre).count()
    Dossier.objects.bulk_create(
        Dossier(
            centre=centre,
            number=f"2026{start + n:06d}",
            beneficiary=person,
            created_by=user,
            created_at=NOW - timedelta(minutes=n // 3),
        )
        for n, person in enumerate(persons)
    )


def _audit_events(centre, user, count):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            centre=centre,
            user=user,
            username=user.username,
            action="view",
            at=NOW - timedelta(minutes=n // 3),
        )
        for n in range(count)
    )


def _online_requests(centre, user, count):
    from cpasonline.models import OnlineRequest

    OnlineRequest.objects.bulk_create(
        OnlineRequest(
            centre=centre,
            reference=f"R{uuid.uuid4().hex[:10].upper()}",
            submitted_at=NOW - timedelta(minutes=n // 3),
            received_on=NOW.date(),
            first_name="Louise",
            last_name="Delacroix",
            email="louise@example.be",
            postal_code="5000",
            commune_nis="92094",
            nature="energy",
        )
        for n in range(count)
    )


def _messages(centre, user, count):
    from centrebox.models import CentreMessage

    CentreMessage.objects.bulk_create(
        CentreMessage(
            centre=centre,
            message_id=uuid.uuid4().hex,
            message_type="SPPIS_INFORMATION" if n % 2 else "CPAS_INFORMATION",
            subject="Information",
            language="fr",
            sender="0123456749",
            received_at=NOW - timedelta(minutes=n // 3),
        )
        for n in range(count)
    )


def _publications(centre, user, count):
    from documents.models import Document
    from ebox.models import Publication

    _documents(centre, user, 1)
    document = Document.objects.for_centre(centre).first()
    Publication.objects.bulk_create(
        Publication(
            centre=centre,
            document=document,
            recipient_niss=document.dossier.beneficiary.niss,
            language="fr",
            subject="Décision",
            state="sent",
            message_id=f"message-{uuid.uuid4().hex}",
            requested_by=user,
            requested_at=NOW - timedelta(minutes=n // 3),
        )
        for n in range(count)
    )


# url name, query, rows builder, the index each list's page must be read from (PostgreSQL)
LISTS = {
    "documents": ("documents:manage", {}, _documents, "document_current_listing"),
    "dossiers": ("dossiers:list", {}, _dossiers, "dossier_centre_created"),
    "admin-logs": ("primaweb:audit_log", {}, _audit_events, "audit_centre_at_id"),
    "cpas online": ("cpasonline:list", {}, _online_requests, "cpasonline_centre_"),
    "centre e-box": ("centrebox:inbox", {}, _messages, "centremessage_centre_received"),
    "publications": ("ebox:publications", {}, _publications, "publication_centre_requested"),
}


def _client(centre, *, role=Membership.Role.ADMINISTRATOR):
    from django.test import Client

    membership = MembershipFactory(centre=centre, role=role)
    return membership.user, sign_in(Client(), membership.user, centre)


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response, [query["sql"] for query in captured.captured_queries]


PAGED_LISTS = list(LISTS)


@pytest.mark.parametrize("name", PAGED_LISTS)
def test_a_page_costs_the_same_queries_at_ten_rows_and_at_two_hundred_first_or_deep(name, centre):
    url_name, query, build, _index = LISTS[name]
    url = reverse(url_name)
    user, client = _client(centre)
    build(centre, user, 10)
    client.get(url, query)  # warm the session and caches alike
    _response, small = _queries(client, url, query)

    build(centre, user, 190)
    _response, first = _queries(client, url, query)
    response = client.get(url, query)
    for _ in range(3):  # three pages deep, through the links the page shows
        response = client.get(f"{url}?{response.context['page'].next_query}")
    deep_params = parse_qs(response.context["page"].next_query)
    _response, deep = _queries(client, url, {k: v[0] for k, v in deep_params.items()})

    assert len(first) == len(small) == len(deep), (small, first, deep)
    assert not [sql for sql in first + deep if " OFFSET " in sql]
    assert [sql for sql in deep if "SELECT COUNT(*)" in sql and f"LIMIT {COUNT_CAP + 1}" in sql]


@pytest.mark.parametrize("name", PAGED_LISTS)
def test_following_next_then_previous_walks_every_row_once_in_order(name, centre):
    url_name, query, build, _index = LISTS[name]
    url = reverse(url_name)
    user, client = _client(centre)
    build(centre, user, 120)
    # Read before the walk: each page read writes a consultation event (newer than the walk's start).
    expected = list(LIST_QUERYSETS[name](centre).values_list("pk", flat=True))
    response = client.get(url, query)
    pages = [response.context["page"]]
    while pages[-1].next_query:
        pages.append(client.get(f"{url}?{pages[-1].next_query}").context["page"])
    seen = [row.pk for page in pages for row in page]
    assert seen == expected
    assert [page.number for page in pages] == list(range(1, len(pages) + 1))

    back = pages[-1]
    for earlier in reversed(pages[:-1]):
        back = client.get(f"{url}?{back.previous_query}").context["page"]
        assert [row.pk for row in back] == [row.pk for row in earlier]
        assert back.number == earlier.number
    if name != "admin-logs":  # there, reading the pages wrote newer events: they come before
        assert not back.has_previous and not back.previous_query


def _documents_list(centre):
    from documents.selectors import documents_of_centre

    return documents_of_centre(centre=centre)


def _dossiers_list(centre):
    from dossiers.selectors import dossiers_of_centre

    return dossiers_of_centre(centre=centre)


def _audit_list(centre):
    from primaweb.selectors import audit_events

    return audit_events(centre=centre)


def _requests_list(centre):
    from cpasonline.selectors import requests_of_centre

    return requests_of_centre(centre=centre)


def _messages_list(centre):
    from centrebox.models import CentreMessage

    return CentreMessage.objects.for_centre(centre)


def _publications_list(centre):
    from ebox.selectors import publications_of

    return publications_of(centre=centre)


LIST_QUERYSETS = {
    "documents": _documents_list,
    "dossiers": _dossiers_list,
    "admin-logs": _audit_list,
    "cpas online": _requests_list,
    "centre e-box": _messages_list,
    "publications": _publications_list,
}


def test_the_count_stops_at_one_thousand_and_one_and_says_more_than_a_thousand(centre):
    user, client = _client(centre)
    _audit_events(centre, user, COUNT_CAP + 5)
    response = client.get(reverse("primaweb:audit_log"))
    page = response.context["page"]
    assert page.count == COUNT_CAP + 1 and page.count_is_capped and page.num_pages is None
    assert "Page 1 (plus de 1 000 résultats)" in response.content.decode()


def test_a_small_list_still_says_how_many_pages_it_has(centre):
    user, client = _client(centre)
    _dossiers(centre, user, 30)
    assert "Page 1 sur 2" in client.get(reverse("dossiers:list")).content.decode()


def test_a_cursor_altered_by_hand_shows_the_first_page_with_a_message(centre):
    user, client = _client(centre)
    _dossiers(centre, user, 30)
    for cursor in ("nimporte-quoi", "WzEsIngiLDFd", "W10", "WzAsbnVsbCxudWxsXQ"):
        response = client.get(reverse("dossiers:list"), {"apres": cursor})
        assert response.status_code == 200
        assert response.context["page"].number == 1
        assert "Ce lien de page n&#x27;est pas valide" in response.content.decode()


def test_the_links_keep_the_lists_own_criteria(centre):
    user, client = _client(centre)
    _dossiers(centre, user, 30)
    response = client.get(reverse("dossiers:list"), {"tri": "number", "page": "7"})
    following = parse_qs(response.context["page"].next_query)
    assert following["tri"] == ["number"] and "page" not in following and following["apres"]
    second = client.get(reverse("dossiers:list"), {k: v[0] for k, v in following.items()})
    numbers = [dossier.number for dossier in second.context["page"]]
    assert numbers == sorted(numbers) and numbers[0] > response.context["page"][24].number


def test_the_dossier_search_is_paged_too(centre):
    user, client = _client(centre)
    persons = PersonFactory.build_batch(30, centre=centre, last_name="Vandenberghe")
    from dossiers.models import Dossier, Person

    Person.objects.bulk_create(persons)
    Dossier.objects.bulk_create(
        Dossier(centre=centre, number=f"2026{n:06d}", beneficiary=p, created_by=user)
        for n, p in enumerate(persons)
    )
    first = client.get(reverse("dossiers:search"), {"name": "andenber"})
    assert len(first.context["page"]) == 25 and first.context["page"].next_query
    second = client.get(f"{reverse('dossiers:search')}?{first.context['page'].next_query}")
    assert len(second.context["page"]) == 5
    assert not {d.pk for d in first.context["page"]} & {d.pk for d in second.context["page"]}


def _plan(sql_and_params):
    sql, params = sql_and_params
    with transaction.atomic(), connection.cursor() as cursor:
        # A few rows: a sort is cheap, so the planner picks one. Priced as at scale, a sort or a scan of
        # the whole table is the last resort: what remains is what the indexes offer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's plans")
@pytest.mark.parametrize("name", PAGED_LISTS)
def test_a_deep_page_is_read_from_an_index_in_the_lists_order_without_sorting(name, centre):
    _url, _query, build, index = LISTS[name]
    user = MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR).user
    build(centre, user, 60)
    queryset = LIST_QUERYSETS[name](centre)
    parts = None
    if name == "admin-logs":
        from primaweb.selectors import audit_event_parts

        parts = audit_event_parts(centre=centre, events=queryset)
    request = RequestFactory().get("/")
    first = paginate(request, queryset, per_page=25, parts=parts)
    request = RequestFactory().get(f"/?{first.next_query}")
    with CaptureQueriesContext(connection) as captured:
        paginate(request, queryset, per_page=25, parts=parts)
    plans = {query["sql"]: _plan((query["sql"], None)) for query in captured.captured_queries}
    assert [plan for sql, plan in plans.items() if "COUNT(" not in sql and index in plan], plans
    for plan in plans.values():
        assert not re.search(r"(?<!Incremental )Sort  \(cost", plan), plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_the_name_search_can_use_a_trigram_index(centre):
    from dossiers.models import Person
    from dossiers.selectors import dossier_search

    Person.objects.bulk_create(
        PersonFactory.build(centre=centre, last_name=f"Famille{n:05d}", niss=f"{n:011d}") for n in range(3000)
    )
    PersonFactory(centre=centre, last_name="Vandenberghe")
    sql, _params = dossier_search(centre=centre, name="denber").query.sql_with_params()
    # The search compares UPPER(name) LIKE UPPER('%word%'): the index is on that very expression.
    assert 'UPPER("dossiers_person"."last_name"::text) LIKE UPPER(%s)' in sql
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_person")
        cursor.execute("SET LOCAL enable_seqscan = off")  # priced as at scale: a few thousand rows are cheap
        name_sql = 'SELECT id FROM dossiers_person WHERE UPPER("last_name"::text) LIKE UPPER(%s)'
        cursor.execute(f"EXPLAIN {name_sql}", ["%denber%"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_last_name_trgm" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's plans")
@pytest.mark.parametrize("sort", ["name", "-name"])
def test_a_deep_page_by_name_starts_in_the_persons_index_at_the_name_and_the_persons_id(sort, centre):
    from dossiers.models import Dossier, Person
    from dossiers.selectors import dossier_search, dossiers_of_centre

    user = MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR).user
    persons = Person.objects.bulk_create(
        PersonFactory.build(centre=centre, last_name="Dupont", niss=f"{n:011d}") for n in range(60)
    )
    Dossier.objects.bulk_create(
        Dossier(centre=centre, number=f"2026{n:06d}", beneficiary=p, created_by=user)
        for n, p in enumerate(persons)
    )
    for queryset in (
        dossier_search(centre=centre, name="dupont"),
        dossiers_of_centre(centre=centre, sort=sort),
    ):
        if sort == "-name" and "LIKE" in str(queryset.query):
            continue
        first = paginate(RequestFactory().get("/"), queryset, per_page=25)
        with CaptureQueriesContext(connection) as captured:
            second = paginate(RequestFactory().get(f"/?{first.next_query}"), queryset, per_page=25)
        rows = next(query["sql"] for query in captured.captured_queries if "COUNT(" not in query["sql"])
        # The namesakes' tie is the person's own id: the page starts at (name, id) in the persons' index,
        # instead of reading every namesake from the name on and joining it to its dossier to compare.
        plan = _plan((rows, None))
        assert re.search(r"Index Cond: .*ROW\(\(last_name\)::text, id\) [<>]=", plan), plan
        ids = [d.beneficiary_id for d in [*first, *second]]
        assert ids == sorted(ids, reverse=sort == "-name") and len(set(ids)) == 50


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's plans")
def test_a_name_search_starts_reading_at_the_first_name_that_can_match(centre):
    from dossiers.models import Dossier, Person
    from dossiers.selectors import dossier_search

    user = MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR).user
    names = (
        [("Dubois", "Jean")] * 200 + [("Dupont", "Marie")] * 30 + [("Zidane", "Dupontel"), ("Zoé", "Jean")]
    )
    persons = Person.objects.bulk_create(
        PersonFactory.build(centre=centre, last_name=last, first_names=first, niss=f"{n:011d}")
        for n, (last, first) in enumerate(names)
    )
    Dossier.objects.bulk_create(
        Dossier(centre=centre, number=f"2026{n:06d}", beneficiary=p, created_by=user)
        for n, p in enumerate(persons)
    )
    queryset = dossier_search(centre=centre, name="dupont")
    # The same rows in the same order: a first name matching counts too, whatever the last name.
    first = paginate(RequestFactory().get("/"), queryset, per_page=25)
    second = paginate(RequestFactory().get(f"/?{first.next_query}"), queryset, per_page=25)
    found = [(d.beneficiary.last_name, d.beneficiary_id) for d in [*first, *second]]
    assert found == sorted(found) and [name for name, _id in found] == ["Dupont"] * 30 + ["Zidane"]
    with CaptureQueriesContext(connection) as captured:
        paginate(RequestFactory().get("/"), queryset, per_page=25)
    rows = next(query["sql"] for query in captured.captured_queries if "COUNT(" not in query["sql"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_person")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {rows}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The 200 « Dubois » sort before « Dupont »: none of them is read and thrown away.
    scan = re.search(r"Index Scan using person_centre_name_id on dossiers_person \(.*?(?=->|$)", plan, re.S)
    assert scan and "Rows Removed by Filter: 200" not in scan.group(0), plan
