"""What the tenancy sweep needs to know of each URL that takes an object id.

Each later feature adds one line here: the URL name, and a function that makes an object of that kind in
the given (foreign) centre and returns the URL's keyword arguments. The sweep fails for a URL taking an id
that is missing here, so no screen can slip through unchecked.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from ebox.models import EboxCredentials
from mutations.models import MutationFeed
from tests.factories import (
    DocumentTypeFactory,
    DossierFactory,
    MembershipFactory,
    OnlineRequestFactory,
    audit_event_in,
    centre_label_in,
    centre_message_in,
    document_in,
    inbox_grant_in,
    invitation_in,
    letter_template_in,
    mailing_in,
    mutation_in,
    platform_object,
    publication_in,
)
from tests.samples import pdf_bytes

# The project's own apps (the simulators aside), in the order of INSTALLED_APPS: every sweep walks each one,
# so a new app is swept the day it is installed.
PROJECT_APPS = tuple(
    app
    for app in settings.INSTALLED_APPS
    if "." not in app and (Path(__file__).resolve().parent.parent / app / "apps.py").exists()
)


def _closed_dossier(centre):
    from django.utils import timezone

    return DossierFactory(centre=centre, closed_at=timezone.now(), closing_reason="Fin de l'aide")


def _acknowledged_request(centre):
    from django.core.files.base import ContentFile

    online_request = OnlineRequestFactory(centre=centre)
    online_request.acknowledgement.save("accuse.pdf", ContentFile(pdf_bytes()))
    return online_request


def _paper_deadline(centre):
    from deadlines.models import Deadline

    publication = publication_in(centre, state="sent", message_id="m-paper", expiration_date="2030-01-31")
    return Deadline.objects.for_centre(centre).get(publication=publication, kind=Deadline.Kind.PAPER)


TENANT_OBJECTS = {
    "primaweb:select_centre": lambda centre: {"centre_id": centre.pk},
    "primaweb:audit_event": lambda centre: {"pk": audit_event_in(centre).pk},
    "dossiers:detail": lambda centre: {"pk": DossierFactory(centre=centre).pk},
    "dossiers:full_record": lambda centre: {"pk": DossierFactory(centre=centre).pk},
    "dossiers:close": lambda centre: {"pk": DossierFactory(centre=centre).pk},
    "dossiers:reopen": lambda centre: {"pk": _closed_dossier(centre).pk},
    "dossiers:integration_retry": lambda centre: {"pk": DossierFactory(centre=centre).pk},
    "documents:upload": lambda centre: {"dossier_pk": DossierFactory(centre=centre).pk},
    "documents:dossier_section": lambda centre: {"dossier_pk": DossierFactory(centre=centre).pk},
    "documents:detail": lambda centre: {"pk": document_in(centre).pk},
    "documents:status": lambda centre: {"pk": document_in(centre).pk},
    "documents:pdf": lambda centre: {"pk": document_in(centre).pk},
    "documents:print": lambda centre: {"pk": document_in(centre).pk},
    "documents:download": lambda centre: {"pk": document_in(centre).pk},
    "documents:replace": lambda centre: {"pk": document_in(centre).pk},
    "documents:retry": lambda centre: {"pk": document_in(centre, status="failed").pk},
    "documents:archive": lambda centre: {"pk": document_in(centre).pk},
    "documents:delete": lambda centre: {"pk": document_in(centre).pk},
    "cpasonline:detail": lambda centre: {"pk": OnlineRequestFactory(centre=centre).pk},
    "cpasonline:mark_read": lambda centre: {"pk": OnlineRequestFactory(centre=centre).pk},
    "cpasonline:print": lambda centre: {"pk": OnlineRequestFactory(centre=centre).pk},
    "cpasonline:acknowledgement": lambda centre: {"pk": _acknowledged_request(centre).pk},
    "cpasonline:create_dossier": lambda centre: {"pk": OnlineRequestFactory(centre=centre).pk},
    "cpasonline:link_dossier": lambda centre: {
        "pk": OnlineRequestFactory(centre=centre).pk,
        "dossier_pk": DossierFactory(centre=centre).pk,
    },
    "cpasonline:dossier_section": lambda centre: {"dossier_pk": DossierFactory(centre=centre).pk},
    "ebox:send": lambda centre: {"pk": document_in(centre).pk},
    "ebox:document_publications": lambda centre: {"pk": document_in(centre).pk},
    "ebox:queued": lambda centre: {"pk": publication_in(centre, state="pending").pk},
    "ebox:retry": lambda centre: {"pk": publication_in(centre).pk},
    "ebox:verify": lambda centre: {"pk": publication_in(centre, state="to_verify").pk},
    "centrebox:message": lambda centre: {"pk": centre_message_in(centre).pk},
    "centrebox:message_read": lambda centre: {"pk": centre_message_in(centre).pk},
    "centrebox:label_add": lambda centre: {"pk": centre_message_in(centre).pk},
    "centrebox:label_remove": lambda centre: {
        "pk": centre_message_in(centre).pk,
        "label_pk": centre_label_in(centre).pk,
    },
    "centrebox:document_replies": lambda centre: {"pk": document_in(centre).pk},
    "centrebox:dossier_replies": lambda centre: {"dossier_pk": DossierFactory(centre=centre).pk},
    "centrebox:grant_edit": lambda centre: {"membership_pk": MembershipFactory(centre=centre).pk},
    "mutations:mark_processed": lambda centre: {"pk": mutation_in(centre).pk},
    "mutations:accept_move": lambda centre: {"pk": mutation_in(centre).pk},
    "mutations:accept_death": lambda centre: {"pk": mutation_in(centre, kind="DEATH").pk},
    "mutations:dossier_section": lambda centre: {"dossier_pk": DossierFactory(centre=centre).pk},
    "cpasonline:record_decision": lambda centre: {"pk": OnlineRequestFactory(centre=centre).pk},
    "cpasonline:record_notification": lambda centre: {"pk": OnlineRequestFactory(centre=centre).pk},
    "deadlines:paper_sent": lambda centre: {"pk": _paper_deadline(centre).pk},
    "letters:template_edit": lambda centre: {"pk": letter_template_in(centre).pk},
    "letters:dossier_section": lambda centre: {"dossier_pk": DossierFactory(centre=centre).pk},
    "letters:compose": lambda centre: {"dossier_pk": DossierFactory(centre=centre).pk},
    "letters:mailing": lambda centre: {"pk": mailing_in(centre).pk},
    "letters:mailing_progress": lambda centre: {"pk": mailing_in(centre).pk},
    "letters:mailing_retry": lambda centre: {"pk": mailing_in(centre).pk},
}

# The own-object control wants a 200, or after a POST a redirect that is not to the sign-in page. These
# GETs redirect by design, to the page named here (never the sign-in page).
GET_REDIRECTS = {
    "cpasonline:create_dossier": "dossiers:identify",  # the identification flow, then link_dossier
    "cpasonline:link_dossier": "cpasonline:detail",  # without the token signed by create_dossier
}

# Namespaces with a scoping of their own, tested on their own (tests/test_admin.py).
# The simulators stand for outside services: their pages belong to citizens, not to a centre.
SWEEP_EXCLUDED_NAMESPACES = {"admin", "bcss_simulator", "ebox_simulator"}

# The admin sweep (tests/test_admin_sweep.py) walks every registered model admin. A model a centre owns
# says here how to make one in a given centre; a model of the platform (no centre) is closed to centre
# administrators and only needs a row. A registered model in neither table fails the sweep.
ADMIN_TENANT_OBJECTS = {
    "primaweb.Centre": lambda centre: centre,
    "primaweb.User": lambda centre: MembershipFactory(centre=centre).user,
    "primaweb.Membership": lambda centre: MembershipFactory(centre=centre),
    "primaweb.AuditEvent": audit_event_in,
    "primaweb.Invitation": invitation_in,
    "documents.DocumentType": lambda centre: DocumentTypeFactory(centre=centre),
    "ebox.Publication": publication_in,
    "ebox.EboxCredentials": lambda centre: EboxCredentials.objects.for_centre(centre).get_or_create(
        centre=centre, defaults={"sender_application_id": "primaweb-test"}
    )[0],
    "centrebox.InboxGrant": inbox_grant_in,
    "centrebox.CentreLabel": centre_label_in,
    "mutations.MutationFeed": lambda centre: MutationFeed.objects.for_centre(centre).get_or_create(
        centre=centre
    )[0],
    "letters.LetterTemplate": letter_template_in,
}

ADMIN_PLATFORM_OBJECTS = {
    label: (lambda label=label: platform_object(label))
    for label in (
        "auth.Group",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
        "ebox_simulator.FaultSettings",
        "ebox_simulator.Citizen",
        "ebox_simulator.Message",
        "ebox_simulator.OAuthClient",
        "ebox_simulator.AccessToken",
        "ebox_simulator.Reply",
        "ebox_simulator.EnterpriseBox",
        "ebox_simulator.EnterpriseMessage",
        "ebox_simulator.SenderConfiguration",
        "ebox_simulator.UsedAssertion",
        "centrebox.MessageTypeName",
        "centrebox.SenderName",
    )
}

# --- ids that travel in a query string or a form body ------------------------------------------------


class IdParameter:
    """A view reading an object id from `param` (query string for GET, form body for POST).

    `url` makes the URL's own keyword arguments in the user's centre; `foreign` makes an object in
    another centre and returns it (its `pk` is sent). `expect` is "404" (the view refuses the id) or
    "refused" (a bound form in the page's context has an error on `param`). Either way the object's
    `str()` is not in the page and nothing is written.
    """

    def __init__(self, url_name, method, param, foreign, expect, url=lambda centre: {}, data=None):
        self.url_name, self.method, self.param = url_name, method, param
        self.foreign, self.expect, self.url, self.data = foreign, expect, url, data or {}

    def __repr__(self):
        return f"{self.url_name}?{self.param}"


def _dossier(centre):
    return {"dossier_pk": DossierFactory(centre=centre).pk}


ID_PARAMETERS = [
    IdParameter(
        "letters:template_add",
        "post",
        "document_type",
        lambda c: DocumentTypeFactory(centre=c),
        "refused",
        data={"name": "Modèle", "language": "fr"},
    ),
    IdParameter(
        "letters:compose",
        "post",
        "template",
        lambda c: letter_template_in(c),
        "refused",
        url=_dossier,
        data={"action": "fields"},
    ),
    IdParameter(
        "letters:mailing_new",
        "post",
        "document_type",
        lambda c: DocumentTypeFactory(centre=c),
        "refused",
    ),
    IdParameter("documents:manage", "get", "dossier", lambda c: DossierFactory(centre=c), "404"),
    IdParameter(
        "documents:manage", "get", "document_type", lambda c: DocumentTypeFactory(centre=c), "refused"
    ),
    IdParameter(
        "documents:upload",
        "post",
        "document_type",
        lambda c: DocumentTypeFactory(centre=c),
        "refused",
        url=_dossier,
        data={"file": lambda: SimpleUploadedFile("decision.pdf", pdf_bytes(), "application/pdf")},
    ),
    IdParameter(
        "centrebox:inbox",
        "get",
        "label",
        lambda c: centre_label_in(c, name="Libellé d'un autre CPAS"),
        "refused",
    ),
]

# Every key a view reads from request.GET / request.POST by name, and what it is. A key that names an
# object is swept through ID_PARAMETERS; any other says why it names none. A new key fails the sweep.
REQUEST_PARAMETERS = {
    "dossier": "id: documents:manage",
    "apres": "a keyset cursor (sort key values) into the view's own, scoped list",
    "avant": "a keyset cursor (sort key values) into the view's own, scoped list",
    "retour": "a flag: come back to the identification state kept in the session",
    "next": "a local URL to go back to, checked against the host",
    "mode": "the identification mode: niss or phonetic",
    "n": "an index into the BCSS answer kept in this user's session",
    "tri": "a sort key among fixed choices",
    "anciens": "a flag: archived documents",
    "action": "archive or unarchive; or which button of « Rédiger un courrier » (fields, preview, save)",
    "t": "a signed token bound to the request's id and the user's (cpasonline:link_dossier), or to an "
    "invitation and its key (primaweb:invitation), opened only by the invited account",
    "language": "a language code",
    "state": "the federal sign-in's anti-forgery value, checked against the citizen's session",
    "code": "the federal sign-in's authorisation code, exchanged with the provider",
    "depuis": "a flag: back to the dossier's page rather than the list of mutations",
    "qui": "whose deadlines among fixed choices: the user's own or the chosen centre's",
    "periode": "a period among fixed choices (overdue, today, the next seven days)",
}

# Forms' fields that choose a centre-owned object, and the sweep case that covers each.
MODEL_CHOICE_FIELDS = {
    "documents.forms.UploadForm.document_type": "documents:upload?document_type",
    "documents.forms.ManageFilterForm.document_type": "documents:manage?document_type",
    "centrebox.forms.InboxFilterForm.label": "centrebox:inbox?label",
    "letters.forms.TemplateForm.document_type": "letters:template_add?document_type",
    "letters.forms.ComposeForm.template": "letters:compose?template",
    "letters.forms.MailingForm.document_type": "letters:mailing_new?document_type",
}
