"""Every screen that shows a person's data leaves one « Consultation » in the audit trail.

The sweep walks every URL of the project (the resolver's, not a hand-kept list): a screen added later
without `primaweb.services.audit_consultation` fails here, unless it is named below among the screens
that show no personal data, with the reason.
"""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from primaweb.models import AuditEvent
from tests.conftest import sign_in
from tests.factories import (
    DossierFactory,
    MembershipFactory,
    OnlineRequestFactory,
    centre_message_in,
    document_in,
    niss_for,
    publication_in,
)
from tests.tenancy import SWEEP_EXCLUDED_NAMESPACES, TENANT_OBJECTS

# Screens that show no one's personal data, or are no screen at all. Each line says why; anything not
# listed here must write a consultation event.
NOT_CONSULTATIONS = {
    # Public or signing-in pages: no one is signed in to a centre there.
    "login": "the sign-in form",
    "logout": "signs out (POST)",
    "set_language": "switches the language (POST)",
    "cpasonline:form": "the citizen's public form",
    "cpasonline:sign_out": "the citizen's public sign-out",
    "cpasonline:filed": "the citizen's public confirmation",
    "cpasonline:federal_sign_in": "sends the citizen to the federal sign-in provider",
    "cpasonline:federal_callback": "the federal sign-in's return to the citizen's public form",
    "cpasonline:simulated_sign_in": "the citizen's simulated sign-in, for the simulators only",
    # Pages of the user's own account and centre, no beneficiary on them.
    "primaweb:home": "the menu and unread counts",
    "primaweb:choose_centre": "the user's own centres and profiles",
    "primaweb:select_centre": "chooses a centre (POST); traced as « Choix du C.P.A.S. »",
    "primaweb:centre_sheet": "the centre's own sheet",
    "primaweb:social_workers": "the centre's staff directory, no beneficiary",
    "primaweb:my_access": "the user's own memberships",
    "primaweb:invitation": "an access offered to the user's own account: a centre and a role",
    "centrebox:grants": "the centre's members and what they may see of its e-Box, no beneficiary",
    "centrebox:grant_edit": "one member's e-Box grant, no beneficiary; saving it is traced as a change",
    "documents:status": "the conversion status of a document, as JSON: no name, no NISS",
    "mutations:types": "the mutation types the centre receives, no beneficiary",
    "letters:templates": "the centre's letter templates: names, languages, document types, no person",
    "letters:template_add": "adds a letter template: no person",
    "letters:template_edit": "one letter template: its name, language and fields, no person",
    "letters:dossier_section": "a link to « Rédiger un courrier » on the dossier page, which is traced",
    "letters:mailing_new": "the criteria of a mass mailing and the centre's recent mailings, no person",
    "letters:mailing_progress": "a mass mailing's counts, as JSON: no name, no NISS",
    # Steps that show nothing themselves: they redirect, or look up the BCSS. The BCSS look-ups of the
    # identification flow are traced as « Consultation de la BCSS » by dossiers.services
    # (tests/dossiers/test_identification_flow.py).
    "dossiers:identify": "the BCSS search form; its look-ups are traced as BCSS consultations",
    "dossiers:person_details": "the BCSS look-up of a person found; traced as a BCSS consultation",
    "cpasonline:create_dossier": "redirects into the identification flow",
    "cpasonline:link_dossier": "asks to confirm with the request's reference and the dossier's number, no "
    "name; the link itself is a POST, traced as a change",
    "deadlines:digest": "the user's own choice of the daily summary: no person shown",
}

# Screens that show their rows only once criteria are given: the sweep searches with these.
QUERIES = {
    "dossiers:search": lambda data: {"name": data["dossier"].beneficiary.last_name},
    "documents:upload_start": lambda data: {"name": data["dossier"].beneficiary.last_name},
}

# The audit trail itself is for the centre's administrators.
ADMINISTRATOR_SCREENS = {
    "primaweb:audit_log",
    "primaweb:audit_event",
    "centrebox:grants",
    "centrebox:grant_edit",
    "mutations:types",
    "letters:templates",
    "letters:template_add",
    "letters:template_edit",
}


def _acknowledged_request(centre):
    online_request = OnlineRequestFactory(centre=centre, niss=niss_for("850730", 990))
    online_request.acknowledgement.save("accuse.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return {"pk": online_request.pk}


# Where the sweep's factories (made for another centre's ids) give an object that shows nothing.
OWN_OBJECTS = {"cpasonline:acknowledgement": _acknowledged_request}


def _all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SWEEP_EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _all_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}".strip(":")


URL_NAMES = sorted(set(_all_url_names()))
CONSULTATIONS = [name for name in URL_NAMES if name not in NOT_CONSULTATIONS]


def test_the_sweep_walks_the_screens_of_every_app():
    assert {"dossiers:list", "documents:manage", "cpasonline:list", "centrebox:inbox", "ebox:queued"} <= set(
        CONSULTATIONS
    )
    assert set(NOT_CONSULTATIONS) <= set(URL_NAMES), "Drop the allow-list's lines of URLs that are gone."


@pytest.fixture
def own_data(centre, worker):
    """Data of the worker's own centre, so every list has rows and every person a NISS."""
    from centrebox import services as centrebox

    # Two namesakes, so that a search by name lists them instead of opening the one found.
    dossier, _namesake = DossierFactory.create_batch(2, centre=centre, beneficiary__last_name="Dupont")
    document = document_in(centre, dossier=dossier)
    publication_in(centre, document=document)
    OnlineRequestFactory(centre=centre, niss=dossier.beneficiary.niss)
    centre_message_in(centre, sender=dossier.beneficiary.niss, sender_is_citizen=True)
    membership = worker.memberships.get(centre=centre)
    centrebox.grant_set(membership=membership, may_open_ebox=True, message_types=["SPPIS_INFORMATION"])
    return {"dossier": dossier, "document": document}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", CONSULTATIONS)
def test_every_screen_showing_persons_writes_one_consultation_event(url_name, centre, worker, own_data):
    user = worker
    if url_name in ADMINISTRATOR_SCREENS:
        user = MembershipFactory(centre=centre, role="administrator").user
    client = sign_in(Client(), user, centre)
    kwargs = {}
    if url_name in TENANT_OBJECTS:
        kwargs = (OWN_OBJECTS.get(url_name) or TENANT_OBJECTS[url_name])(centre)
    query = QUERIES[url_name](own_data) if url_name in QUERIES else {}
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = client.get(reverse(url_name, kwargs=kwargs), query)

    if response.status_code == 405:
        return  # An action taking POST only: it shows nothing on GET.
    assert response.status_code == 200, f"{url_name} should show its page to a member: {response.status_code}"
    events = list(AuditEvent.objects.filter(pk__gt=before, action=AuditEvent.Action.VIEW, user=user))
    assert len(events) == 1, (
        f"{url_name} shows a screen: it must call primaweb.services.audit_consultation once per page "
        f"(or be listed in NOT_CONSULTATIONS with the reason it shows no personal data); wrote {len(events)}"
    )
    event = events[0]
    assert event.centre == centre
    # Whom the screen showed: the object opened, the persons listed, or the criteria searched.
    assert event.object_id or event.details.get("persons") or event.details.get("criteria"), event.details
    # Through audit_consultation: the screen is named, as the log shows it.
    assert event.details.get("screen"), f"{url_name} must trace through audit_consultation: {event.details}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "screen"), [("documents:pdf", "Document (PDF)"), ("documents:download", "Sauvegarder")]
)
def test_opening_a_documents_pdf_names_the_beneficiary_and_the_screen(
    worker_client, centre, worker, url_name, screen
):
    document = document_in(centre)

    response = worker_client.get(reverse(url_name, args=[document.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, user=worker)
    assert event.details["persons"] == [document.dossier.beneficiary.niss]
    assert (event.details["screen"], event.object_id) == (screen, str(document.pk))


@pytest.mark.django_db
def test_opening_a_centre_ebox_message_names_the_citizen_who_wrote_it(worker_client, centre, worker):
    from centrebox import services as centrebox

    niss = niss_for("850730", 990)
    message = centre_message_in(centre, sender=niss, sender_is_citizen=True)
    membership = worker.memberships.get(centre=centre)
    centrebox.grant_set(membership=membership, may_open_ebox=True, message_types=[message.message_type])

    response = worker_client.get(reverse("centrebox:message", args=[message.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, user=worker)
    assert event.details["persons"] == [niss]
    assert event.details["screen"] == "Message de l'e-Box du C.P.A.S."
    assert event.details["ebox_message_id"] == message.message_id


@pytest.mark.django_db
def test_a_list_writes_one_event_naming_the_persons_of_its_page_only(worker_client, centre, worker):
    dossiers = DossierFactory.create_batch(27, centre=centre)  # 25 a page: the second page shows 2
    first = worker_client.get(reverse("dossiers:list"), {"tri": "number"})
    following = first.context["page"].next_query
    before = AuditEvent.objects.count()

    response = worker_client.get(f"{reverse('dossiers:list')}?{following}")

    assert response.status_code == 200
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, user=worker).latest("at", "id")
    shown = sorted(dossiers, key=lambda dossier: dossier.number)[25:]
    assert event.details["persons"] == sorted(dossier.beneficiary.niss for dossier in shown)
    assert event.details["shown"] == {"dossiers.Dossier": [str(dossier.pk) for dossier in shown]}
    assert event.details["criteria"] == {"tri": "number", "page": 2}
    assert (event.centre, event.ip_address) == (centre, "127.0.0.1")


@pytest.mark.django_db
def test_a_search_records_its_criteria_and_the_persons_found(worker_client, centre, worker):
    found = DossierFactory.create_batch(2, centre=centre, beneficiary__last_name="Dupont")
    DossierFactory(centre=centre, beneficiary__last_name="Martin")

    worker_client.get(reverse("dossiers:search"), {"name": "dupont"})

    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, user=worker)
    assert event.details["criteria"] == {"name": "dupont"}
    assert event.details["persons"] == sorted(dossier.beneficiary.niss for dossier in found)


@pytest.mark.django_db
def test_an_empty_search_form_shows_no_one_and_writes_nothing(worker_client, worker):
    worker_client.get(reverse("dossiers:search"))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, user=worker).exists()


@pytest.mark.django_db
def test_admin_logs_summarise_a_consultation_in_the_readers_language(
    worker_client, centre_admin_client, centre
):
    DossierFactory.create_batch(3, centre=centre)
    worker_client.get(reverse("dossiers:list"))

    page = centre_admin_client.get(reverse("primaweb:audit_log"), {"action": "view"}).content.decode()
    assert "Dossiers du C.P.A.S. — tri: -created, page: 1 — 3 personnes" in page

    centre_admin_client.cookies["django_language"] = "nl"
    page = centre_admin_client.get(reverse("primaweb:audit_log"), {"action": "view"}).content.decode()
    assert "3 personen" in page


@pytest.mark.django_db
def test_admin_logs_find_the_consultations_that_showed_a_person_by_their_niss(
    worker_client, centre_admin_client, centre
):
    from stdnum.be import nn

    shown, other = DossierFactory.create_batch(2, centre=centre)
    document_in(centre, dossier=shown)
    worker_client.get(reverse("dossiers:detail", args=[shown.pk]))
    worker_client.get(reverse("documents:manage"), {"niss": shown.beneficiary.niss})

    def found(niss):
        page = centre_admin_client.get(reverse("primaweb:audit_log"), {"action": "view", "target": niss})
        return page.content.decode()

    page = found(nn.format(shown.beneficiary.niss))
    assert "Page principale du dossier" in page and "Gérer les documents" in page
    assert "Gérer les documents" not in found(other.beneficiary.niss)


@pytest.mark.django_db
def test_an_events_page_spells_out_the_persons_and_criteria_of_a_consultation(
    worker_client, centre_admin_client, centre, worker
):
    dossiers = DossierFactory.create_batch(2, centre=centre)
    worker_client.get(reverse("dossiers:list"))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, user=worker)

    page = centre_admin_client.get(reverse("primaweb:audit_event", args=[event.pk])).content.decode()

    assert "<dt>Personnes (NISS)</dt>" in page
    assert ", ".join(sorted(dossier.beneficiary.niss for dossier in dossiers)) in page
    assert "<dt>Écran</dt><dd>Dossiers du C.P.A.S.</dd>" in page
    assert "tri: -created; page: 1" in page


# --- The Django admin -------------------------------------------------------------------------------------
# Its lists and object pages show centre data too (a citizen's NISS on a publication, the persons an
# audit event names, workers' identities), and its search box takes a NISS.

# Model admins of the platform, not of a centre: closed to centre administrators
# (tests/test_admin_sweep.py), and showing no centre's beneficiaries.
ADMIN_NOT_CONSULTATIONS = {
    "mutations.MutationFeed": "the mutation types a centre receives and where the polling stands, no person",
    "auth.Group": "permission groups of the platform: names and permissions, no person",
    "axes.AccessAttempt": "sign-in attempts (username, address): the platform's security log",
    "axes.AccessLog": "sign-ins (username, address): the platform's security log, superusers only",
    "axes.AccessFailureLog": "failed sign-ins (username, address): the platform's security log",
    "centrebox.MessageTypeName": "the names of the eBox message types, in three languages: no person",
    "centrebox.SenderName": "the names of the senders of eBox messages, in three languages: no person",
    **{
        f"ebox_simulator.{name}": "the simulated federal eBox: made-up citizens, off in production"
        for name in (
            "FaultSettings",
            "Citizen",
            "Message",
            "OAuthClient",
            "AccessToken",
            "Reply",
            "EnterpriseBox",
            "EnterpriseMessage",
            "SenderConfiguration",
            "UsedAssertion",
        )
    },
}


def _admin_models():
    from django.contrib import admin

    return sorted(model._meta.label for model in admin.site._registry)


ADMIN_MODELS = _admin_models()
TRACED_ADMIN_MODELS = [label for label in ADMIN_MODELS if label not in ADMIN_NOT_CONSULTATIONS]


def _admin_url(label, view, *args):
    from django.apps import apps
    from django.contrib.admin.utils import quote

    opts = apps.get_model(label)._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[quote(arg) for arg in args])


def _new_views(user, before):
    return list(
        AuditEvent.objects.filter(pk__gt=before, action=AuditEvent.Action.VIEW, user=user).order_by("pk")
    )


def _last_event_pk():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_every_model_admin_traces_its_consultations_or_says_why_not():
    from django.apps import apps
    from django.contrib import admin

    from primaweb.admin_audit import ConsultationAuditMixin

    assert set(ADMIN_NOT_CONSULTATIONS) <= set(ADMIN_MODELS), "Drop the lines of model admins that are gone."
    for label in TRACED_ADMIN_MODELS:
        model_admin = admin.site._registry[apps.get_model(label)]
        assert isinstance(model_admin, ConsultationAuditMixin), (
            f"{label}'s admin shows centre data: inherit CentreAdministratorMixin "
            "(or ConsultationAuditMixin), or list it in ADMIN_NOT_CONSULTATIONS with the reason"
        )
    assert {"ebox.Publication", "primaweb.AuditEvent", "primaweb.User"} <= set(TRACED_ADMIN_MODELS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["administrator", "superuser"])
@pytest.mark.parametrize("label", TRACED_ADMIN_MODELS)
def test_every_admin_list_and_object_page_writes_one_consultation_per_centre(label, role, centre):
    from primaweb.admin_audit import centres_touched
    from tests.factories import UserFactory
    from tests.tenancy import ADMIN_TENANT_OBJECTS

    own = ADMIN_TENANT_OBJECTS[label](centre)
    if role == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    else:
        user = MembershipFactory(centre=centre, role="administrator").user
    client = Client()
    client.force_login(user)

    before = _last_event_pk()
    assert client.get(_admin_url(label, "changelist")).status_code == 200
    listed = _new_views(user, before)
    mine = [event for event in listed if event.centre == centre]
    assert len(mine) == 1, f"the list of {label} must write one consultation for {centre}: {listed}"
    assert str(own.pk) in mine[0].details["shown"][label]
    assert mine[0].details["screen"] == "Administration : liste"
    # Each event names only the rows of its own centre.
    for event in listed:
        for pk in event.details.get("shown", {}).get(label, []):
            row = type(own)._default_manager.get(pk=pk)
            assert event.centre in centres_touched(row), (event.centre, row)
    if role == "administrator":
        assert len(listed) == 1

    before = _last_event_pk()
    assert client.get(_admin_url(label, "change", own.pk)).status_code == 200
    opened = [event for event in _new_views(user, before) if event.centre == centre]
    assert len(opened) == 1, f"the page of a {label} must write one consultation for {centre}"
    assert (opened[0].object_type, opened[0].object_id) == (label, str(own.pk))
    assert opened[0].details["screen"] == "Administration : fiche"

    # A POST (a change, an action) is no consultation: it is traced as what it does.
    before = _last_event_pk()
    client.post(_admin_url(label, "changelist"), {"action": "", "index": "0"})
    assert _new_views(user, before) == []


@pytest.mark.django_db
def test_a_niss_searched_in_the_admin_is_in_the_centres_admin_logs(centre, administrator):
    from primaweb.selectors import audit_events

    publication = publication_in(centre)
    niss = publication.recipient_niss
    client = Client()
    client.force_login(administrator)

    client.get(_admin_url("ebox.Publication", "changelist"), {"q": niss})
    client.get(_admin_url("ebox.Publication", "change", publication.pk))

    events = audit_events(centre=centre, action="view", object_query=niss).filter(user=administrator)
    assert events.count() == 2
    search = events.get(object_id="")
    assert search.details["criteria"] == {"q": niss} and search.details["persons"] == [niss]


@pytest.mark.django_db
def test_an_admin_search_finding_nobody_still_records_what_was_searched(centre, administrator):
    client = Client()
    client.force_login(administrator)

    client.get(_admin_url("ebox.Publication", "changelist"), {"q": "85073003328"})

    (event,) = _new_views(administrator, 0)
    assert event.centre == centre and event.details["criteria"] == {"q": "85073003328"}


@pytest.mark.django_db
def test_a_superusers_look_at_several_centres_is_in_each_centres_admin_logs(centre, other_centre):
    from primaweb.selectors import audit_events
    from tests.factories import UserFactory

    here, there = publication_in(centre), publication_in(other_centre)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)

    client.get(_admin_url("ebox.Publication", "changelist"))

    for publication in (here, there):
        (event,) = audit_events(centre=publication.centre, action="view").filter(user=superuser)
        # Each centre reads what was seen of its own citizens, and nothing of the other's.
        assert event.details["persons"] == [publication.recipient_niss]
        assert event.details["shown"] == {"ebox.Publication": [str(publication.pk)]}
