"""Sections that other apps add to a dossier's main page, without this app importing them.

Each section is a fragment served by its own app at a URL taking the dossier's id; the page loads it
(a few lines of JavaScript) and links to it for browsers without JavaScript.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    title: Promise
    url_name: str
    order: int = 100

    def url(self, dossier) -> str:
        return reverse(self.url_name, kwargs={"dossier_pk": dossier.pk})


_sections: list[Section] = []


def register(section: Section) -> None:
    if section not in _sections:
        _sections.append(section)


def sections_for(dossier) -> list[tuple[Section, str]]:
    return [(section, section.url(dossier)) for section in sorted(_sections, key=lambda s: s.order)]
