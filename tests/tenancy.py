"""What the tenancy sweep needs to know of each URL that takes an object id.

Each later feature adds one line here: the URL name, and a function that makes an object of that kind in
the given (foreign) centre and returns the URL's keyword arguments. The sweep fails for a URL taking an id
that is missing here, so no screen can slip through unchecked.
"""

from tests.factories import DossierFactory, audit_event_in

TENANT_OBJECTS = {
    "primaweb:select_centre": lambda centre: {"centre_id": centre.pk},
    "primaweb:audit_event": lambda centre: {"pk": audit_event_in(centre).pk},
    "dossiers:detail": lambda centre: {"pk": DossierFactory(centre=centre).pk},
}

# Namespaces with a scoping of their own, tested on their own (tests/test_admin.py).
SWEEP_EXCLUDED_NAMESPACES = {"admin"}
