"""A registered person as an IdentifyPerson reply's LimitedLegalData element.

Names, streets and communes come in upper case, as the National Register writes them; a commune and its
streets carry one element per language of the commune (French and Dutch in Brussels, German and French in
the German-speaking communes).
"""

from lxml import etree

from . import places
from .models import RegisteredPerson
from .schemas import NS_IPR


def _add(parent: etree._Element, name: str, text, **attributes) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS_IPR}}}{name}", **attributes)
    element.text = str(text)
    return element


def add_limited_legal_data(
    results: etree._Element, person: RegisteredPerson, *, extended: bool
) -> etree._Element:
    """Appends to SearchResults the LimitedLegalData of `person`; Extended only for a validated identity."""
    data = etree.SubElement(results, f"{{{NS_IPR}}}LimitedLegalData", origin=person.origin)
    basic = etree.SubElement(data, f"{{{NS_IPR}}}Basic")
    _add(basic, "SocialSecurityUser", person.niss)
    _add(basic, "LastName", person.last_name.upper())
    if person.first_names:
        _add(basic, "FirstName", person.first_names.upper())
    _add(basic, "BirthDate", person.birth_date)
    _add(basic, "Gender", person.gender)
    if person.municipality_code:
        _address(basic, person)
    if extended:
        _extended(data, person)
    return data


def _address(basic: etree._Element, person: RegisteredPerson) -> None:
    address = etree.SubElement(basic, f"{{{NS_IPR}}}Address")
    _add(address, "CountryCode", places.BELGIUM)
    _add(address, "MunicipalityCode", int(person.municipality_code))
    for language, name in places.names(person.municipality_code).items():
        _add(address, "Municipality", name.upper(), lang=language)
    if person.postal_code:
        _add(address, "PostalCode", person.postal_code)
    for language, street in (("de", person.street_de), ("fr", person.street_fr), ("nl", person.street_nl)):
        if street:
            _add(address, "Street", street.upper(), lang=language)
    if person.house_number:
        _add(address, "HouseNumber", person.house_number)
    if person.box:
        _add(address, "Box", person.box)


def _extended(data: etree._Element, person: RegisteredPerson) -> None:
    extended = etree.SubElement(data, f"{{{NS_IPR}}}Extended")
    _add(extended, "CivilState", person.civil_state)
    if person.birth_place_code is not None:
        _add(extended, "BirthLocationCode", person.birth_place_code)
    if person.birth_place_name:
        code = f"{person.birth_place_code or 0:05d}"
        belgian = person.birth_place_code is not None and person.birth_place_code >= 10000
        attributes = {"lang": places.languages(code)[0]} if belgian else {}
        _add(extended, "BirthLocation", person.birth_place_name.upper(), **attributes)
    if person.decease_date:
        _add(extended, "DeceaseDate", person.decease_date.isoformat())
    if person.register:
        _add(extended, "InscriptionRegister", person.register)
    _add(extended, "NationalityCode", person.nationality_code)
