"""« Consulter les mutations », the dossier's mutations and the worker's follow-up."""

import pytest
from django.urls import reverse

from dossiers.models import Dossier, LegalAddressHistory, Person
from ebox.models import Publication
from mutations.models import Mutation, MutationFeed
from tests.factories import DossierFactory, document_in, mutation_in, publication_in

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_unprocessed_mutations_and_audits_the_persons_shown(worker_client, centre):
    move = mutation_in(centre)
    done = mutation_in(centre, processed_at="2026-01-01T00:00:00Z", outcome="processed")

    response = worker_client.get(reverse("mutations:list"))

    page = response.content.decode()
    assert move.dossier.number in page and done.dossier.number not in page
    from primaweb.models import AuditEvent

    event = AuditEvent.objects.for_centre(centre).filter(action="view").latest("pk")
    assert event.details["persons"] == [move.niss]


def test_the_list_filters_by_type_niss_and_dossier(worker_client, centre):
    move, death = mutation_in(centre), mutation_in(centre, kind="DEATH")

    by_type = worker_client.get(reverse("mutations:list"), {"state": "toutes", "kind": "DEATH"})
    by_niss = worker_client.get(reverse("mutations:list"), {"niss": move.niss})
    by_number = worker_client.get(reverse("mutations:list"), {"numero": death.dossier.number})

    assert [m.pk for m in by_type.context["page"]] == [death.pk]
    assert [m.pk for m in by_niss.context["page"]] == [move.pk]
    assert [m.pk for m in by_number.context["page"]] == [death.pk]


def test_a_wrong_niss_or_period_gets_a_message_and_no_rows(worker_client, centre):
    mutation_in(centre)

    response = worker_client.get(reverse("mutations:list"), {"niss": "123", "start": "31/02/2026"})

    assert response.status_code == 200 and not list(response.context["page"])
    form = response.context["form"]
    assert "niss" in form.errors and "start" in form.errors


def test_mark_processed_takes_the_mutation_out_of_the_count(worker_client, centre):
    mutation = mutation_in(centre)
    home = worker_client.get(reverse("primaweb:home")).content.decode()
    assert "Mutations à traiter" in home

    worker_client.post(reverse("mutations:mark_processed", args=[mutation.pk]))

    mutation.refresh_from_db()
    assert mutation.processed_at is not None and mutation.outcome == "processed"
    assert "Mutations à traiter" not in worker_client.get(reverse("primaweb:home")).content.decode()


def test_accepting_a_move_updates_the_legal_address_and_keeps_the_old_one(worker_client, centre, worker):
    dossier = DossierFactory(
        centre=centre, beneficiary__legal_street="Rue de Fer", beneficiary__legal_house_number="12"
    )
    mutation = mutation_in(centre, dossier=dossier)

    worker_client.post(reverse("mutations:accept_move", args=[mutation.pk]), {"depuis": "dossier"})

    person = Person.objects.for_centre(centre).get(pk=dossier.beneficiary_id)
    assert (person.legal_street, person.legal_house_number, person.legal_postal_code) == (
        "Rue de l'Ange",
        "7",
        "5000",
    )
    old = LegalAddressHistory.objects.for_centre(centre).get(person=person)
    assert (old.street, old.house_number, old.replaced_by) == ("Rue de Fer", "12", worker)
    section = worker_client.get(reverse("mutations:dossier_section", args=[dossier.pk])).content.decode()
    assert "Rue de Fer 12" in section


def test_a_move_cannot_be_accepted_twice(worker_client, centre):
    mutation = mutation_in(centre)
    worker_client.post(reverse("mutations:accept_move", args=[mutation.pk]))

    response = worker_client.post(reverse("mutations:accept_move", args=[mutation.pk]), follow=True)

    assert "déjà été traitée" in response.content.decode()
    assert LegalAddressHistory.objects.for_centre(centre).count() == 1


def test_accepting_a_death_closes_the_dossier_and_holds_the_pending_sends(worker_client, centre, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    mutation = mutation_in(centre, kind="DEATH")
    document = document_in(centre, dossier=mutation.dossier)
    pending = publication_in(centre, state="pending", document=document)

    confirm = worker_client.get(reverse("mutations:accept_death", args=[mutation.pk]))
    assert confirm.status_code == 200 and mutation.dossier.number in confirm.content.decode()
    worker_client.post(reverse("mutations:accept_death", args=[mutation.pk]), {"reason": "Décès"})

    dossier = Dossier.objects.for_centre(centre).get(pk=mutation.dossier_id)
    assert dossier.is_closed and dossier.closing_reason == "Décès"
    pending.refresh_from_db()
    assert pending.state == Publication.State.TO_VERIFY and pending.failure["code"] == "recipient_deceased"
    assert Mutation.objects.for_centre(centre).get(pk=mutation.pk).outcome == "dossier_closed"


def test_a_death_reported_holds_a_send_at_the_moment_it_would_leave(centre):
    from ebox import services as ebox_services

    mutation = mutation_in(centre, kind="DEATH")
    document = document_in(centre, dossier=mutation.dossier)
    publication = publication_in(centre, state="pending", document=document)

    ebox_services.publication_send(publication_id=publication.pk)

    publication.refresh_from_db()
    assert publication.state == Publication.State.TO_VERIFY


def test_the_dossier_page_flags_its_unprocessed_mutations(worker_client, centre):
    mutation = mutation_in(centre)

    page = worker_client.get(reverse("dossiers:detail", args=[mutation.dossier_id])).content.decode()
    section = worker_client.get(
        reverse("mutations:dossier_section", args=[mutation.dossier_id])
    ).content.decode()

    assert reverse("mutations:dossier_section", args=[mutation.dossier_id]) in page
    assert "1 mutation à traiter" in section and "Mettre à jour l'adresse légale" in section


def test_the_administrator_chooses_the_types_received(centre_admin_client, centre, worker_client):
    response = centre_admin_client.post(reverse("mutations:types"), {"kinds": ["MOVE", "DEATH"]})

    assert response.status_code == 302
    assert MutationFeed.objects.for_centre(centre).get().kinds == ["MOVE", "DEATH"]
    assert worker_client.get(reverse("mutations:types")).status_code == 403


def test_the_register_down_shows_a_clear_message(worker_client, centre, register_failing):
    import requests

    from tests.http import FailingAdapter

    register_failing(FailingAdapter(error=requests.ConnectionError("down")))

    response = worker_client.post(reverse("mutations:poll"), follow=True)

    assert "Le registre national ne répond pas" in response.content.decode()
    assert MutationFeed.objects.for_centre(centre).get().cursor == 0


def test_a_move_with_a_longer_house_number_than_the_dossier_keeps_is_accepted(worker_client, centre):
    """The pull service allows 150 characters a text; the person's house number and box hold fewer. The
    move is accepted (cut to what the dossier holds), the register's whole text stays on the mutation."""
    mutation = mutation_in(centre)
    long_number = "7 résidence des Tilleuls, aile nord, entrée B"
    mutation.data = {**mutation.data, "house_number": long_number, "box": "B" * 150}
    mutation.save(update_fields=["data"])

    response = worker_client.post(reverse("mutations:accept_move", args=[mutation.pk]))

    assert response.status_code == 302
    person = Person.objects.for_centre(centre).get(pk=mutation.dossier.beneficiary_id)
    width = Person._meta.get_field("legal_house_number").max_length
    assert person.legal_house_number == long_number[:width]
    assert Mutation.objects.for_centre(centre).get(pk=mutation.pk).data["house_number"] == long_number


def test_the_partner_and_the_child_a_mutation_shows_are_audited(worker_client, centre):
    """A marriage shows the partner's NISS, a birth the child's name and NISS: the lists showing them
    consult those persons too, not only the dossier's beneficiary."""
    from primaweb.models import AuditEvent

    marriage = mutation_in(centre, kind="MARRIAGE", data={"civil_state": "20", "partner": "77093022273"})
    birth = mutation_in(
        centre,
        kind="BIRTH",
        dossier=marriage.dossier,
        data={"child": "24010100155", "last_name": "Dupont", "first_name": "Léa"},
    )

    page = worker_client.get(reverse("mutations:list")).content.decode()
    assert "77093022273" in page and "24010100155" in page
    listed = AuditEvent.objects.for_centre(centre).filter(action="view").latest("pk").details["persons"]
    assert {marriage.niss, "77093022273", "24010100155"} <= set(listed)

    worker_client.get(reverse("mutations:dossier_section", args=[birth.dossier_id]))
    section = AuditEvent.objects.for_centre(centre).filter(action="view").latest("pk").details["persons"]
    assert {marriage.niss, "77093022273", "24010100155"} <= set(section)
