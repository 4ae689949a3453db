"""The publisher API (eBox REST 2.1): publishMessage and searchMessageStatus, the way every operation of
the simulated API is wrapped (`operation`), and the OpenAPI document it serves."""

import functools
import io
import json

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .. import contract, errors, faults, senders, services
from ..models import Message
from ..validation import MAX_FILE_NAME, PART_NAMES, max_attachment_bytes, publication_parse
from . import oauth


def max_publication_body() -> int:
    """Six attachments of the largest size, plus the JSON and the multipart framing."""
    return len(PART_NAMES) * max_attachment_bytes() + 1024 * 1024


def operation(
    *,
    scopes: tuple[str, ...] = (oauth.PUBLICATION_SCOPE_SUFFIX,),
    raw_body: bool = True,
    document: contract.Contract = contract.REST,
):
    """Wraps an API view: injected faults first (as a gateway fails), the bearer check, then the request
    held to its OpenAPI `document`; the view's answer is held to it too. Any ApiError becomes the
    official StatusMessage. The view gets (request, client, body, current, **path) with `body` the raw
    bytes and `current` the faults in force for this request. `raw_body=False` leaves the body to the
    view (multipart, read with its own limits)."""

    def decorate(view):
        @csrf_exempt  # called by programs holding a bearer token, not a session
        @functools.wraps(view)
        def wrapper(request: HttpRequest, api_root: str, **kwargs):
            path = "/" + request.path_info.split(api_root, 1)[-1].lstrip("/")
            body = None
            try:
                current = faults.current()
                faults.before_handling(request, current)
                client = oauth.bearer_client(request, scopes)
                body = _read_body(request) if raw_body else _read_multipart(request)
                document.request_check(request, path, body)
                response = view(request, client, body, current, **kwargs)
            except errors.ApiError as error:
                response = errors.error_response(error, environment=document.environment)
            document.response_check(request, path, body, response)
            return response

        return wrapper

    return decorate


def _read_body(request: HttpRequest) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        raise errors.invalid("Invalid Schema: the request body is too large") from None


def _read_multipart(request: HttpRequest) -> bytes:
    """The raw body, read past Django's upload caps (an attachment may weigh 10 MB) but within the
    service's own: six attachments of the largest size."""
    length, limit = request.META.get("CONTENT_LENGTH") or "0", max_publication_body()
    if not length.isdigit() or int(length) > limit:
        megabytes = max_attachment_bytes() // (1024 * 1024)
        raise errors.invalid(f"Attachment size exceeds the maximum allowed size of {megabytes} MB")
    return request.read(limit + 1)


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


class WholePartsInMemory(MemoryFileUploadHandler):
    """Keeps every part in memory whatever its size: the body was already read within the service's cap."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


def _parts(request: HttpRequest, body: bytes) -> tuple[dict, dict, dict[str, str]]:
    recorder = FileNameRecorder(request)
    handlers = [recorder, WholePartsInMemory(request)]
    meta = {**request.META, "CONTENT_LENGTH": str(len(body))}
    try:
        fields, files = MultiPartParser(meta, io.BytesIO(body), handlers, request.encoding).parse()
    except (MultiPartParserError, SuspiciousOperation, ValueError) as error:
        raise errors.invalid(
            f"Invalid Schema: unreadable multipart body ({error.__class__.__name__})"
        ) from None
    return fields, files, recorder.names


def _timestamp(moment) -> str:
    return moment.isoformat(timespec="seconds")


def _message_part(fields, files) -> bytes | str:
    # Clients send the JSON either as a plain form field or as a part with a file name and
    # Content-Type application/json; Django files the latter under FILES.
    if "messageToPublish" in files:
        return files["messageToPublish"].read()
    if "messageToPublish" in fields:
        return fields["messageToPublish"]
    raise errors.invalid("Invalid Schema: part messageToPublish not found")


@operation(raw_body=False)
def publish_message(request: HttpRequest, client, body: bytes, current: faults.Faults) -> JsonResponse:
    fields, files, names = _parts(request, body)
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
    uploads = {name: upload for name, upload in files.items() if name != "messageToPublish"}
    if any(len(name or "") > MAX_FILE_NAME for name in names.values()):
        raise errors.invalid(f"File name is longer than {MAX_FILE_NAME} characters")
    unexpected = sorted(set(uploads) - set(PART_NAMES))
    if unexpected:
        raise errors.invalid(f"Unexpected file parts: {', '.join(unexpected)}; use upfile1..upfile6")
    publication = publication_parse(_message_part(fields, files), uploads)
    senders.sender_check(client=client, publication=publication, recipient_type=publication.recipient_type)
    message, code = services.message_publish(client=client, publication=publication, idempotency_key=key)
    faults.after_store(request, current)
    answer = {"messageId": message.message_id, "expirationDate": _timestamp(message.expires_at)}
    if code == services.NO_DIGITAL_USER:
        answer.update(code=code, message="The recipient has never activated their eBox")
    else:
        answer.update(code="OK", message="Message published")
    return JsonResponse(answer, status=201)


@operation()
def search_message_status(request: HttpRequest, client, body: bytes, current: faults.Faults) -> JsonResponse:
    # The document already refused what is not an array of {messageId, eboxId{eboxType, eboxIdValue}}.
    couples = json.loads(body) if body else []
    wanted = [item for item in couples if isinstance(item.get("messageId"), str)]
    found = services.statuses_search(client=client, message_ids=[item["messageId"] for item in wanted])
    statuses = []
    for item in wanted:
        message = found.get(item["messageId"])
        ebox_id = services.recipient_ebox_id(message) if message is not None else None
        # An eboxId naming someone else than the recipient is treated like an unknown id.
        if ebox_id is None or item.get("eboxId", ebox_id) != ebox_id:
            continue
        statuses.append(
            {
                "messageId": message.message_id,
                "eboxId": ebox_id,
                "readStatus": message.read_status,
                "expirationDate": _timestamp(message.expires_at),
                "visible": message.is_visible(),
            }
        )
    return JsonResponse(statuses, status=201, safe=False)


@require_GET
def openapi_document(
    request: HttpRequest, api_root: str, extension: str = "json", document: contract.Contract = contract.REST
) -> HttpResponse:
    """The project's OpenAPI document of this API, with this API root as its server."""
    server = request.build_absolute_uri("/" + request.path_info.split(api_root, 1)[0].lstrip("/") + api_root)
    if extension == "yaml":
        return HttpResponse(document.path.read_bytes(), content_type="application/yaml; charset=utf-8")
    return HttpResponse(document.json_text(server.rstrip("/")), content_type="application/json")


@csrf_exempt
def unknown_resource(
    request: HttpRequest, api_root: str, rest: str, document: contract.Contract = contract.REST
) -> JsonResponse:
    error = errors.ApiError(404, errors.NOT_FOUND, "Resource not found")
    return errors.error_response(error, environment=document.environment)
