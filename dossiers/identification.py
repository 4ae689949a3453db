"""The identification flow's state, kept in the session between its screens.

Criteria and results stay on the server (no NISS in URLs or logs) so that « Retour » brings the list back
with the criteria as typed, without asking the BCSS again.
"""

from dataclasses import asdict

from . import bcss

SESSION_KEY = "dossiers_identification"


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
