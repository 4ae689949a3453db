"""« Nouveau dossier » end to end over HTTP: the BCSS client speaks SOAP to the simulator in this process."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from dossiers.models import Dossier, Person
from primaweb.models import AuditEvent

DUPONT = "75031212346"
DELACROIX = "90072108659"
MUKENDI = "00100001485"  # born 2000-10-00


@pytest.fixture
def register(db):
    call_command("simulate_register", count=300, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115


def search_by_niss(client, niss):
    return client.post(reverse("dossiers:identify"), {"mode": "niss", "niss-niss": niss})


def search_phonetic(client, **criteria):
    data = {
        "mode": "phonetic",
        "ph-last_name": "",
        "ph-first_name": "",
        "ph-birth_day": "",
        "ph-birth_month": "",
        "ph-birth_year": "",
        "ph-tolerance": "",
        "ph-gender": "",
    }
    data |= {f"ph-{name}": value for name, value in criteria.items()}
    return client.post(reverse("dossiers:identify"), data)


@pytest.mark.django_db
def test_search_by_niss_lists_the_person_and_logs_the_consultation(
    register, bcss_http, worker_client, worker, centre
):
    page = search_by_niss(worker_client, DUPONT).content.decode()
    assert "Liste des personnes trouvées" in page
    assert "DUPONT" in page and "75.03.12-123.46" in page and "Masculin" in page
    assert len(bcss_http.calls) == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.BCSS_CONSULTATION)
    assert (event.user, event.centre) == (worker, centre)
    assert event.details["criteria"] == {"niss": DUPONT}
    assert event.details["found"] == 1


@pytest.mark.django_db
def test_phonetic_search_finds_spelling_variants(register, bcss_http, worker_client):
    page = search_phonetic(
        worker_client, last_name="Dupond", birth_day="12", birth_month="03", birth_year="1975", tolerance="0"
    ).content.decode()
    assert DUPONT[:6] in page.replace(".", "") and "DUPONT" in page


@pytest.mark.django_db
def test_phonetic_search_with_unknown_day_and_tolerance_in_months(register, bcss_http, worker_client):
    page = search_phonetic(
        worker_client, last_name="Mukendi", birth_day="00", birth_month="09", birth_year="2000", tolerance="1"
    ).content.decode()
    assert "MUKENDI" in page


@pytest.mark.django_db
def test_nobody_found_says_so(register, bcss_http, worker_client):
    response = search_phonetic(
        worker_client, last_name="Zzyzxwv", birth_day="01", birth_month="01", birth_year="1950", tolerance="2"
    )
    assert "Aucune personne ne correspond à ces critères." in response.content.decode()


@pytest.mark.django_db
def test_details_copy_address_and_create_the_dossier(register, bcss_http, worker_client, worker, centre):
    search_by_niss(worker_client, DELACROIX)
    details = worker_client.get(reverse("dossiers:person_details"), {"n": "0"}).content.decode()
    assert "Données de la personne" in details and "DELACROIX" in details
    assert "Registre de population" in details
    assert "Adresse de résidence effective" in details

    copied = worker_client.post(reverse("dossiers:person_details"), {"copy": "1"}).content.decode()
    assert 'value="1050"' in copied and 'value="IXELLES"' in copied

    form = {
        "effective_street": "Rue du Trône",
        "effective_house_number": "14",
        "effective_box": "3",
        "effective_postal_code": "1050",
        "effective_locality": "Ixelles",
        "effective_country": "Belgique",
        "create": "1",
    }
    response = worker_client.post(reverse("dossiers:person_details"), form, follow=True)
    dossier = Dossier.objects.get(centre=centre)
    assert response.redirect_chain[-1][0] == reverse("dossiers:detail", args=[dossier.pk])
    page = response.content.decode()
    assert "Page principale du dossier" in page and dossier.number in page and "Rue du Trône 14" in page
    person = dossier.beneficiary
    assert (person.niss, person.last_name, person.birth_date) == (DELACROIX, "DELACROIX", "1990-07-21")
    assert person.legal_postal_code == "1050" and person.register == "1"
    assert len(dossier.number) <= 11 and dossier.number.isalnum()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="dossiers.Dossier").exists()


@pytest.mark.django_db
def test_effective_address_fields_are_required_and_nothing_is_half_created(
    register, bcss_http, worker_client
):
    search_by_niss(worker_client, DELACROIX)
    worker_client.get(reverse("dossiers:person_details"), {"n": "0"})
    response = worker_client.post(
        reverse("dossiers:person_details"), {"create": "1", "effective_street": "Rue"}
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Dossier.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_person_with_a_dossier_leads_to_it_never_to_a_duplicate(register, bcss_http, worker_client, centre):
    search_by_niss(worker_client, DUPONT)
    worker_client.get(reverse("dossiers:person_details"), {"n": "0"})
    worker_client.post(reverse("dossiers:person_details"), {"copy": "1"})
    address = {
        "effective_street": "Rue de Fer",
        "effective_house_number": "25",
        "effective_postal_code": "5000",
        "effective_locality": "Namur",
        "create": "1",
    }
    worker_client.post(reverse("dossiers:person_details"), address)
    dossier = Dossier.objects.get()

    page = search_by_niss(worker_client, DUPONT).content.decode()
    assert "Ouvrir le dossier" in page and dossier.number in page
    response = worker_client.get(reverse("dossiers:person_details"), {"n": "0"})
    assert response.status_code == 302 and response.url == reverse("dossiers:detail", args=[dossier.pk])
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_dossier_numbers_are_never_reused(register, bcss_http, worker_client, centre):
    numbers = []
    for niss in (DUPONT, DELACROIX):
        search_by_niss(worker_client, niss)
        worker_client.get(reverse("dossiers:person_details"), {"n": "0"})
        worker_client.post(
            reverse("dossiers:person_details"),
            {
                "effective_street": "Rue",
                "effective_house_number": "1",
                "effective_postal_code": "5000",
                "effective_locality": "Namur",
                "create": "1",
            },
        )
        numbers.append(Dossier.objects.latest("pk").number)
        if niss == DUPONT:
            first = Dossier.objects.get(number=numbers[0])
            person = first.beneficiary
            first.delete()
            person.delete()
    assert numbers[0] != numbers[1]
    assert int(numbers[1][-6:]) == int(numbers[0][-6:]) + 1


@pytest.mark.django_db
def test_back_brings_the_list_with_the_criteria_kept(register, bcss_http, worker_client):
    search_phonetic(
        worker_client,
        last_name="Delacroix",
        birth_day="21",
        birth_month="07",
        birth_year="1990",
        tolerance="0",
    )
    calls = len(bcss_http.calls)
    page = worker_client.get(reverse("dossiers:identify"), {"retour": "1"}).content.decode()
    assert "DELACROIX" in page and 'value="Delacroix"' in page and 'value="1990"' in page
    assert len(bcss_http.calls) == calls


@pytest.mark.django_db
def test_details_without_a_search_go_back_to_the_search(worker_client):
    response = worker_client.get(reverse("dossiers:person_details"), {"n": "3"})
    assert response.status_code == 302 and response.url == reverse("dossiers:identify")


@pytest.mark.django_db
def test_consultations_show_in_admin_logs_with_their_criteria(register, bcss_http, worker_client, centre):
    from django.test import Client

    from tests.conftest import sign_in
    from tests.factories import MembershipFactory

    search_by_niss(worker_client, DUPONT)
    admin = sign_in(Client(), MembershipFactory(centre=centre, role="administrator").user, centre)
    page = admin.get(reverse("primaweb:audit_log"), {"action": "bcss_consultation"}).content.decode()
    assert "Consultation de la BCSS" in page and f"niss: {DUPONT}" in page
