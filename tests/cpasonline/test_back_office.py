"""« Consulter les demandes CPAS Online », the details, « Marquer comme lu » and « Créer un dossier »."""

from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cpasonline.models import OnlineRequest, Source
from dossiers.models import Dossier
from primaweb.models import AuditEvent
from tests.conftest import sign_in
from tests.cpasonline.conftest import DUPONT
from tests.factories import CentreFactory, DossierFactory, MembershipFactory, OnlineRequestFactory

BRUSSELS = ZoneInfo("Europe/Brussels")
LIST = "/cpas-online/demandes/"


def on(day: str):
    return datetime.strptime(day, "%d/%m/%Y").replace(hour=10, tzinfo=BRUSSELS)


@pytest.mark.django_db
def test_the_menu_offers_the_requests(worker_client, home_url):
    page = worker_client.get(home_url).content.decode()
    assert "Consulter les demandes CPAS Online" in page and reverse("cpasonline:list") in page


@pytest.mark.django_db
def test_the_list_shows_the_unread_requests_of_the_centre_by_default(
    worker_client, centre, worker, other_centre
):
    unread = OnlineRequestFactory(centre=centre, reference="2A90072YKMHZ")
    OnlineRequestFactory(centre=centre, reference="READREADREAD", read_at=on("25/07/2024"), read_by=worker)
    OnlineRequestFactory(centre=other_centre, reference="FOREIGNFOREI")
    page = worker_client.get(LIST).content.decode()
    assert unread.reference in page and "Louise" in page and "Delacroix" in page
    assert "READREADREAD" not in page and "FOREIGNFOREI" not in page
    for column in ("Référence", "Date de soumission", "Prénom", "Nom", "Date de lecture", "Détails"):
        assert column in page


@pytest.mark.django_db
def test_the_list_filters_read_requests_by_submission_period(worker_client, centre, worker):
    common = {"centre": centre, "read_at": on("30/07/2024"), "read_by": worker}
    OnlineRequestFactory(reference="JULY22JULY22", submitted_at=on("22/07/2024"), **common)
    OnlineRequestFactory(reference="JULY24JULY24", submitted_at=on("24/07/2024"), **common)
    OnlineRequestFactory(reference="AUGUST010824", submitted_at=on("01/08/2024"), **common)
    OnlineRequestFactory(centre=centre, reference="UNREADJULY23", submitted_at=on("23/07/2024"))
    page = worker_client.get(
        LIST, {"by": "demandes", "state": "lues", "start": "23/07/2024", "end": "31/07/2024"}
    ).content.decode()
    assert "JULY24JULY24" in page
    assert "JULY22JULY22" not in page and "AUGUST010824" not in page and "UNREADJULY23" not in page
    assert "30/07/2024" in page  # the read date


@pytest.mark.django_db
def test_the_list_finds_a_request_by_reference_read_or_not(worker_client, centre, worker):
    OnlineRequestFactory(centre=centre, reference="2A90072YKMHZ", read_at=on("25/07/2024"), read_by=worker)
    OnlineRequestFactory(centre=centre, reference="2A90072YRHZV")
    page = worker_client.get(LIST, {"by": "reference", "reference": "2a90072ykmhz"}).content.decode()
    assert "2A90072YKMHZ" in page and "2A90072YRHZV" not in page


@pytest.mark.django_db
def test_a_badly_written_date_is_explained(worker_client, centre):
    page = worker_client.get(LIST, {"by": "demandes", "state": "non_lues", "start": "2024-07-23"})
    assert "Indiquez une date JJ/MM/AAAA." in page.content.decode()


@pytest.mark.django_db
def test_details_mark_applicant_data_with_two_stars(worker_client, centre):
    req = OnlineRequestFactory(centre=centre, description="Test")
    page = worker_client.get(reverse("cpasonline:detail", args=[req.pk])).content.decode()
    assert "CPAS Online - détails d&#x27;une demande" in page or "CPAS Online - détails d'une demande" in page
    assert "Louise **" in page and "Delacroix **" in page and "louise@example.be **" in page
    assert "Louise *<" not in page.replace(" ", "")
    assert "aide financière frais d&#x27;énergie (électricité, gaz, mazout)" in page
    assert "Le CPAS a été déterminé sur base de l'adresse de résidence du demandeur." in page
    for label in ("Retour", "Marquer comme lu", "Créer un dossier", "La demande n'a pas encore été marquée"):
        assert label in page


@pytest.mark.django_db
def test_details_mark_register_data_with_one_star_and_contact_data_with_two(worker_client, centre):
    req = OnlineRequestFactory(
        centre=centre, identity_source=Source.REGISTERS, niss=DUPONT, register="1", birth_date="1975-03-12"
    )
    page = worker_client.get(reverse("cpasonline:detail", args=[req.pk])).content.decode()
    assert "Louise *</td>" in page and f"{DUPONT} *</td>" in page and "12/03/1975 *</td>" in page
    assert "Registre de population *</td>" in page
    assert "louise@example.be **</td>" in page


@pytest.mark.django_db
def test_opening_the_details_is_logged(worker_client, centre, worker):
    req = OnlineRequestFactory(centre=centre)
    worker_client.get(reverse("cpasonline:detail", args=[req.pk]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_id=str(req.pk))
    assert (event.user, event.centre, event.object_type) == (worker, centre, "cpasonline.OnlineRequest")


@pytest.mark.django_db
def test_another_centres_request_is_a_404(worker_client, other_centre):
    req = OnlineRequestFactory(centre=other_centre)
    assert worker_client.get(reverse("cpasonline:detail", args=[req.pk])).status_code == 404
    assert worker_client.post(reverse("cpasonline:mark_read", args=[req.pk])).status_code == 404
    assert not AuditEvent.objects.filter(object_id=str(req.pk)).exists()


@pytest.mark.django_db
def test_the_back_office_needs_a_login(client, centre):
    req = OnlineRequestFactory(centre=centre)
    assert client.get(LIST).status_code == 302
    assert client.get(reverse("cpasonline:detail", args=[req.pk])).status_code == 302


@pytest.mark.django_db
def test_marking_read_records_the_date_and_the_worker(worker_client, centre, worker):
    req = OnlineRequestFactory(centre=centre)
    assert worker_client.get(reverse("cpasonline:mark_read", args=[req.pk])).status_code == 405
    worker_client.post(reverse("cpasonline:mark_read", args=[req.pk]))
    req.refresh_from_db()
    assert req.read_at is not None and req.read_by == worker
    first = req.read_at
    other = MembershipFactory(centre=centre).user
    sign_in(worker_client, other, centre).post(reverse("cpasonline:mark_read", args=[req.pk]))
    req.refresh_from_db()
    assert (req.read_at, req.read_by) == (first, worker)  # the first reading is kept
    assert f"<td>{req.reference}</td>" not in worker_client.get(LIST).content.decode()


@pytest.mark.django_db
def test_print_gives_the_details_as_a_pdf(worker_client, centre):
    req = OnlineRequestFactory(centre=centre)
    response = worker_client.get(reverse("cpasonline:print", args=[req.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def _identify_query(response) -> dict:
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.path == reverse("dossiers:identify")
    return {key: values[0] for key, values in parse_qs(url.query).items()}


@pytest.mark.django_db
def test_create_dossier_prefills_the_niss_search(worker_client, centre):
    req = OnlineRequestFactory(centre=centre, niss=DUPONT)
    response = worker_client.get(reverse("cpasonline:create_dossier", args=[req.pk]))
    query = _identify_query(response)
    assert query["niss"] == DUPONT
    page = worker_client.get(response["Location"]).content.decode()
    assert f'value="{DUPONT}"' in page
    assert "Liste des personnes trouvées" not in page  # pre-filled, not searched


@pytest.mark.django_db
def test_create_dossier_prefills_the_phonetic_search_with_name_and_birth_date(worker_client, centre):
    req = OnlineRequestFactory(centre=centre, birth_date="1990-07-21")
    response = worker_client.get(reverse("cpasonline:create_dossier", args=[req.pk]))
    query = _identify_query(response)
    assert (query["nom"], query["prenom"], query["jour"], query["mois"], query["annee"]) == (
        "Delacroix",
        "Louise",
        "21",
        "07",
        "1990",
    )
    page = worker_client.get(response["Location"]).content.decode()
    for value in ("Delacroix", "Louise", "21", "07", "1990"):
        assert f'value="{value}"' in page


@pytest.mark.django_db
def test_create_dossier_without_birth_date_advises_calling_the_applicant(worker_client, centre):
    req = OnlineRequestFactory(centre=centre, birth_date="")
    response = worker_client.get(reverse("cpasonline:create_dossier", args=[req.pk]))
    page = worker_client.get(response["Location"]).content.decode()
    assert "contactez-le pour l&#x27;obtenir" in page or "contactez-le pour l'obtenir" in page
    assert 'value="Delacroix"' in page


@pytest.mark.django_db
def test_the_created_dossier_is_linked_and_shows_the_request(register, bcss_http, worker_client, centre):
    req = OnlineRequestFactory(centre=centre, niss=DUPONT, identity_source=Source.REGISTERS)
    start = worker_client.get(reverse("cpasonline:create_dossier", args=[req.pk]))
    worker_client.get(start["Location"])  # the identification screen, which keeps where to land
    worker_client.post(reverse("dossiers:identify"), {"mode": "niss", "niss-niss": DUPONT})
    worker_client.get(reverse("dossiers:person_details") + "?n=0")
    created = worker_client.post(
        reverse("dossiers:person_details"),
        {
            "effective_street": "Rue de Fer",
            "effective_house_number": "12",
            "effective_postal_code": "5000",
            "effective_locality": "Namur",
            "effective_country": "Belgique",
        },
        follow=True,
    )
    dossier = Dossier.objects.get()
    # The flow lands on « Lier la demande au dossier », which links nothing until its button is pressed.
    assert "Lier la demande au dossier" in created.content.decode()
    req.refresh_from_db()
    assert req.dossier is None
    linked = worker_client.post(created.redirect_chain[-1][0].split("?")[0], _link_form(created))
    req.refresh_from_db()
    assert req.dossier == dossier
    assert linked.url == reverse("dossiers:detail", args=[dossier.pk])
    assert AuditEvent.objects.filter(object_id=str(req.pk), action=AuditEvent.Action.CHANGE).exists()
    section = worker_client.get(reverse("cpasonline:dossier_section", args=[dossier.pk])).content.decode()
    assert req.reference in section
    page = worker_client.get(reverse("cpasonline:detail", args=[req.pk])).content.decode()
    assert dossier.number in page and "Créer un dossier" not in page


def _link_form(page) -> dict:
    """The hidden fields of the « Lier la demande au dossier » form of `page`."""
    import re

    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.content.decode()))


def _signed_link(client, req, dossier) -> str:
    start = client.get(reverse("cpasonline:create_dossier", args=[req.pk]))
    return parse_qs(urlsplit(start["Location"]).query)["next"][0].replace("{dossier}", str(dossier.pk))


@pytest.mark.django_db
def test_the_signed_link_on_a_get_only_asks_to_confirm(worker_client, centre):
    req = OnlineRequestFactory(centre=centre)
    dossier = DossierFactory(centre=centre)

    page = worker_client.get(_signed_link(worker_client, req, dossier))

    assert page.status_code == 200
    assert (
        f"Lier la demande CPAS Online {req.reference} au dossier {dossier.number} ?" in page.content.decode()
    )
    req.refresh_from_db()
    assert req.dossier is None
    worker_client.post(reverse("cpasonline:link_dossier", args=[req.pk, dossier.pk]), _link_form(page))
    req.refresh_from_db()
    assert req.dossier == dossier


@pytest.mark.django_db
def test_a_forged_link_does_not_attach_a_dossier(worker_client, centre):
    req = OnlineRequestFactory(centre=centre)
    dossier = DossierFactory(centre=centre)
    url = reverse("cpasonline:link_dossier", kwargs={"pk": req.pk, "dossier_pk": dossier.pk})
    assert worker_client.get(url + "?t=forged").status_code == 302
    assert worker_client.post(url, {"t": "forged"}).status_code == 302
    assert worker_client.post(url).status_code == 302
    req.refresh_from_db()
    assert req.dossier is None


@pytest.mark.django_db
def test_another_centres_dossier_cannot_be_linked(worker_client, centre, other_centre):
    req = OnlineRequestFactory(centre=centre)
    foreign = DossierFactory(centre=other_centre)
    start = worker_client.get(reverse("cpasonline:create_dossier", args=[req.pk]))
    link = parse_qs(urlsplit(start["Location"]).query)["next"][0].replace("{dossier}", str(foreign.pk))
    assert worker_client.get(link).status_code == 404
    token = parse_qs(urlsplit(link).query)["t"][0]
    assert worker_client.post(link.split("?")[0], {"t": token}).status_code == 404
    req.refresh_from_db()
    assert req.dossier is None


@pytest.mark.django_db
def test_demo_seeder_adds_requests_for_the_demo_centres_once():
    from primaweb.demo import seed_demo

    seed_demo()
    seed_demo()
    namur = CentreFactory._meta.model.objects.get(nis_code="92094", bce_number="0212345668")
    # Two unread, and one read but never decided: past its thirty days, the Échéancier shows it overdue.
    assert OnlineRequest.objects.for_centre(namur).count() == 3
    assert OnlineRequest.objects.for_centre(namur).filter(read_at__isnull=True).count() == 2
    assert OnlineRequest.objects.filter(centre__nis_code="21009").count() == 1
