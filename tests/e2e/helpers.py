"""Steps several walks share."""

import time

from primaweb.demo import DEMO_PASSWORD


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def wait_for_status(document, status: str, seconds: float = 30) -> None:
    """Waits for the worker thread to move `document` to `status`; says where it stands if it does not."""
    from ebox.models import Publication

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status == status:
            return
        time.sleep(0.2)
    reasons = list(Publication.objects.filter(document=document).values_list("state", "last_error"))
    raise AssertionError(f"document still {document.status}: {reasons}")
