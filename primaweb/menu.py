"""The home page menu, as the manual lays it out.

Sections are fixed; each app registers its entries in its AppConfig.ready (docs/architecture.md,
« Extension points »), so that this module imports none of the apps above it; an app that is not installed
adds nothing, and a section with no entry is not shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise


@dataclass(frozen=True)
class Entry:
    section: str
    label: Promise
    url_name: str
    administrators_only: bool = False
    order: int = 100
    # How many items wait for the worker (e.g. unread requests), shown beside the label.
    count: Callable | None = None
    # The words for that count, `count_words(n)`; without it, « (n non lues) ».
    count_words: Callable | None = None

    def visible_to(self, membership) -> bool:
        return membership is not None and (not self.administrators_only or membership.is_administrator)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


SECTIONS = (
    Section("centre", _("Informations sur le C.P.A.S.")),
    Section("access", _("Accès")),
    Section("dossiers", _("Gestion des dossiers")),
    Section("documents", _("Gestion des documents (+ envoi vers eBox)")),
    Section("online", _("Mutations & Demandes CPAS Online")),
)
_entries: list[Entry] = []


def register(entry: Entry) -> None:
    if entry.section not in {section.key for section in SECTIONS}:
        raise ValueError(f"Unknown menu section {entry.section!r}")
    if entry not in _entries:
        _entries.append(entry)


def menu_for(membership) -> list[tuple[Section, list[tuple[Entry, int | None, str | None]]]]:
    """The sections and entries `membership` may see, each entry with its count (or None) and the
    entry's own words for it (None: the home page's « non lues »)."""
    menu = []
    for section in SECTIONS:
        entries = sorted(
            (e for e in _entries if e.section == section.key and e.visible_to(membership)),
            key=lambda e: e.order,
        )
        if entries:
            counted = [(e, e.count(membership.centre) if e.count else None) for e in entries]
            words = [e.count_words(n) if n is not None and e.count_words else None for e, n in counted]
            menu.append((section, [(e, n, w) for (e, n), w in zip(counted, words, strict=True)]))
    return menu


@dataclass(frozen=True)
class Attention:
    """What waits for the worker, on the home page: a label, how many, and the filtered list showing them.

    `items(membership)` returns (label, count, url) for each thing to look at; apps register theirs in
    their AppConfig.ready, the home page leaves out those counting none.
    """

    items: Callable
    order: int = 100


_attention: list[Attention] = []


def register_attention(attention: Attention) -> None:
    if attention not in _attention:
        _attention.append(attention)


def attention_for(membership) -> list[tuple[Promise, int, str]]:
    if membership is None:
        return []
    found = []
    for attention in sorted(_attention, key=lambda a: a.order):
        found.extend(item for item in attention.items(membership) if item[1])
    return found


register(Entry("centre", _("Fiche signalétique du C.P.A.S."), "primaweb:centre_sheet", order=10))
register(Entry("centre", _("Assistants sociaux du C.P.A.S."), "primaweb:social_workers", order=20))
register(Entry("access", _("Mes accès"), "primaweb:my_access", order=10))
register(Entry("access", _("Admin-Logs"), "primaweb:audit_log", administrators_only=True, order=20))
