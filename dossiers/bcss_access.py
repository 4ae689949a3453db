"""The BCSS ManageAccess client: registers or unregisters a person in the BCSS directory of references
(« répertoire des références ») for the centre, a purpose (the legal context) and a period.

Same SSDN envelope and connector as IdentifyPerson (dossiers.bcss). No database access: callers get an
`AccessReply`, or `bcss.BcssUnavailable` when the service cannot answer.
"""

import datetime
from dataclasses import dataclass

from lxml import etree

from . import bcss

NS_MAR = "http://www.ksz-bcss.fgov.be/XSD/SSDN/OCMW_CPAS/ManageAccess"
SERVICE_ID = "OCMWCPASManageAccess"
SERVICE_VERSION = "20050930"
SECTOR_CPAS = 17
# The purposes (« codes qualité ») of sector 17; 1 is « Dossier en examen », what a new dossier is.
PURPOSE_DOSSIER_IN_EXAMINATION = 1

REGISTER = "REGISTER"
UNREGISTER = "UNREGISTER"


@dataclass(frozen=True)
class Registration:
    purpose: str
    start_date: str
    end_date: str
    org_unit: str


@dataclass(frozen=True)
class AccessReply(bcss.DetailedReply):
    ok: str  # YES, NO or WARNING
    details: tuple[bcss.Detail, ...]
    registrations: tuple[Registration, ...] = ()
    ticket: str = ""


@dataclass(frozen=True)
class Proof:
    """ProofOfAuthentication: the person's legal data as the centre knows them."""

    last_name: str
    birth_date: str  # yyyy-mm-dd, 00 allowed
    first_name: str = ""


def _request(
    *,
    action: str,
    ssin: str,
    purpose: int,
    start_date: datetime.date,
    end_date: datetime.date | None,
    proof: Proof,
) -> etree._Element:
    def sub(parent, name, text=None, ns=NS_MAR):
        element = etree.SubElement(parent, f"{{{ns}}}{name}")
        if text is not None:
            element.text = text
        return element

    root = etree.Element(f"{{{NS_MAR}}}ManageAccessRequest", nsmap={"mar": NS_MAR, "common": bcss.NS_COMMON})
    sub(root, "SSIN", ssin)
    sub(root, "Purpose", str(purpose))
    period = sub(root, "Period")
    sub(period, "StartDate", start_date.isoformat(), ns=bcss.NS_COMMON)
    if end_date is not None:
        sub(period, "EndDate", end_date.isoformat(), ns=bcss.NS_COMMON)
    sub(root, "Action", action)
    sub(root, "Sector", str(SECTOR_CPAS))
    person = sub(sub(root, "ProofOfAuthentication"), "PersonData")
    sub(person, "LastName", proof.last_name)
    if proof.first_name:
        sub(person, "FirstName", proof.first_name)
    sub(person, "BirthDate", proof.birth_date)
    return root


def manage_access(
    *,
    action: str,
    ssin: str,
    caller: bcss.Caller,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    purpose: int = PURPOSE_DOSSIER_IN_EXAMINATION,
    proof: Proof,
) -> AccessReply:
    """REGISTER or UNREGISTER `ssin` for the caller's centre over [start_date, end_date]."""
    payload = _request(
        action=action, ssin=ssin, purpose=purpose, start_date=start_date, end_date=end_date, proof=proof
    )
    xml = bcss.send_ssdn(payload, caller, service_id=SERVICE_ID, version=SERVICE_VERSION)
    return parse_reply(xml)


def register(**kwargs) -> AccessReply:
    return manage_access(action=REGISTER, **kwargs)


def unregister(**kwargs) -> AccessReply:
    return manage_access(action=UNREGISTER, **kwargs)


NS = {"m": NS_MAR, "c": bcss.NS_COMMON, "s": bcss.NS_SERVICE}


def _text(element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def parse_reply(xml: str) -> AccessReply:
    root = bcss.reply_root(xml)
    ok, details = bcss.summary(root)
    registrations = tuple(
        Registration(
            purpose=_text(found, "m:Purpose"),
            start_date=_text(found, "m:Period/c:StartDate"),
            end_date=_text(found, "m:Period/c:EndDate"),
            org_unit=_text(found, "m:OrgUnit"),
        )
        for found in root.iterfind(".//m:Registrations", NS)
    )
    ticket = _text(root, "s:ReplyContext/s:Message/s:Ticket")
    return AccessReply(ok=ok, details=details, registrations=registrations, ticket=ticket)
