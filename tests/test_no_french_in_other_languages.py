"""Every page reads in Dutch and in German: no French sentence of the catalogue leaks onto a page
shown in another language (a string translated once at import, a label built by hand, a reason
stored as French text).

The sweep walks every URL of the project (the resolver's, as tests/test_consultation_audit.py does)
with the language cookie set, and looks for the French source text of every translated message.
"""

import gettext
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import MembershipFactory
from tests.tenancy import TENANT_OBJECTS
from tests.test_consultation_audit import ADMINISTRATOR_SCREENS, OWN_OBJECTS, QUERIES, URL_NAMES

LOCALE = Path(settings.BASE_DIR) / "locale"


def _french_sentences(language: str) -> list[str]:
    """The catalogue's French source texts that have a different translation: several words, no
    placeholder (those are filled in on the page)."""
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog
    sentences = []
    for msgid, msgstr in catalogue.items():
        if not isinstance(msgid, str) or "\x04" in msgid or not msgid or "%" in msgid or "{" in msgid:
            continue
        if len(msgid) < 12 or " " not in msgid or msgid == msgstr or msgid in msgstr:
            continue
        sentences.append(msgid)
    return sentences


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def own_data(centre, worker):
    from django.utils import translation

    from documents.failures import Failure
    from tests.factories import document_in, publication_in
    from tests.test_consultation_audit import own_data as make  # the same rows as the audit sweep

    data = make.__wrapped__(centre, worker)
    # A reason recorded while French was active (a worker's language), as every failed send is.
    with translation.override("fr"):
        reason = Failure("no_ebox")
        publication_in(
            centre,
            document=document_in(centre),
            state="no_digital_user",
            last_error=str(reason),
            failure=reason.as_dict(),
        )
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "de"])
def test_no_french_sentence_shows_on_any_page_in_dutch_or_german(language, centre, worker, own_data):
    sentences = _french_sentences(language)
    assert len(sentences) > 200
    administrator = MembershipFactory(centre=centre, role="administrator").user
    leaks = {}
    for url_name in URL_NAMES:
        client = sign_in(Client(), administrator if url_name in ADMINISTRATOR_SCREENS else worker, centre)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        kwargs = {}
        if url_name in TENANT_OBJECTS:
            kwargs = (OWN_OBJECTS.get(url_name) or TENANT_OBJECTS[url_name])(centre)
        query = QUERIES[url_name](own_data) if url_name in QUERIES else {}
        response = client.get(reverse(url_name, kwargs=kwargs), query)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        text = _visible_text(response.content.decode())
        found = [sentence for sentence in sentences if sentence in text]
        if found:
            leaks[url_name] = found
    assert not leaks, f"French on pages in {language}: {leaks}"
