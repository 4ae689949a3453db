"""« Gérer les documents »: the centre's documents, searched by NISS, type and status, page by page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DocumentTypeFactory, DossierFactory, PersonFactory, document_in


@pytest.mark.django_db
def test_lists_only_the_centres_documents(worker_client, centre, other_centre):
    mine = document_in(centre, original_name="mien.pdf")
    document_in(other_centre, original_name="autre.pdf")
    page = worker_client.get(reverse("documents:manage")).content.decode()
    assert "mien.pdf" in page and "autre.pdf" not in page
    assert reverse("documents:detail", args=[mine.pk]) in page


@pytest.mark.django_db
def test_filters_by_niss_type_and_status(worker_client, centre):
    dupont = DossierFactory(centre=centre, beneficiary=PersonFactory(centre=centre, niss="75031212346"))
    first = document_in(centre, dossier=dupont, original_name="premier.pdf")
    document_in(centre, original_name="autre.pdf")
    document_in(centre, dossier=dupont, status="failed", original_name="rate.docx")
    by_niss = worker_client.get(reverse("documents:manage"), {"niss": "75.03.12-123.46"}).content.decode()
    assert "premier.pdf" in by_niss and "rate.docx" in by_niss and "autre.pdf" not in by_niss
    by_type = worker_client.get(
        reverse("documents:manage"), {"document_type": first.document_type_id}
    ).content.decode()
    assert "premier.pdf" in by_type and "rate.docx" not in by_type
    by_status = worker_client.get(reverse("documents:manage"), {"status": "failed"}).content.decode()
    assert "rate.docx" in by_status and "premier.pdf" not in by_status


@pytest.mark.django_db
def test_bad_niss_filter_says_why(worker_client):
    page = worker_client.get(reverse("documents:manage"), {"niss": "123"}).content.decode()
    assert "Le NISS compte 11 chiffres (3 donnés)." in page


@pytest.mark.django_db
def test_opened_from_a_dossier_it_shows_that_dossier_only(worker_client, centre, other_centre):
    dossier = DossierFactory(centre=centre)
    document_in(centre, dossier=dossier, original_name="du-dossier.pdf")
    document_in(centre, original_name="ailleurs.pdf")
    page = worker_client.get(reverse("documents:manage"), {"dossier": dossier.pk}).content.decode()
    assert "du-dossier.pdf" in page and "ailleurs.pdf" not in page
    foreign = DossierFactory(centre=other_centre)
    assert worker_client.get(reverse("documents:manage"), {"dossier": foreign.pk}).status_code == 404


@pytest.mark.django_db
def test_pages_cost_the_same_number_of_queries_whatever_their_size(worker_client, centre):
    document_type = DocumentTypeFactory(centre=centre)
    for _ in range(3):
        document_in(centre, document_type=document_type)
    worker_client.get(reverse("documents:manage"))
    with CaptureQueriesContext(connection) as small:
        worker_client.get(reverse("documents:manage"))
    for _ in range(22):
        document_in(centre, dossier=DossierFactory(centre=centre))
    with CaptureQueriesContext(connection) as full:
        worker_client.get(reverse("documents:manage"))
    assert len(full) == len(small)


@pytest.mark.django_db
def test_paginated_by_twenty_five(worker_client, centre):
    for _ in range(26):
        document_in(centre)
    page = worker_client.get(reverse("documents:manage")).content.decode()
    assert "Page 1 sur 2" in page
