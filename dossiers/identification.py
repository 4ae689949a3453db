"""The identification flow's state, kept in the session between its screens.

Criteria and results stay on the server (no NISS in URLs or logs) so that « Retour » brings the list back
with the criteria as typed, without asking the BCSS again.
"""

from dataclasses import asdict

from . import bcss

SESSION_KEY = "dossiers_identification"
NEXT_KEY = "dossiers_identification_next"


def save(session, *, mode: str, data: dict, persons: tuple[bcss.IdentifiedPerson, ...]) -> None:
    session[SESSION_KEY] = {
        "mode": mode,
        "data": data,
        "results": [asdict(p) for p in persons],
        "selected": None,
    }


def load(session) -> dict | None:
    return session.get(SESSION_KEY)


def result(session, index: int) -> bcss.IdentifiedPerson | None:
    state = load(session)
    if state is None or not 0 <= index < len(state["results"]):
        return None
    return person_from_dict(state["results"][index])


def select(session, person: bcss.IdentifiedPerson) -> None:
    state = load(session) or {"mode": "niss", "data": {}, "results": []}
    state["selected"] = asdict(person)
    session[SESSION_KEY] = state


def selected(session) -> bcss.IdentifiedPerson | None:
    state = load(session)
    if state is None or not state.get("selected"):
        return None
    return person_from_dict(state["selected"])


def clear(session) -> None:
    session.pop(SESSION_KEY, None)


def person_from_dict(data: dict) -> bcss.IdentifiedPerson:
    return bcss.IdentifiedPerson(**{**data, "address": bcss.Address(**data["address"])})


def set_next(session, target: str, *, host: str) -> None:
    """Where to go once the dossier exists (`{dossier}` stands for its id), e.g. the upload screen.

    Only a path on this site is kept; anything else is ignored.
    """
    from django.utils.http import url_has_allowed_host_and_scheme

    if target and target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={host}):
        session[NEXT_KEY] = target
    else:
        session.pop(NEXT_KEY, None)


def after_creation(session, dossier) -> str:
    """The page to show once `dossier` is created or found: the `next` asked for, else its main page."""
    from django.urls import reverse

    target = session.pop(NEXT_KEY, "")
    if target:
        return target.replace("{dossier}", str(dossier.pk))
    return reverse("dossiers:detail", args=[dossier.pk])
