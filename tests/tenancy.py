"""What the tenancy sweep needs to know of each URL that takes an object id.

Each later feature adds one line here: the URL name, and a function that makes an object of that kind in
the given (foreign) centre and returns the URL's keyword arguments. The sweep fails for a URL taking an id
that is missing here, so no screen can slip through unchecked.
"""

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
    platform_object,
    publication_in,
)

TENANT_OBJECTS = {
    "primaweb:select_centre": lambda centre: {"centre_id": centre.pk},
    "primaweb:audit_event": lambda centre: {"pk": audit_event_in(centre).pk},
    "dossiers:detail": lambda centre: {"pk": DossierFactory(centre=centre).pk},
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
    "cpasonline:acknowledgement": lambda centre: {"pk": OnlineRequestFactory(centre=centre).pk},
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
    "centrebox:message": lambda centre: {"pk": centre_message_in(centre).pk},
    "centrebox:message_read": lambda centre: {"pk": centre_message_in(centre).pk},
    "centrebox:label_add": lambda centre: {"pk": centre_message_in(centre).pk},
    "centrebox:label_remove": lambda centre: {
        "pk": centre_message_in(centre).pk,
        "label_pk": centre_label_in(centre).pk,
    },
    "centrebox:document_replies": lambda centre: {"pk": document_in(centre).pk},
    "centrebox:dossier_replies": lambda centre: {"dossier_pk": DossierFactory(centre=centre).pk},
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
    "documents.DocumentType": lambda centre: DocumentTypeFactory(centre=centre),
    "ebox.Publication": publication_in,
    "centrebox.InboxGrant": inbox_grant_in,
    "centrebox.CentreLabel": centre_label_in,
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
    )
}
