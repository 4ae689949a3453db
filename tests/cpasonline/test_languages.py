"""The public form and the request screens read in the reader's language, communes and addresses included."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from cpasonline.display import address_line


def _communes(client, language):
    client.cookies["django_language"] = language
    page = client.get(reverse("cpasonline:form")).content.decode()
    return dict(re.findall(r'<option value="(\d{5})"[^>]*>([^<]+) \(\d{5}\)</option>', page))


@pytest.mark.django_db
def test_the_public_form_names_the_communes_in_the_readers_language(client):
    french, dutch, german = (_communes(client, language) for language in ("fr", "nl", "de"))
    assert (french["11002"], dutch["11002"], german["11002"]) == ("Anvers", "Antwerpen", "Antwerpen")
    assert (french["44021"], dutch["44021"]) == ("Gand", "Gent")
    assert (french["24062"], dutch["24062"], german["24062"]) == ("Louvain", "Leuven", "Löwen")
    assert (french["63040"], german["63040"], german["62063"]) == ("La Calamine", "Kelmis", "Lüttich")
    assert german["92094"] == "Namur"  # a Walloon commune keeps its own name


@pytest.mark.django_db
def test_the_communes_are_sorted_in_the_readers_language(client):
    dutch = list(_communes(client, "nl").values())
    assert dutch.index("Antwerpen") < dutch.index("Brugge") < dutch.index("Gent") < dutch.index("Leuven")


def test_an_address_box_is_abbreviated_in_the_readers_language():
    address = SimpleNamespace(
        street="Rue Haute", house_number="12", box="3", postal_code="1000", commune_nis="21004"
    )
    with translation.override("fr"):
        assert address_line(address) == "Rue Haute 12 bte 3, 1000 Bruxelles"
    with translation.override("nl"):
        assert address_line(address) == "Rue Haute 12 bus 3, 1000 Brussel"
    with translation.override("de"):
        assert address_line(address) == "Rue Haute 12 Bfk. 3, 1000 Brüssel"
    assert address_line(address, "nl") == "Rue Haute 12 bus 3, 1000 Brussel"
