"""The identification flow's state, kept in the session between its screens.

Criteria and results stay on the server (no NISS in URLs or logs) so that « Retour » brings the list back
with the criteria as typed, without asking the BCSS again. The state is bound to the centre the search
was made for (`primaweb.flows`): a person looked up under one centre never gets a dossier in another.
"""

from dataclasses import asdict

from primaweb.flows import Flow, FlowInAnotherCentre

from . import bcss

SEARCH = Flow("dossiers.identification", start="dossiers:identify")
NEXT = Flow("dossiers.identification_next", start="dossiers:identify")


def save(request, *, mode: str, data: dict, persons: tuple[bcss.IdentifiedPerson, ...]) -> None:
    SEARCH.save(
        request,
        {"mode": mode, "data": data, "results": [asdict(p) for p in persons], "selected": None},
    )


def load(request) -> dict | None:
    return SEARCH.load(request)


def result(request, index: int) -> bcss.IdentifiedPerson | None:
    state = load(request)
    if state is None or not 0 <= index < len(state["results"]):
        return None
    return person_from_dict(state["results"][index])


def select(request, person: bcss.IdentifiedPerson) -> None:
    state = load(request) or {"mode": "niss", "data": {}, "results": []}
    state["selected"] = asdict(person)
    SEARCH.save(request, state)


def selected(request) -> bcss.IdentifiedPerson | None:
    state = load(request)
    if state is None or not state.get("selected"):
        return None
    return person_from_dict(state["selected"])


def clear(request) -> None:
    SEARCH.clear(request)


def person_from_dict(data: dict) -> bcss.IdentifiedPerson:
    return bcss.IdentifiedPerson(**{**data, "address": bcss.Address(**data["address"])})


def set_next(request, target: str) -> None:
    """Where to go once the dossier exists (`{dossier}` stands for its id), e.g. the upload screen.

    Only a path on this site is kept; anything else is ignored.
    """
    from django.utils.http import url_has_allowed_host_and_scheme

    host = request.get_host()
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={host}):
        NEXT.save(request, target)
    else:
        NEXT.clear(request)


def after_creation(request, dossier) -> str:
    """The page to show once `dossier` is created or found: the `next` asked for, else its main page."""
    from django.urls import reverse

    try:
        target = NEXT.pop(request, "")
    except FlowInAnotherCentre:
        # The dossier was rightly made in this centre; only a destination asked for elsewhere is dropped.
        target = ""
    if target:
        return target.replace("{dossier}", str(dossier.pk))
    return reverse("dossiers:detail", args=[dossier.pk])
