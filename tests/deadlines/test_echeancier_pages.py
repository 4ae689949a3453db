"""The Échéancier page by page: the same SQL whatever the list's size or the page's depth, every row
once, and each page read from the index of the open deadlines in the list's order."""

import re
import uuid
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpasonline.models import OnlineRequest
from deadlines import selectors, services
from primaweb.models import Membership
from primaweb.pagination import paginate
from tests.conftest import sign_in
from tests.factories import MembershipFactory
from tests.test_list_pagination import _plan, _queries

pytestmark = pytest.mark.django_db
URL = reverse("deadlines:list")


def _overdue_requests(centre, worker, count):
    today = timezone.localdate()
    OnlineRequest.objects.bulk_create(
        OnlineRequest(
            centre=centre,
            reference=f"R{uuid.uuid4().hex[:10].upper()}",
            received_on=today - timedelta(days=40 + n // 3),  # ties on the due date: the id decides
            read_at=timezone.now(),
            read_by=worker,
            first_name="Louise",
            last_name="Delacroix",
            niss=f"{n:011d}",
            email="louise@example.be",
            postal_code="5000",
            commune_nis="92094",
            nature="energy",
        )
        for n in range(count)
    )
    services.deadlines_sweep(centre=centre)


@pytest.mark.parametrize("role", [Membership.Role.SOCIAL_WORKER, Membership.Role.ADMINISTRATOR])
@pytest.mark.parametrize("whose", ["moi", "centre"])
def test_a_page_costs_the_same_queries_at_ten_rows_and_at_two_hundred_first_or_deep(centre, role, whose):
    from django.test import Client

    membership = MembershipFactory(centre=centre, role=role)
    client = sign_in(Client(), membership.user, centre)
    query = {"qui": whose, "periode": "retard"}
    _overdue_requests(centre, membership.user, 10)
    client.get(URL, query)
    _response, small = _queries(client, URL, query)

    _overdue_requests(centre, membership.user, 190)
    _response, first = _queries(client, URL, query)
    response = client.get(URL, query)
    seen = [d.pk for d in response.context["page"]]
    while response.context["page"].next_query:
        response = client.get(f"{URL}?{response.context['page'].next_query}")
        seen += [d.pk for d in response.context["page"]]
    expected = list(
        selectors.deadlines_due(membership=membership, period="retard", mine=whose == "moi").values_list(
            "pk", flat=True
        )
    )
    assert seen == expected and len(seen) == 200

    deep = parse_qs(client.get(URL, query).context["page"].next_query)
    _response, deep_queries = _queries(client, URL, {k: v[0] for k, v in deep.items()})
    assert len(first) == len(small) == len(deep_queries), (small, first, deep_queries)
    assert not [sql for sql in first + deep_queries if " OFFSET " in sql]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's plans")
@pytest.mark.parametrize(
    "mine, index", [(False, "deadline_centre_open_due"), (True, "deadline_worker_open_due")]
)
def test_a_deep_page_is_read_from_the_open_deadlines_index_without_sorting(centre, mine, index):
    membership = MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR)
    _overdue_requests(centre, membership.user, 60)
    queryset = selectors.deadlines_due(membership=membership, period="retard", mine=mine)
    first = paginate(RequestFactory().get("/"), queryset, per_page=25)
    with CaptureQueriesContext(connection) as captured:
        paginate(RequestFactory().get(f"/?{first.next_query}"), queryset, per_page=25)
    plans = {query["sql"]: _plan((query["sql"], None)) for query in captured.captured_queries}
    assert [plan for sql, plan in plans.items() if "COUNT(" not in sql and index in plan], plans
    for plan in plans.values():
        assert not re.search(r"(?<!Incremental )Sort  \(cost", plan), plan
