"""Multi-step state kept in the session, bound to the centre the flow started in.

A flow (the identification of a person, then « Créer le dossier ») spans several requests. If the user
switched centre in between, finishing it would write into one centre what was looked up under another.
So every flow keeps its state through `Flow`, which records the centre with the data and refuses to hand
it back under another centre: `FlowInAnotherCentre` is raised, the state is dropped, and `centre_required`
turns the exception into a message and a redirect to the flow's first screen. Nothing else should keep
multi-step state in `request.session`.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "primaweb_flows"

CENTRE_CHANGED = _(
    "Cette démarche a été commencée dans un autre C.P.A.S. : elle a été abandonnée et rien n'a été "
    "enregistré. Recommencez-la dans le C.P.A.S. où vous travaillez maintenant."
)
ABANDONED_ON_SWITCH = _("La démarche en cours dans l'autre C.P.A.S. a été abandonnée.")


class FlowInAnotherCentre(Exception):
    """The flow's state belongs to another centre than the request's; `restart` is where to begin again."""

    def __init__(self, restart: str):
        super().__init__(restart)
        self.restart = restart


class Flow:
    """One flow's state in the session; `start` names the URL of its first screen."""

    def __init__(self, name: str, *, start: str):
        self.name = name
        self.start = start

    def _flows(self, request) -> dict:
        return request.session.setdefault(SESSION_KEY, {})

    def save(self, request, data) -> None:
        """Keeps `data` (JSON-serialisable) for this flow, under the request's centre."""
        if request.centre is None:
            raise ValueError("A flow needs a centre.")
        self._flows(request)[self.name] = {"centre": request.centre.pk, "data": data}
        request.session.modified = True

    def load(self, request):
        """This flow's data, None when none was kept; raises `FlowInAnotherCentre` if kept elsewhere."""
        stored = request.session.get(SESSION_KEY, {}).get(self.name)
        if stored is None:
            return None
        if request.centre is None or stored.get("centre") != request.centre.pk:
            self.clear(request)
            raise FlowInAnotherCentre(reverse(self.start))
        return stored["data"]

    def pop(self, request, default=None):
        data = self.load(request)
        self.clear(request)
        return default if data is None else data

    def clear(self, request) -> None:
        flows = request.session.get(SESSION_KEY)
        if flows and self.name in flows:
            del flows[self.name]
            request.session.modified = True


def flows_abandon(session) -> bool:
    """Drops every flow in progress (on a change of centre); True when there was one."""
    return bool(session.pop(SESSION_KEY, None))
