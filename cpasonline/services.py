"""Writes of CPAS Online: the citizen's request, its acknowledgement, and the worker's follow-up."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dossiers import services as dossier_services
from primaweb import selectors as core_selectors
from primaweb import services as core_services
from primaweb.mail import email_compose
from primaweb.models import Centre, Language
from primaweb.network import rate_limit_key

from . import pdf, rules, selectors
from .followup import online_request_link_dossier, online_request_mark_read  # noqa: F401 (callers' name)
from .models import OnlineRequest, Source

logger = logging.getLogger(__name__)

# The public form has no signed-in worker: the BCSS is asked on behalf of the platform.
SERVICE_USERNAME = "cpas-online"


class NoCompetentCentre(Exception):
    """The commune of residence has no centre in Primaweb (yet), or has no CPAS of its own."""

    def __init__(self, commune_nis: str):
        super().__init__(commune_nis)
        self.commune_nis = commune_nis


class CitizenNotFound(Exception):
    """The register knows no person with this NISS."""


@dataclass(frozen=True)
class RegisterIdentity:
    """What a federal sign-in gives: the register's identity and address for the NISS it vouched for."""

    niss: str
    first_name: str
    last_name: str
    birth_date: str
    register: str
    street: str
    house_number: str
    box: str
    postal_code: str
    commune_nis: str


def rate_limit_allows(*, bucket: str, address: str | None, limit: int, window: int = 3600) -> bool:
    """Counts one attempt for `address` in `bucket`; False once more than `limit` were made in `window` s.

    An IPv6 client is counted by its /64, in which it may pick any address
    (`primaweb.network.rate_limit_key`).
    """
    return core_services.rate_limit_allows(
        key=f"cpasonline:{bucket}:{rate_limit_key(address) or 'unknown'}", limit=limit, window=window
    )


class TechnicalCallerMissing(dossier_services.BcssUnavailable):
    """No centre has a valid technical BCSS user configured: the register cannot be asked."""


def _technical_centre() -> Centre:
    """The centre on whose behalf CPAS Online asks the register.

    The citizen's centre is known only from the register's answer: the consultation goes out under the
    centre named by the CPAS_ONLINE_BCSS_CENTRE setting (a BCE number), else under the first centre
    that has a technical BCSS user. Raises `TechnicalCallerMissing` when there is none.
    """
    wanted = settings.CPAS_ONLINE_BCSS_CENTRE
    centre = core_selectors.centre_with_technical_bcss_user(bce_number=wanted)
    if centre is None:
        logger.error(
            "CPAS Online cannot ask the register: no centre%s has a technical BCSS user "
            "(Administration > C.P.A.S.).",
            f" with BCE {wanted}" if wanted else "",
        )
        raise TechnicalCallerMissing("no technical BCSS user configured")
    return centre


def citizen_identify(*, niss: str, request: HttpRequest | None = None) -> RegisterIdentity:
    """The register's identity for `niss`, as the federal sign-in would hand it over (logged).

    Raises `CitizenNotFound`, `TechnicalCallerMissing` (nothing asked, nor logged, without a valid
    technical user), or `BcssUnavailable` when the BCSS cannot answer.
    """
    centre = _technical_centre()
    try:
        # In the trail of the centre the BCSS was told asked (OrgUnit), which answers for it.
        reply = dossier_services.identification_by_niss_as_service(
            centre=centre, niss=niss, username=SERVICE_USERNAME, request=request
        )
    except dossier_services.InvalidCaller as exc:
        logger.error("The technical BCSS user of centre %s is invalid: %s", centre.bce_number, exc)
        raise TechnicalCallerMissing(str(exc)) from exc
    if not reply.persons:
        raise CitizenNotFound(niss)
    person = reply.persons[0]
    address = person.address
    return RegisterIdentity(
        niss=person.niss,
        first_name=" ".join(p for p in (person.first_name, person.middle_name) if p),
        last_name=person.last_name,
        birth_date=person.birth_date,
        register=person.register,
        street=address.street or address.plain_text,
        house_number=address.house_number,
        box=address.box,
        postal_code=address.postal_code,
        commune_nis=address.municipality_code,
    )


def online_request_submit(
    *, data: dict, identity: RegisterIdentity | None, language: str, submitted_at=None
) -> OnlineRequest:
    """Stores a citizen's request for the competent centre, with a fresh reference and its receipt date.

    `data` is the cleaned form. With an `identity`, identity and address come from the register.
    Raises `NoCompetentCentre`. The acknowledgement goes out once the transaction has committed.
    """
    commune_nis = identity.commune_nis if identity else data["commune"]
    centre = core_selectors.centre_of_commune(commune_nis=commune_nis)
    if centre is None:
        raise NoCompetentCentre(commune_nis)
    submitted_at = submitted_at or timezone.now()
    fields = {
        "centre": centre,
        "submitted_at": submitted_at,
        "received_on": rules.received_on(submitted_at),
        "language": language if language in Language.values else Language.FRENCH,
        "email": data["email"],
        "phone": data.get("phone", ""),
        "nature": data["nature"],
        "description": data.get("description", ""),
        "lives_at_residence": data.get("lives_at_residence", ""),
        "is_student": data.get("is_student", ""),
        "in_facility": data.get("in_facility", ""),
    }
    if identity is not None:
        fields |= {
            "identity_source": Source.REGISTERS,
            "niss": identity.niss,
            "first_name": identity.first_name,
            "last_name": identity.last_name,
            "birth_date": identity.birth_date,
            "register": identity.register,
            "street": identity.street,
            "house_number": identity.house_number,
            "box": identity.box,
            "postal_code": identity.postal_code,
            "commune_nis": identity.commune_nis,
        }
    else:
        birth = data.get("birth_date")
        fields |= {
            "identity_source": Source.APPLICANT,
            "niss": data.get("niss", ""),
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "birth_date": birth.isoformat() if birth else "",
            "street": data.get("street", ""),
            "house_number": data.get("house_number", ""),
            "box": data.get("box", ""),
            "postal_code": data["postal_code"],
            "commune_nis": commune_nis,
        }
    # The citizen does not wait for the PDF and the mail server: a task sends the acknowledgement once
    # the request is stored; the lease lets the sweep take it back if that task is lost.
    fields["acknowledgement_lease_until"] = _ack_lease(settings.CPASONLINE_ACKNOWLEDGEMENT_QUEUE_GRACE)
    with transaction.atomic():
        online_request = _create_with_fresh_reference(fields)
        transaction.on_commit(lambda: acknowledgement_queue(request_id=online_request.pk))
    return online_request


def _ack_lease(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def acknowledgement_queue(*, request_id: int) -> bool:
    """Wakes a worker to send the acknowledgement. Never raises: if the broker does not answer, the
    request keeps its lease and the sweep queues it when the lease is over. Returns whether it was queued."""
    from .tasks import send_acknowledgement

    try:
        send_acknowledgement.delay(request_id)
    except Exception:  # kombu's errors vary by transport: all mean « not queued »
        logger.exception("CPAS Online: acknowledgement of request %s not queued; the sweep will", request_id)
        return False
    return True


def acknowledgement_requeue(*, request_id: int) -> bool:
    """Takes back an owed acknowledgement whose lease ran out, for the caller to queue."""
    return bool(
        selectors.acknowledgements_due()
        .filter(pk=request_id)
        .update(acknowledgement_lease_until=_ack_lease(settings.CPASONLINE_ACKNOWLEDGEMENT_QUEUE_GRACE))
    )


class AcknowledgementNotSent(Exception):
    """The acknowledgement could not be mailed this time; `retry_in` says when to try again."""

    def __init__(self, cause: BaseException, retry_in: float):
        super().__init__(str(cause))
        self.retry_in = retry_in


def _create_with_fresh_reference(fields: dict, attempts: int = 5) -> OnlineRequest:
    for _attempt in range(attempts):
        reference = rules.new_reference()
        taken = OnlineRequest.objects.across_centres(reason="a reference is unique in every centre")
        if taken.filter(reference=reference).exists():
            continue
        try:
            with transaction.atomic():
                return OnlineRequest.objects.create(reference=reference, **fields)
        except IntegrityError:
            # Another request took the same reference between the check and the insert.
            continue
    raise RuntimeError("No free CPAS Online reference after several attempts.")


def document_language(online_request: OnlineRequest) -> str:
    """The centre's language; a bilingual (Brussels) centre writes in the citizen's, French or Dutch."""
    languages = online_request.centre.languages
    if online_request.language in languages:
        return online_request.language
    return languages[0] or "fr"


def acknowledgement_pdf(online_request: OnlineRequest) -> bytes:
    with translation.override(document_language(online_request)):
        html = render_to_string("cpasonline/acknowledgement_pdf.html", {"req": online_request})
    return pdf.from_html(html)


def _acknowledgement_take(request_id: int) -> OnlineRequest | None:
    """Takes the acknowledgement for one attempt, or None when it is sent, held by another worker, or
    given up. The lease covers the attempt: a worker that dies leaves it to the sweep."""
    owed = OnlineRequest.objects.across_centres(reason="a request named by the id its submission queued")
    now = timezone.now()
    taken = (
        owed.filter(pk=request_id, acknowledged_at__isnull=True)
        .filter(
            models.Q(acknowledgement_lease_until__isnull=True)
            | models.Q(acknowledgement_lease_until__lte=now)
            # The submission's own grace: the task queued at commit may start within it.
            | models.Q(acknowledgement_attempts=0)
        )
        .update(
            acknowledgement_lease_until=_ack_lease(settings.CPASONLINE_ACKNOWLEDGEMENT_LEASE_SECONDS),
            acknowledgement_attempts=models.F("acknowledgement_attempts") + 1,
        )
    )
    if not taken:
        return None
    return owed.select_related("centre").get(pk=request_id)


def acknowledgement_send(*, request_id: int, retry_in: float = 60) -> None:
    """Renders the acknowledgement PDF (kept with the request) and e-mails it to the citizen.

    Idempotent: a PDF already kept is not rendered again and a sent acknowledgement is not sent twice
    (nor sent by two workers at once: an attempt holds the request's lease). A PDF that cannot be
    rendered does not hold the e-mail back. Raises `AcknowledgementNotSent` when the mail server fails:
    the error is noted on the request, which waits `retry_in` seconds for the next try.
    """
    online_request = _acknowledgement_take(request_id)
    if online_request is None:
        return
    if not online_request.acknowledgement:
        try:
            content = acknowledgement_pdf(online_request)
        except Exception:
            logger.exception("CPAS Online: acknowledgement PDF of %s failed", online_request.reference)
        else:
            online_request.acknowledgement.save(
                f"accuse-{online_request.reference}.pdf", ContentFile(content), save=False
            )
            OnlineRequest.objects.for_centre(online_request.centre_id).filter(pk=online_request.pk).update(
                acknowledgement=online_request.acknowledgement.name
            )
    if online_request.acknowledged_at is not None:
        return
    message = email_compose(
        to=online_request.email,
        languages=[online_request.language],
        subject=lambda: (
            _("CPAS Online : accusé de réception de votre demande %(reference)s")
            % {"reference": online_request.reference}
        ),
        template="cpasonline/acknowledgement_email.txt",
        context={"req": online_request},
    )
    if online_request.acknowledgement:
        online_request.acknowledgement.open("rb")
        with online_request.acknowledgement as file:
            message.attach(f"{online_request.reference}.pdf", file.read(), "application/pdf")
    mine = OnlineRequest.objects.for_centre(online_request.centre_id).filter(pk=online_request.pk)
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("CPAS Online: acknowledgement of %s not sent: %s", online_request.reference, exc)
        mine.update(
            acknowledgement_error=f"{type(exc).__name__}: {exc}"[:1000],
            acknowledgement_lease_until=_ack_lease(retry_in),
        )
        raise AcknowledgementNotSent(exc, retry_in) from exc
    mine.update(acknowledged_at=timezone.now(), acknowledgement_error="", acknowledgement_lease_until=None)


def details_pdf(online_request: OnlineRequest, *, context: dict) -> bytes:
    """« Imprimer »: the details page as a PDF for the paper file, in the worker's language."""
    html = render_to_string("cpasonline/details_pdf.html", {"req": online_request, **context})
    return pdf.from_html(html)
