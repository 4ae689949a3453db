"""The publisher API (eBox REST 2.1 subset): publishMessage, searchMessageStatus and its OpenAPI document."""

import functools
import json

from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import errors, faults, oauth, openapi, senders, services
from .models import Message
from .validation import MAX_FILE_NAME, PART_NAMES, publication_parse


def publisher_endpoint(view):
    """Faults first (as a gateway would fail), then the bearer check; any ApiError becomes a StatusMessage."""

    @csrf_exempt  # called by programs holding a bearer token, not a session
    @require_POST
    @functools.wraps(view)
    def wrapper(request: HttpRequest):
        try:
            current = faults.current()
            faults.before_handling(request, current)
            client = oauth.bearer_client(request)
            return view(request, client, current)
        except errors.ApiError as error:
            return errors.error_response(error)

    return wrapper


class FileNameRecorder(FileUploadHandler):
    """Notes each part's file name as sent: Django shortens names over 255 characters before the view
    sees them, and the service refuses such names rather than shortening them."""

    def __init__(self, request=None):
        super().__init__(request)
        self.names: dict[str, str] = {}

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.names[field_name] = file_name

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def _timestamp(moment) -> str:
    return moment.isoformat(timespec="seconds")


def _message_part(request: HttpRequest) -> bytes | str:
    # Clients send the JSON either as a plain form field or as a part with a file name and
    # Content-Type application/json; Django files the latter under FILES.
    if "messageToPublish" in request.FILES:
        return request.FILES["messageToPublish"].read()
    if "messageToPublish" in request.POST:
        return request.POST["messageToPublish"]
    raise errors.invalid("Invalid Schema: part messageToPublish not found")


@publisher_endpoint
def publish_message(request: HttpRequest, client, current: faults.Faults) -> JsonResponse:
    if not request.content_type.startswith("multipart/form-data"):
        raise errors.invalid("publishMessage expects multipart/form-data")
    recorder = FileNameRecorder(request)
    request.upload_handlers.insert(0, recorder)
    # The API 2.1 knows no Idempotency-Key: it ignores the header, so a repeat publishes again.
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if not current.honours_idempotency_key:
        key = None
    if key:
        if len(key) > 255:
            raise errors.invalid("Idempotency-Key is longer than 255 characters")
        original = Message.objects.filter(client=client, idempotency_key=key).first()
        if original is not None:
            raise services.duplicate_error(original)
    files = {name: upload for name, upload in request.FILES.items() if name != "messageToPublish"}
    if any(len(name or "") > MAX_FILE_NAME for name in recorder.names.values()):
        raise errors.invalid(f"File name is longer than {MAX_FILE_NAME} characters")
    unexpected = sorted(set(files) - set(PART_NAMES))
    if unexpected:
        raise errors.invalid(f"Unexpected file parts: {', '.join(unexpected)}; use upfile1..upfile6")
    publication = publication_parse(_message_part(request), files)
    senders.sender_check(client=client, publication=publication)
    message, code = services.message_publish(client=client, publication=publication, idempotency_key=key)
    faults.after_store(request, current)
    body = {"messageId": message.message_id, "expirationDate": _timestamp(message.expires_at)}
    if code == services.NO_DIGITAL_USER:
        body.update(code=code, message="The recipient has never activated their eBox")
    else:
        body.update(code="OK", message="Message published")
    return JsonResponse(body, status=201)


def _ebox_id(value):
    if isinstance(value, dict):
        return value.get("eboxIdValue")
    return value


@publisher_endpoint
def search_message_status(request: HttpRequest, client, current: faults.Faults) -> JsonResponse:
    try:
        couples = json.loads(request.body)
    except ValueError as error:
        raise errors.invalid(f"Invalid Schema: body is not valid JSON ({error})") from error
    if not isinstance(couples, list) or any(
        not isinstance(item, dict) or not isinstance(item.get("messageId"), str) for item in couples
    ):
        raise errors.invalid("Invalid Schema: expected an array of {messageId, eboxId}")
    found = services.statuses_search(client=client, message_ids=[item["messageId"] for item in couples])
    statuses = []
    for item in couples:
        message = found.get(item["messageId"])
        # An eboxId naming someone else than the recipient is treated like an unknown id.
        if message is None or _ebox_id(item.get("eboxId")) not in (None, message.recipient_niss):
            continue
        statuses.append(
            {
                "messageId": message.message_id,
                "eboxId": item.get("eboxId")
                or {"eboxType": "citizen", "eboxIdValue": message.recipient_niss},
                "readStatus": message.read_status,
                "expirationDate": _timestamp(message.expires_at),
                "visible": message.is_visible(),
            }
        )
    return JsonResponse(statuses, status=200, safe=False)


@require_GET
def openapi_document(request: HttpRequest) -> JsonResponse:
    server = request.build_absolute_uri(reverse("ebox_simulator:token").removesuffix("oauth2/token"))
    return JsonResponse(openapi.document(server), json_dumps_params={"ensure_ascii": False, "indent": 2})
