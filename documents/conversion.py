"""Adapter to the document converter: a warm LibreOffice behind unoserver's XML-RPC interface.

The listener runs beside the application (`manage.py run_converter`, see `converter_process`); this
module only talks to it, at `settings.CONVERTER_URL` (one URL, or several separated by commas: one per
converter host, the next tried when one is down), through its gate (`converter_gate`): the document
goes as bytes and comes back as bytes, with the shared secret `settings.CONVERTER_SECRET`. It never
starts LibreOffice itself: a cold start per file costs seconds, a warm listener a fraction of one.
No database access: bytes in, bytes out.
"""

import http.client
import itertools
import xml.parsers.expat
import xmlrpc.client
from urllib.parse import urlsplit

from django.conf import settings

from . import converter_gate
from .failures import Failure
from .sniffing import Problem, is_winword2, is_word95

API_VERSION = "3"  # unoserver's XML-RPC interface, the same for every unoserver 3.x

# LibreOffice is told which import filter to use, never left to guess: guessing opens anything at all
# (random bytes become a PDF of garbage through the plain-text filter) and widens what a hostile file
# can reach. The validation has already checked that the content matches the extension. The converter's
# gate accepts these filters and no other.
IMPORT_FILTERS = converter_gate.IMPORT_FILTERS

# Without an explicit timeout the client waits a little longer than the listener's own limit, so that
# the listener (which kills LibreOffice and restarts) is the one that gives up on a hung conversion, and
# the client only when the listener itself is stuck.
CLIENT_GRACE = 10.0

# How each fault of the converter is read: the one place that decides whose fault a failure is.
# The converter's fault (it is down, restarting, or was left broken by another conversion's kill):
# retried, never charged to the file.
_CONVERTER_FAULTS = (
    converter_gate.BACKEND_UNAVAILABLE,  # the gate answers, no listener behind it is ready
    "ConnectionSetupException",
    "com.sun.star.comp.stoc.Introspection",  # a request reaching a LibreOffice being killed
    "NoConnectException",
    "Connection refused",
    "SystemError",  # Python-UNO's own breakage under a dying LibreOffice
    "to a UNO type",
)
# The listener died while it held this file: the file may be the cause (it is charged once it has
# crashed the listener twice) or not (the listener was killed from outside).
_CRASH_FAULTS = (converter_gate.BACKEND_CRASHED, "DisposedException", "URP bridge")
# LibreOffice's time limit struck on this file: a file too slow to convert (charged the second time).
_TIMEOUT_FAULTS = ("TimeoutError",)
# The file's own fault: LibreOffice cannot open it.
_UNREADABLE_FAULTS = ("Could not load document",)


class ConversionError(Exception):
    """Any conversion that did not give a PDF. `str()` is for the logs; `reason` for the worker."""


class ConverterUnavailable(ConversionError):
    """The converter's fault: it is down, restarting or refuses us. Try again later; never the file's."""


class ConversionTimedOut(ConverterUnavailable):
    """LibreOffice's time limit struck on this file. Once is chance (a converter under load); twice,
    the file is too slow to convert."""


class ConverterCrashed(ConverterUnavailable):
    """The listener died while converting this file. Once is chance (it was killed); twice, the file
    crashes LibreOffice."""


class ConversionFailed(ConversionError):
    """The file's fault: LibreOffice cannot convert it, trying again will not help. `failure` is the
    reason for the worker (a code, put in words in the reader's language), without internals."""

    def __init__(self, failure: Failure):
        super().__init__(failure.code)
        self.failure = failure

    def __str__(self) -> str:
        return str(self.failure)


class ConversionUnknownError(ConversionError):
    """A failure nobody recognised: retried a few times, then shown as failed with « Réessayer »."""


def classify_fault(message: str) -> ConversionError:
    """The error a converter's fault message stands for (see the lists above)."""
    if any(marker in message for marker in _CRASH_FAULTS):
        return ConverterCrashed(f"the converter died during the conversion: {message[:300]}")
    if any(marker in message for marker in _TIMEOUT_FAULTS):
        return ConversionTimedOut(f"the conversion exceeded the time limit: {message[:300]}")
    if any(marker in message for marker in _CONVERTER_FAULTS):
        return ConverterUnavailable(f"the converter gave up: {message[:300]}")
    if any(marker in message for marker in _UNREADABLE_FAULTS):
        return ConversionFailed(Failure("unreadable"))
    return ConversionUnknownError(f"unrecognised failure of the converter: {message[:300]}")


def too_slow_reason() -> Failure:
    return Failure("too_slow")


def crashes_converter_reason() -> Failure:
    return Failure("crashes_converter")


def unknown_failure_reason() -> Failure:
    return Failure("unknown")


def converter_urls(url: str | None = None) -> list[str]:
    """The listeners' URLs: `url` or settings.CONVERTER_URL, split at its commas."""
    return [item.strip().rstrip("/") for item in (url or settings.CONVERTER_URL).split(",") if item.strip()]


# Each process starts its next conversion at the next listener, so that several workers spread their
# conversions over the converters instead of all queueing at the first.
_turn = itertools.count()


class _ConverterUnreachable(ConverterUnavailable):
    """This listener cannot take the file (down, refusing us, or all its LibreOffices busy): the next
    one may. Never raised for a file the listener took and then failed on (a crash, a time limit):
    sending it elsewhere would only repeat the failure."""


def convert_to_pdf(
    *, data: bytes, extension: str, timeout: float | None = None, url: str | None = None
) -> bytes:
    """Converts a DOC/DOCX/RTF/ODT (bytes) to PDF (bytes) through the warm LibreOffice listener at
    settings.CONVERTER_URL.

    `extension` names the format the validation recognised (with or without the dot). `timeout` bounds
    the wait in seconds (default: settings.CONVERSION_TIMEOUT plus a small grace); `url` names another
    listener than settings.CONVERTER_URL. Either may list several listeners separated by commas: they are
    taken in turn, and when one cannot take the file (down, refusing our secret, no free LibreOffice
    within its wait) the next is tried; `ConverterUnavailable` once none could. Raises one of the
    `ConversionError`s above, as `classify_fault` reads the converter's answer: `ConversionFailed` (the
    file's fault, with the reason for the worker), `ConverterUnavailable` and its kinds
    `ConversionTimedOut` and `ConverterCrashed` (the converter's fault, or not yet known to be the
    file's), `ConversionUnknownError`.
    """
    kind = extension.lower().lstrip(".")
    if kind == "doc" and data:
        kind = _doc_kind(data)
    import_filter = IMPORT_FILTERS.get(kind)
    if import_filter is None:
        raise ConversionFailed(Failure("format_not_convertible", {"extension": kind}))
    if not data:
        raise ConversionFailed(Failure("empty_file"))
    # The gate may first wait for a listener to be free or back (settings.CONVERTER_WAIT).
    if timeout is None:
        timeout = settings.CONVERSION_TIMEOUT + settings.CONVERTER_WAIT + CLIENT_GRACE
    urls = converter_urls(url)
    start = next(_turn) % len(urls)
    refusals = []
    for candidate in urls[start:] + urls[:start]:
        try:
            return _convert_at(candidate, data=data, import_filter=import_filter, limit=timeout)
        except _ConverterUnreachable as exc:
            refusals.append(str(exc))
    raise ConverterUnavailable("; ".join(refusals))


def _convert_at(url: str, *, data: bytes, import_filter: str, limit: float) -> bytes:
    proxy = _proxy(url, limit)
    try:
        # unoserver's API 3, positionally: inpath, indata, outpath, convert_to, filtername,
        # filter_options, update_index, infiltername, password. unoserver's own client would first call
        # info() and retry a refused connection for 40 seconds; this calls convert() once. Indexes (a
        # table of contents) are printed as the author's program left them, as `soffice --convert-to`
        # does: refreshing them costs up to 40 % more on a long document.
        result = proxy.convert(
            None, xmlrpc.client.Binary(data), None, "pdf", None, [], False, import_filter, None
        )
    except xmlrpc.client.Fault as fault:
        error = classify_fault(str(fault.faultString))
        if type(error) is ConverterUnavailable:
            raise _ConverterUnreachable(f"{url}: {error}") from fault
        raise error from fault
    except TimeoutError as exc:
        # The listener may still be working on the file: another would only double the wait.
        raise ConverterUnavailable(f"no answer from the converter at {url} within {limit:g} s") from exc
    except xmlrpc.client.ProtocolError as exc:
        if exc.errcode == 403:
            # Not the file's fault: the worker's PRIMAWEB_CONVERTER_SECRET is not the converter's.
            raise _ConverterUnreachable(
                f"the converter at {url} refused our secret (PRIMAWEB_CONVERTER_SECRET)"
            ) from exc
        raise _ConverterUnreachable(f"converter unreachable at {url}: {exc}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _ConverterUnreachable(f"converter unreachable at {url}: {exc}") from exc
    except xml.parsers.expat.ExpatError as exc:
        raise ConverterUnavailable(f"unreadable answer from the converter at {url}: {exc}") from exc
    finally:
        proxy("close")()
    pdf = result.data if isinstance(result, xmlrpc.client.Binary) else b""
    if not pdf.startswith(b"%PDF-"):
        raise ConversionFailed(Failure("no_pdf"))
    return pdf


def converter_answers(*, url: str | None = None, timeout: float = 5.0) -> bool:
    """True when the listener (at `url`, default settings.CONVERTER_URL) answers within `timeout` s;
    with several listeners, when every one does (one down is for the monitoring to see)."""
    return all(_answers(candidate, timeout) for candidate in converter_urls(url))


def _answers(url: str, timeout: float) -> bool:
    proxy = _proxy(url, timeout)
    try:
        return proxy.info().get("api") == API_VERSION
    except (xmlrpc.client.Error, OSError, http.client.HTTPException, xml.parsers.expat.ExpatError):
        return False
    finally:
        proxy("close")()


def _doc_kind(data: bytes) -> str:
    """The import filter's key for a DOC: Word 2.0, Word 6/95, or Word 97 and later."""
    if is_winword2(data):
        return "doc2"
    try:
        return "doc95" if is_word95(data) else "doc"
    except Problem:
        return "doc"  # not an OLE file: the Word 97 filter says so in its own words


def _proxy(url: str, timeout: float) -> xmlrpc.client.ServerProxy:
    https = urlsplit(url).scheme == "https"
    transport_class = converter_gate.SafeTimeoutTransport if https else converter_gate.TimeoutTransport
    # The transport sends the headers: ServerProxy passes its own only to a transport it makes.
    headers = converter_gate.authorization_header(settings.CONVERTER_SECRET)
    return xmlrpc.client.ServerProxy(url, transport=transport_class(timeout, headers), allow_none=True)
