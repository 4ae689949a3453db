"""What other apps add to a document's page without this app importing them.

- actions: buttons posting to another app's URL taking the document's id (« Envoyer vers eBox »), shown
  for the statuses they apply to;
- sections: fragments served by another app at a URL taking the document's id, loaded in place on the
  document's page (a link for browsers without JavaScript).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Action:
    label: Promise
    url_name: str
    statuses: tuple[str, ...]
    confirm: Promise | None = None  # asked first when the document was already sent
    order: int = 100

    def url(self, document) -> str:
        return reverse(self.url_name, kwargs={"pk": document.pk})


@dataclass(frozen=True)
class Section:
    title: Promise
    url_name: str
    order: int = 100

    def url(self, document) -> str:
        return reverse(self.url_name, kwargs={"pk": document.pk})


_actions: list[Action] = []
_sections: list[Section] = []
# Checks that hold a document still while another app works on it (a send under way): each takes the
# document and returns True to forbid replacing or deleting it for now.
_holds: list = []


def register_hold(check) -> None:
    if check not in _holds:
        _holds.append(check)


def is_held(document) -> bool:
    return any(check(document) for check in _holds)


def register_action(action: Action) -> None:
    if action not in _actions:
        _actions.append(action)


def register_section(section: Section) -> None:
    if section not in _sections:
        _sections.append(section)


def actions_for(document) -> list[tuple[Action, str]]:
    if document.deleted_at is not None:
        return []
    chosen = [a for a in _actions if document.status in a.statuses]
    return [(action, action.url(document)) for action in sorted(chosen, key=lambda a: a.order)]


def sections_for(document) -> list[tuple[Section, str]]:
    return [(section, section.url(document)) for section in sorted(_sections, key=lambda s: s.order)]


# Checks that hold back sending a document to its recipient (the register reported the recipient's
# death): each takes the document and returns a `documents.failures.Failure` saying why, or None. The
# sending app asks before a message leaves and keeps the send « à vérifier » instead.
_send_holds: list = []


def register_send_hold(check) -> None:
    if check not in _send_holds:
        _send_holds.append(check)


def send_hold(document):
    """The first reason a registered check gives to hold back sending `document`, or None."""
    for check in _send_holds:
        reason = check(document)
        if reason is not None:
            return reason
    return None
