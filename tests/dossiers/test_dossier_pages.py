import pytest
from django.urls import reverse

from primaweb.models import AuditEvent
from tests.factories import DossierFactory, PersonFactory


@pytest.mark.django_db
def test_dossier_main_page_shows_identity_and_both_addresses_and_is_logged(worker_client, worker, centre):
    person = PersonFactory(
        centre=centre,
        last_name="Delacroix",
        first_names="Louise",
        legal_street="Rue Haute",
        legal_house_number="5",
        legal_postal_code="5000",
        legal_municipality="Namur",
        effective_street="Rue Basse",
        effective_house_number="7",
    )
    dossier = DossierFactory(centre=centre, beneficiary=person)
    page = worker_client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert dossier.number in page and "Delacroix" in page and person.niss_display in page
    assert "Rue Haute 5" in page and "Rue Basse 7" in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_type="dossiers.Dossier")
    assert (event.user, event.centre, event.object_id) == (worker, centre, str(dossier.pk))


@pytest.mark.django_db
def test_dossier_list_shows_only_the_centres_dossiers_paginated_and_sorted(
    worker_client, centre, other_centre
):
    # Names no generated user or centre has: the page's header names the signed-in worker.
    for name in ("Zyxwerkel", "Aabqvist", "Mqoravek"):
        DossierFactory(centre=centre, beneficiary=PersonFactory(centre=centre, last_name=name))
    foreign = DossierFactory(centre=other_centre)
    page = worker_client.get(reverse("dossiers:list"), {"tri": "name"}).content.decode()
    assert page.index("Aabqvist") < page.index("Mqoravek") < page.index("Zyxwerkel")
    assert foreign.number not in page
    descending = worker_client.get(reverse("dossiers:list"), {"tri": "-name"}).content.decode()
    assert descending.index("Zyxwerkel") < descending.index("Aabqvist")


@pytest.mark.django_db
def test_dossier_list_is_paginated(worker_client, centre):
    for _ in range(27):
        DossierFactory(centre=centre)
    first = worker_client.get(reverse("dossiers:list")).content.decode()
    assert "Page 1 sur 2" in first
    assert first.count('href="/dossiers/') >= 25


@pytest.mark.django_db
def test_search_finds_a_dossier_by_niss_name_or_number_in_the_centre_only(
    worker_client, centre, other_centre
):
    mine = DossierFactory(centre=centre, beneficiary=PersonFactory(centre=centre, last_name="Vandenberghe"))
    DossierFactory(centre=centre, beneficiary=PersonFactory(centre=centre, last_name="Peeters"))
    foreign = DossierFactory(
        centre=other_centre, beneficiary=PersonFactory(centre=other_centre, last_name="Vandenberghe")
    )
    by_number = worker_client.get(reverse("dossiers:search"), {"number": mine.number})
    assert by_number.status_code == 302 and by_number.url == reverse("dossiers:detail", args=[mine.pk])
    by_niss = worker_client.get(reverse("dossiers:search"), {"niss": mine.beneficiary.niss_display})
    assert by_niss.url == reverse("dossiers:detail", args=[mine.pk])
    by_name = worker_client.get(reverse("dossiers:search"), {"name": "vandenberghe"})
    assert by_name.url == reverse("dossiers:detail", args=[mine.pk])
    assert (
        worker_client.get(reverse("dossiers:search"), {"niss": foreign.beneficiary.niss}).status_code == 200
    )


@pytest.mark.django_db
def test_search_with_a_bad_niss_says_why(worker_client):
    page = worker_client.get(reverse("dossiers:search"), {"niss": "12345"}).content.decode()
    assert "Le NISS compte 11 chiffres (5 donnés)." in page


@pytest.mark.django_db
def test_dossier_entries_are_on_the_home_page(worker_client):
    page = worker_client.get(reverse("primaweb:home")).content.decode()
    for label in ("Gestion des dossiers", "Dossiers du C.P.A.S.", "Nouveau dossier", "Rechercher un dossier"):
        assert label in page
