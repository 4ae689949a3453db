"""The publishMessage body: a multipart form whose file names every server reads the same way, and the
attachment digest the service checks."""

import base64
import hashlib
import json
from urllib.parse import quote

from urllib3.fields import RequestField
from urllib3.filepost import encode_multipart_formdata


def digest(data: bytes) -> str:
    """The attachment digest the service checks: base64url of the SHA-256, without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def content_disposition(name: str, filename: str) -> str:
    """A multipart part's Content-Disposition with the file name per RFC 6266 / RFC 5987: an ASCII
    `filename` every server reads, and `filename*` with the exact UTF-8 name when it is not plain ASCII."""
    fallback = "".join(
        char if char.isascii() and char.isprintable() and char not in '"\\' else "_" for char in filename
    )
    header = f'form-data; name="{name}"; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def multipart_body(message: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """The publishMessage body and its Content-Type: the `messageToPublish` JSON part, then each file
    part `name: (filename, data, media type)` with its name encoded as `content_disposition` says
    (requests would write the raw UTF-8 name, which RFC 7578 servers may misread)."""
    parts = [
        RequestField(
            "messageToPublish",
            json.dumps(message).encode(),
            headers={
                "Content-Disposition": 'form-data; name="messageToPublish"',
                "Content-Type": "application/json",
            },
        )
    ]
    for name, (filename, data, media_type) in files.items():
        parts.append(
            RequestField(
                name,
                data,
                headers={
                    "Content-Disposition": content_disposition(name, filename),
                    "Content-Type": media_type,
                },
            )
        )
    return encode_multipart_formdata(parts)
