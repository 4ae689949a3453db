"""The consultation API (eBox REST 2.1) of enterprise e-Boxes: list the caller's messages, read one,
fetch its body (which marks it read).

As on the real service, the e-Box is the one of the organisation the credentials belong to (the OAuth
client's `organization_bce`, its certificate's BCE number): a query names no box, and no caller reads
another organisation's box. Being a declared mandatary lets a client publish for an organisation, not
read its e-Box: the 2.1 API has no way to name another box, so only the organisation's own client does.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from .. import errors, services
from ..models import EnterpriseBox, EnterpriseMessage
from . import oauth
from .api import operation

DEFAULT_PAGE_SIZE = 25


def _box(client) -> EnterpriseBox:
    bce = services.bce_clean(client.organization_bce)
    if bce is None:
        raise errors.ApiError(401, errors.UNAUTHORIZED, "These credentials belong to no enterprise e-Box")
    return services.enterprise_box_get(bce)


def _timestamp(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def message_json(message: EnterpriseMessage) -> dict:
    """A `Message` of the document: optional properties are left out rather than null."""
    item = {
        "messageId": message.message_id,
        "subject": {message.language: message.subject},
        "receiptDate": _timestamp(message.received_at),
        "expirationDate": _timestamp(message.expires_at),
        "readStatus": message.read_status,
        "visible": message.is_visible(),
        "registeredMail": False,
        "messageTypeId": message.message_type_id,
        "senderOrganizationId": message.sender_organization_id or message.box.bce,
        "attachments": {"items": [], "totalItems": 0},
        "bodyMainContent": True,
        "replyAuthorized": False,
    }
    if message.original_message_id:
        item["originalMessageId"] = message.original_message_id
    if message.sender_application_id:
        item["senderApplicationId"] = message.sender_application_id
    if message.sender_citizen_id:
        # The citizen who replied; an addition of the simulator (the schema allows extra properties).
        item["senderCitizenId"] = message.sender_citizen_id
    return item


def _day_start(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def _after(found: QuerySet, field: str, value: date) -> QuerySet:
    # "After a date" starts the day after it; nothing comes after the last day there is.
    if value >= date.max:
        return found.none()
    return found.filter(**{f"{field}__gte": _day_start(value + timedelta(days=1))})


def _filtered(found: QuerySet, query: dict) -> QuerySet:
    # Dates are whole days in the service's time zone.
    if "receivedAfter" in query:
        found = _after(found, "received_at", query["receivedAfter"])
    if "receivedBefore" in query:
        found = found.filter(received_at__lt=_day_start(query["receivedBefore"]))
    if "expiredAfter" in query:
        found = _after(found, "expires_at", query["expiredAfter"])
    if "expiredBefore" in query:
        found = found.filter(expires_at__lt=_day_start(query["expiredBefore"]))
    if "readStatus" in query:
        found = found.filter(read_at__isnull=not query["readStatus"])
    if "visible" in query:
        now = timezone.now()
        found = found.filter(expires_at__gt=now) if query["visible"] else found.filter(expires_at__lte=now)
    if query.get("registeredMail"):
        found = found.none()  # the simulator holds no registered mail
    for parameter, field in (
        ("messageTypeId", "message_type_id"),
        ("senderOrganizationId", "sender_organization_id"),
        ("senderApplicationId", "sender_application_id"),
    ):
        if parameter in query:
            found = found.filter(**{field: query[parameter]})
    return found


def _typed_query(request: HttpRequest) -> dict:
    """The query parameters, typed as the document declares them (already validated against it)."""
    typed = {}
    for name, value in request.GET.items():
        if name in ("receivedAfter", "receivedBefore", "expiredAfter", "expiredBefore"):
            typed[name] = date.fromisoformat(value)
        elif name in ("readStatus", "visible", "registeredMail"):
            typed[name] = value.lower() == "true"
        elif name in ("page", "pageSize"):
            typed[name] = int(value)
        else:
            typed[name] = value
    return typed


CONSULTATION = {"scopes": oauth.CONSULTATION_SCOPE_SUFFIXES}


@operation(**CONSULTATION)
def messages_list(request: HttpRequest, client, body, current) -> JsonResponse:
    query = _typed_query(request)
    if "q" in query and "qlang" not in query:
        raise errors.invalid("The query parameter qlang is required with q")
    page, page_size = query.get("page", 1), query.get("pageSize", DEFAULT_PAGE_SIZE)
    found = _filtered(_box(client).messages.select_related("box"), query)
    if "q" in query:
        found = found.filter(language=query["qlang"], subject__icontains=query["q"])
    total = found.count()
    start = (page - 1) * page_size
    items = [] if start >= total else found.order_by("received_at", "message_id")[start : start + page_size]
    return JsonResponse({"items": [message_json(message) for message in items], "totalItems": total})


def _message(box: EnterpriseBox, message_id: str) -> EnterpriseMessage:
    message = box.messages.select_related("box").filter(message_id=message_id).first()
    if message is None:
        raise errors.ApiError(404, errors.NOT_FOUND, "Message not found")
    return message


@operation(**CONSULTATION)
def message_detail(request: HttpRequest, client, body, current, message_id: str) -> JsonResponse:
    return JsonResponse(message_json(_message(_box(client), message_id)))


@operation(**CONSULTATION)
def message_body(request: HttpRequest, client, body, current, message_id: str) -> JsonResponse:
    message = _message(_box(client), message_id)
    services.enterprise_message_open(message=message)
    return JsonResponse({message.language: message.body})
