"""Two people at once on the same dossier: the follow-up of a mutation never answers 500 for it."""

import pytest
from django.urls import reverse

from dossiers import services as dossier_services
from dossiers.models import Dossier
from mutations.models import Mutation
from primaweb.models import AuditEvent
from tests.concurrency import committed_meanwhile, needs_row_locks
from tests.factories import mutation_in

pytestmark = pytest.mark.django_db(transaction=True)


@needs_row_locks
def test_a_death_accepted_while_a_colleague_closes_the_dossier_closes_it_once(
    worker_client, centre, worker, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the BCSS unregistration is queued, not run here
    mutation = mutation_in(centre, kind="DEATH")

    def colleague_closes() -> None:  # from the dossier's page
        dossier = Dossier.objects.for_centre(centre).get(pk=mutation.dossier_id)
        dossier_services.dossier_close(dossier=dossier, user=worker, reason="Clôturé à la main")

    with committed_meanwhile(colleague_closes):
        response = worker_client.post(
            reverse("mutations:accept_death", args=[mutation.pk]), {"reason": "Décès le 3 mars"}
        )

    assert response.status_code == 302
    dossier = Dossier.objects.for_centre(centre).get(pk=mutation.dossier_id)
    assert dossier.is_closed and dossier.closing_reason == "Clôturé à la main"
    assert Mutation.objects.for_centre(centre).get(pk=mutation.pk).outcome == Mutation.Outcome.DOSSIER_CLOSED
    assert AuditEvent.objects.for_centre(centre).filter(details__event="dossier_closed").count() == 1
    # The reason typed is not lost: the mutation's entry of the log keeps it, and the worker is told.
    processed = AuditEvent.objects.for_centre(centre).get(details__event="mutation_processed")
    assert processed.details["reason"] == "Décès le 3 mars" and processed.details["dossier_already_closed"]
    page = worker_client.get(response["Location"]).content.decode()
    assert "avait déjà été clôturé" in page


def test_a_death_accepted_on_an_open_dossier_says_it_closed_it(worker_client, centre, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    mutation = mutation_in(centre, kind="DEATH")

    response = worker_client.post(
        reverse("mutations:accept_death", args=[mutation.pk]), {"reason": "Décès"}, follow=True
    )

    page = response.content.decode()
    assert "est clôturé" in page and "avait déjà été clôturé" not in page
    processed = AuditEvent.objects.for_centre(centre).get(details__event="mutation_processed")
    assert processed.details == {
        "event": "mutation_processed",
        "outcome": "dossier_closed",
        "reason": "Décès",
        "dossier_already_closed": False,
    }


def test_a_death_accepted_in_dutch_on_a_dossier_already_closed_is_told_in_dutch(
    worker_client, centre, worker, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    mutation = mutation_in(centre, kind="DEATH")
    dossier = Dossier.objects.for_centre(centre).get(pk=mutation.dossier_id)
    dossier_services.dossier_close(dossier=dossier, user=worker, reason="Verhuisd")
    worker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    response = worker_client.post(
        reverse("mutations:accept_death", args=[mutation.pk]), {"reason": "Overleden"}, follow=True
    )

    assert "was intussen al afgesloten" in response.content.decode()
