"""Polling the register: what is stored, once, and what a bad batch or a dead register leaves."""

import datetime

import pytest
import requests
from django.utils import timezone

from mutations import register, services
from mutations.models import Mutation, MutationFeed
from simulators.bcss.models import RegisterMutation
from simulators.bcss.mutations import mutation_simulate_one
from tests.factories import DossierFactory
from tests.http import FailingAdapter

from .conftest import integrate, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(centre):
    dossier = DossierFactory(centre=centre)
    registered(dossier.beneficiary.niss)
    integrate(centre, dossier.beneficiary.niss)
    return dossier


def test_a_move_of_an_integrated_person_is_stored_for_the_centre_once(centre, followed, register_http):
    mutation_simulate_one(ssin=followed.beneficiary.niss, kind="MOVE", seed=1)

    first = services.mutations_poll(centre=centre)
    again = services.mutations_poll(centre=centre)

    stored = Mutation.objects.for_centre(centre).get()
    assert (first.stored, again.stored) == (1, 0)
    assert stored.kind == "MOVE" and stored.dossier == followed and stored.data["postal_code"]
    feed = MutationFeed.objects.for_centre(centre).get()
    assert feed.cursor == RegisterMutation.objects.get().pk


def test_a_mutation_delivered_twice_is_stored_once(centre, followed, register_http):
    mutation_simulate_one(ssin=followed.beneficiary.niss, kind="DEATH")
    services.mutations_poll(centre=centre)
    # The cursor lost (as after a restore): the register delivers the same mutation again.
    MutationFeed.objects.for_centre(centre).update(cursor=0)

    result = services.mutations_poll(centre=centre)

    assert result.duplicates == 1 and result.stored == 0
    assert Mutation.objects.for_centre(centre).count() == 1


def test_mutations_of_persons_without_a_dossier_or_outside_the_period_are_not_delivered_or_kept(
    centre, other_centre, followed, register_http, caplog
):
    stranger = registered("85073000297")
    integrate(centre, stranger.niss)  # integrated, yet no dossier here
    old = registered("85073000396")
    integrate(
        centre,
        old.niss,
        start=timezone.localdate() - datetime.timedelta(days=90),
        end=timezone.localdate() - datetime.timedelta(days=60),
    )
    elsewhere = registered("85073000495")
    integrate(other_centre, elsewhere.niss)
    for niss in (stranger.niss, old.niss, elsewhere.niss):
        mutation_simulate_one(ssin=niss, kind="MOVE")

    with caplog.at_level("INFO", logger="mutations.services"):
        result = services.mutations_poll(centre=centre)

    assert result.stored == 0 and result.ignored == 1  # the stranger's: delivered, not kept
    assert not Mutation.objects.for_centre(centre).exists()
    assert "without a dossier" in caplog.text and stranger.niss not in caplog.text


def test_only_the_types_the_centre_chose_are_received(centre, followed, register_http, administrator):
    services.feed_types_update(centre=centre, kinds=["DEATH"], by=administrator)
    mutation_simulate_one(ssin=followed.beneficiary.niss, kind="MOVE")

    services.mutations_poll(centre=centre)

    assert not Mutation.objects.for_centre(centre).exists()


# Each refused for what a person's data holds: none of it may reach the log or the feed.
BAD_MUTATIONS = {
    "NISS a digit short": "<SSIN>8507300029</SSIN><Type>DEATH</Type>",
    "NISS with a quote in it": "<SSIN>85073'00297</SSIN><Type>DEATH</Type>",
    "type that is a name": "<SSIN>85073000297</SSIN><Type>Jean D'Hondt</Type>",
    "name that breaks the XML": "<SSIN>85073000297</SSIN><Type>DEATH</Type><Note>D'Hondt&Vandamme;</Note>",
}


@pytest.mark.parametrize("bad", BAD_MUTATIONS.values(), ids=BAD_MUTATIONS.keys())
def test_a_malformed_batch_is_refused_whole_without_quoting_it_and_does_not_move_the_cursor(
    centre, followed, register_failing, caplog, bad
):
    good = "<Mutation><Id>5</Id><SSIN>85073000297</SSIN><Type>DEATH</Type><Date>2026-01-01</Date>"
    reply = (
        '<GetMutationsReply xmlns="urn:be:primaweb:bcss:mutations:v1"><Status><Code>OK</Code></Status>'
        f"<NextCursor>6</NextCursor><More>false</More>{good}<RecordedAt>2026-01-01T00:00:00</RecordedAt>"
        f"<Decease/></Mutation><Mutation><Id>6</Id>{bad}<Date>2026-01-01</Date>"
        "<RecordedAt>2026-01-01T00:00:00</RecordedAt><Decease/></Mutation></GetMutationsReply>"
    )
    from mutations.register import _envelope

    register_failing(FailingAdapter(status=200, body=_envelope(reply)))

    with caplog.at_level("ERROR", logger="mutations.services"):
        result = services.mutations_poll(centre=centre)

    feed = MutationFeed.objects.for_centre(centre).get()
    assert result.refusal and feed.refusal and "line 1" in feed.refusal and "refused a batch" in caplog.text
    said = feed.refusal + caplog.text
    assert not any(part in said for part in ("8507300029", "85073'00297", "Hondt", "Vandamme")), said
    assert feed.cursor == 0 and not Mutation.objects.for_centre(centre).exists()


def test_the_register_down_keeps_the_cursor_and_says_so(centre, followed, register_failing):
    register_failing(FailingAdapter(error=requests.ConnectionError("refused")))

    with pytest.raises(register.RegisterUnavailable):
        services.mutations_poll(centre=centre)

    feed = MutationFeed.objects.for_centre(centre).get()
    assert feed.cursor == 0 and "refused" in feed.error


def test_requests_and_replies_validate_against_the_schema(centre, followed, register_http):
    from lxml import etree

    mutation_simulate_one(ssin=followed.beneficiary.niss, kind="MARRIAGE")
    services.mutations_poll(centre=centre)

    request_body = etree.fromstring(register_http.calls[0].body)
    document = etree.fromstring(request_body.findtext(".//{*}xmlString").encode())
    assert register.schema().validate(document)


def _reply(*, id_="5", date="2026-01-01", recorded="2026-01-01T00:00:00", cursor="5"):
    return (
        '<GetMutationsReply xmlns="urn:be:primaweb:bcss:mutations:v1"><Status><Code>OK</Code></Status>'
        f"<NextCursor>{cursor}</NextCursor><More>false</More><Mutation><Id>{id_}</Id>"
        f"<SSIN>85073000297</SSIN><Type>DEATH</Type><Date>{date}</Date><RecordedAt>{recorded}</RecordedAt>"
        "<Decease/></Mutation></GetMutationsReply>"
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"date": "10000-01-01"},
        {"recorded": "2026-01-01T24:00:00"},
        {"id_": "99999999999999999999", "cursor": "99999999999999999999"},
        {"cursor": "99999999999999999999"},
    ],
    ids=["five-digit-year", "hour-24", "huge-id", "huge-cursor"],
)
def test_a_schema_valid_batch_the_centre_cannot_hold_is_refused_not_a_crash(
    centre, followed, register_failing, fields
):
    """xs:date, xs:dateTime and xs:positiveInteger allow values Python's dates or the database's integers
    do not hold: such a batch is refused whole (kept for the screens), the cursor stays."""
    from mutations.register import _envelope

    register_failing(FailingAdapter(status=200, body=_envelope(_reply(**fields))))

    result = services.mutations_poll(centre=centre)

    feed = MutationFeed.objects.for_centre(centre).get()
    assert result.refusal and feed.refusal
    assert feed.cursor == 0 and not Mutation.objects.for_centre(centre).exists()


def test_a_date_with_its_time_zone_is_read():
    batch = register.parse_batch(_reply(date="2026-01-01+01:00").encode(), kinds=["DEATH"])
    assert batch.mutations[0].occurred_on == datetime.date(2026, 1, 1)
