"""A flow is bound to the centre it started in: a worker of two centres who switches in the middle of
the identification (or of « Créer un dossier » from a CPAS Online request) cannot finish it in the other.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cpasonline.models import OnlineRequest
from dossiers.models import Dossier, Person
from primaweb.flows import CENTRE_CHANGED, Flow
from primaweb.models import AuditEvent
from primaweb.tenancy import CurrentCentreMiddleware
from tests.conftest import sign_in
from tests.factories import CentreFactory, MembershipFactory, OnlineRequestFactory

DELACROIX = "90072108659"
ADDRESS = {
    "effective_street": "Rue du Trône",
    "effective_house_number": "14",
    "effective_postal_code": "1050",
    "effective_locality": "Ixelles",
    "create": "1",
}


@pytest.fixture
def register(db):
    call_command("simulate_register", count=300, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def namur(db):
    return CentreFactory()


@pytest.fixture
def ixelles(db):
    return CentreFactory(brussels=True)


@pytest.fixture
def multi(namur, ixelles):
    """A social worker of both centres, signed in under Namur."""
    membership = MembershipFactory(centre=namur)
    MembershipFactory(centre=ixelles, user=membership.user)
    return sign_in(Client(), membership.user, namur)


def pick_person(client, niss=DELACROIX):
    client.post(reverse("dossiers:identify"), {"mode": "niss", "niss-niss": niss})
    page = client.get(reverse("dossiers:person_details"), {"n": "0"})
    assert page.status_code == 200 and niss[:2] in page.content.decode()


def switch(client, centre):
    return client.post(reverse("primaweb:select_centre", args=[centre.pk]))


def set_centre_only(client, centre):
    """The current centre changes without the switch screen (the binding must hold on its own)."""
    session = client.session
    session[CurrentCentreMiddleware.SESSION_KEY] = centre.pk
    session.save()


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_person_picked_under_one_centre_gets_no_dossier_after_a_switch(
    register, bcss_http, multi, namur, ixelles
):
    pick_person(multi)
    switched = switch(multi, ixelles)
    assert "La démarche en cours dans l'autre C.P.A.S. a été abandonnée." in texts(switched)

    response = multi.post(reverse("dossiers:person_details"), ADDRESS)

    assert response.status_code == 302 and response.url == reverse("dossiers:identify")
    assert not Dossier.objects.exists() and not Person.objects.exists()
    # Every consultation was logged under Namur, where it was made; nothing was created anywhere.
    consultations = AuditEvent.objects.filter(action=AuditEvent.Action.BCSS_CONSULTATION)
    assert consultations.count() == 2 and {e.centre for e in consultations} == {namur}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


@pytest.mark.django_db
def test_flow_state_is_refused_under_another_centre_even_without_the_switch_screen(
    register, bcss_http, multi, namur, ixelles
):
    pick_person(multi)
    set_centre_only(multi, ixelles)

    response = multi.post(reverse("dossiers:person_details"), ADDRESS)

    assert response.status_code == 302 and response.url == reverse("dossiers:identify")
    assert str(CENTRE_CHANGED) in texts(response)
    assert not Dossier.objects.exists() and not Person.objects.exists()
    # The refused state is gone: going back to Namur does not revive it either.
    set_centre_only(multi, namur)
    again = multi.post(reverse("dossiers:person_details"), ADDRESS)
    assert again.status_code == 302 and not Dossier.objects.exists()


@pytest.mark.django_db
def test_results_of_one_centre_are_not_opened_under_another(register, bcss_http, multi, namur, ixelles):
    multi.post(reverse("dossiers:identify"), {"mode": "niss", "niss-niss": DELACROIX})
    calls = len(bcss_http.calls)
    set_centre_only(multi, ixelles)

    details = multi.get(reverse("dossiers:person_details"), {"n": "0"})
    back = multi.get(reverse("dossiers:identify"), {"retour": "1"}, follow=True)

    assert details.status_code == 302 and details.url == reverse("dossiers:identify")
    assert len(bcss_http.calls) == calls
    assert "DELACROIX" not in back.content.decode()
    assert not AuditEvent.objects.filter(centre=ixelles, action=AuditEvent.Action.BCSS_CONSULTATION).exists()


@pytest.mark.django_db
def test_create_dossier_from_a_request_is_not_finished_in_another_centre(
    register, bcss_http, multi, namur, ixelles
):
    online_request = OnlineRequestFactory(centre=namur, niss=DELACROIX)
    start = multi.get(reverse("cpasonline:create_dossier", args=[online_request.pk]))
    multi.get(start.url)  # the identification screen, pre-filled, with where to land afterwards
    pick_person(multi)
    switch(multi, ixelles)

    multi.post(reverse("dossiers:person_details"), ADDRESS)

    assert not Dossier.objects.exists()
    assert OnlineRequest.objects.get(pk=online_request.pk).dossier_id is None


@pytest.mark.django_db
def test_same_flow_finishes_normally_in_its_own_centre(register, bcss_http, multi, namur):
    online_request = OnlineRequestFactory(centre=namur, niss=DELACROIX)
    start = multi.get(reverse("cpasonline:create_dossier", args=[online_request.pk]))
    multi.get(start.url)
    pick_person(multi)

    confirm = multi.post(reverse("dossiers:person_details"), ADDRESS, follow=True)
    link = confirm.redirect_chain[-1][0]
    response = multi.post(link.split("?")[0], {"t": parse_qs(urlsplit(link).query)["t"][0]})

    dossier = Dossier.objects.get()
    assert dossier.centre == namur
    assert OnlineRequest.objects.get(pk=online_request.pk).dossier == dossier
    assert response.url == reverse("dossiers:detail", args=[dossier.pk])


@pytest.mark.django_db
def test_a_flow_cannot_be_saved_without_a_centre(rf):
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.session, request.centre = SessionStore(), None
    with pytest.raises(ValueError):
        Flow("test", start="primaweb:home").save(request, {})
