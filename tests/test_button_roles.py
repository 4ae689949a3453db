"""Every button of Primaweb's screens says its role, so that one style per role applies everywhere.

A `<button>` or a submit `<input>` without one of these classes is drawn by the browser's own default
look (a grey box), unlike every other button of the page.
"""

import re
from pathlib import Path

from django.conf import settings

ROLES = {
    "primary",  # the step the screen is for (« Rechercher », « Charger », « Envoyer vers eBox »)
    "secondary",  # another action (« Archiver », « Marquer comme lu », « Réessayer »)
    "danger",  # an action that destroys (« Supprimer »)
    "link",  # a button that reads as a link inside a sentence or the header (« Se déconnecter »)
}

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The Django admin's pages keep the admin's own look (its buttons are styled by its stylesheet).
OWN_LOOK = {"admin"}

TAG = re.compile(r"<(button|input)\b([^>]*)>", re.IGNORECASE)
CLASSES = re.compile(r"""\bclass\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
TYPE = re.compile(r"""\btype\s*=\s*["']?(\w+)""", re.IGNORECASE)


def buttons_without_a_role(text: str) -> list[str]:
    # A template tag inside an element ({% if %}…{% endif %}) may hold a « > »: drop the tags and keep
    # what they wrap, so that a class written conditionally still counts.
    text = re.sub(r"{%.*?%}", "", text, flags=re.DOTALL)
    missing = []
    for match in TAG.finditer(text):
        element, attributes = match.group(1).lower(), match.group(2)
        if element == "input":
            kind = TYPE.search(attributes)
            if not kind or kind.group(1).lower() not in {"submit", "button", "reset"}:
                continue
        classes = set(CLASSES.search(attributes).group(1).split()) if CLASSES.search(attributes) else set()
        if not classes & ROLES:
            missing.append(" ".join(match.group(0).split()))
    return missing


def test_the_checker_spots_a_button_without_a_role_and_accepts_a_conditional_class():
    assert buttons_without_a_role('<button type="submit">Se connecter</button>') == ['<button type="submit">']
    assert buttons_without_a_role('<input type="submit" value="OK" class="default">')
    assert not buttons_without_a_role('<input type="text" name="q">')
    assert not buttons_without_a_role(
        '<button class="secondary{% if current %} current{% endif %}"{% if current %} aria-current="true"'
        "{% endif %}>FR</button>"
    )


def test_every_button_of_the_screens_carries_a_role_class():
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        if template.relative_to(TEMPLATES).parts[0] in OWN_LOOK:
            continue
        offenders += [
            f"{template.relative_to(TEMPLATES)}: {tag}"
            for tag in buttons_without_a_role(template.read_text())
        ]
    assert not offenders, "buttons without a role class (primary, secondary, danger, link):\n" + "\n".join(
        offenders
    )


def test_each_role_has_a_style_of_its_own():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "primaweb.css").read_text()
    for role in ROLES:
        assert re.search(rf"button\.{role}\b[^{{]*{{[^}}]*\b(background|padding)", css), role
