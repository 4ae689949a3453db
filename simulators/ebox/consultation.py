"""The consultation API (eBox REST 2.1 subset) for enterprise e-Boxes: list a centre's messages, read one,
fetch its body (which marks it read).

The box is chosen by the query parameters `eboxType=enterprise` and `eboxIdValue=<BCE>` (the real service
takes it from the caller's certificate); any client holding a token may read any box here.
"""

import functools
import re
from datetime import date, datetime, time

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import errors, faults, oauth, services
from .models import EnterpriseBox, EnterpriseMessage

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def consultation_endpoint(view):
    """Faults first, then the bearer check (publication or consultation scope), then the box."""

    @require_GET
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            faults.before_handling(request, faults.current())
            oauth.bearer_client(request, oauth.CONSULTATION_SCOPE_SUFFIXES)
            return view(request, _box(request), *args, **kwargs)
        except errors.ApiError as error:
            return errors.error_response(error)

    return wrapper


def _box(request: HttpRequest) -> EnterpriseBox:
    ebox_type = request.GET.get("eboxType", "enterprise")
    if ebox_type != "enterprise":
        raise errors.ApiError(
            400,
            errors.NOT_IMPLEMENTED,
            "This simulator only consults enterprise e-Boxes (eboxType=enterprise)",
        )
    value = request.GET.get("eboxIdValue", "")
    bce = services.bce_clean(value)
    if bce is None:
        raise errors.invalid(f"eboxIdValue {value!r} is not a valid BCE number")
    return services.enterprise_box_get(bce)


def _timestamp(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def message_json(message: EnterpriseMessage) -> dict:
    return {
        "messageId": message.message_id,
        "originalMessageId": message.original_message_id or None,
        "subject": {message.language: message.subject},
        "receiptDate": _timestamp(message.received_at),
        "expirationDate": _timestamp(message.expires_at),
        "readStatus": message.read_status,
        "visible": message.is_visible(),
        "registeredMail": False,
        "messageTypeId": message.message_type_id,
        "senderOrganizationId": message.sender_organization_id,
        "senderApplicationId": message.sender_application_id,
        "senderCitizenId": message.sender_citizen_id or None,
        "attachments": [],
        "bodyMainContent": True,
        "replyAuthorized": False,
    }


def _moment(name: str, value: str) -> datetime:
    # An unencoded "+01:00" arrives as " 01:00": put the plus sign back.
    value = re.sub(r" (\d\d:?\d\d)$", r"+\1", value.strip())
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value), time.min)
        except ValueError:
            raise errors.invalid(f"{name} must be an ISO 8601 date or date-time, not {value!r}") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _boolean(name: str, value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise errors.invalid(f"{name} must be true or false")
    return value.lower() == "true"


def _positive(name: str, value: str | None, default: int, maximum: int | None = None) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise errors.invalid(f"{name} must be an integer") from None
    if number < 1 or (maximum is not None and number > maximum):
        raise errors.invalid(f"{name} must be between 1 and {maximum}" if maximum else f"{name} must be ≥ 1")
    return number


@consultation_endpoint
def messages_list(request: HttpRequest, box: EnterpriseBox) -> JsonResponse:
    query = request.GET
    page = _positive("page", query.get("page"), 1)
    page_size = _positive("pageSize", query.get("pageSize"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    found = box.messages.all()
    if query.get("receivedAfter"):
        # Inclusive, so that a client resuming from the last receiptDate it saw loses nothing.
        found = found.filter(received_at__gte=_moment("receivedAfter", query["receivedAfter"]))
    if query.get("receivedBefore"):
        found = found.filter(received_at__lt=_moment("receivedBefore", query["receivedBefore"]))
    if query.get("readStatus"):
        found = found.filter(read_at__isnull=not _boolean("readStatus", query["readStatus"]))
    if query.get("visible"):
        now = timezone.now()
        found = (
            found.filter(expires_at__gt=now)
            if _boolean("visible", query["visible"])
            else found.filter(expires_at__lte=now)
        )
    for parameter, field in (
        ("messageTypeId", "message_type_id"),
        ("senderOrganizationId", "sender_organization_id"),
        ("senderApplicationId", "sender_application_id"),
    ):
        if query.get(parameter):
            found = found.filter(**{field: query[parameter]})
    total = found.count()
    start = (page - 1) * page_size
    items = [
        message_json(message)
        for message in found.order_by("received_at", "message_id")[start : start + page_size]
    ]
    return JsonResponse(
        {"items": items, "page": page, "pageSize": page_size, "total": total, "totalItems": total}
    )


def _message(box: EnterpriseBox, message_id: str) -> EnterpriseMessage:
    message = box.messages.filter(message_id=message_id).first()
    if message is None:
        raise errors.ApiError(404, errors.NOT_FOUND, f"Message {message_id} not found in this e-Box")
    return message


@consultation_endpoint
def message_detail(request: HttpRequest, box: EnterpriseBox, message_id: str) -> JsonResponse:
    return JsonResponse(message_json(_message(box, message_id)))


@consultation_endpoint
def message_body(request: HttpRequest, box: EnterpriseBox, message_id: str) -> JsonResponse:
    message = _message(box, message_id)
    services.enterprise_message_open(message=message)
    return JsonResponse({"content": message.body, "mediaType": "text/plain"})
