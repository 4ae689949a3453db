"""The BCSS web service connector endpoint: SOAP `sendXML` on POST, the WSDL on GET `?wsdl`.

A SOAP client gets a SOAP message whatever happens, never an HTML page: a body too big, a wrong method,
an unknown address under the simulator and the simulator's own failures all answer a SOAP 1.1 fault.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import schemas, soap, ssdn, tigroups

XML = "text/xml; charset=utf-8"
logger = logging.getLogger(__name__)


def _fault(error: soap.SoapFault, status: int = 500) -> HttpResponse:
    # SOAP 1.1 over HTTP: a fault while processing a request answers 500.
    return HttpResponse(soap.fault(error), content_type=XML, status=status)


@csrf_exempt  # A SOAP endpoint: its callers are programs holding no CSRF token.
def connector(request: HttpRequest) -> HttpResponse:
    try:
        return _connector(request)
    except ssdn.InvalidReply as exc:
        logger.error("The BCSS simulator built a reply its schemas refuse: %s", exc)
        return _fault(soap.SoapFault("The simulator could not build a valid reply.", code="Server"))
    except Exception:
        logger.exception("The BCSS simulator failed on a request")
        return _fault(soap.SoapFault("The simulator could not process the request.", code="Server"))


def _connector(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and "wsdl" in {key.lower() for key in request.GET}:
        address = request.build_absolute_uri(request.path)
        return HttpResponse(schemas.wsdl(address), content_type=XML)
    if request.method != "POST":
        response = _fault(
            soap.SoapFault(f"Method {request.method} is not allowed: send the SOAP request with POST."), 405
        )
        response["Allow"] = "POST"
        return response
    received = timezone.now()
    try:
        body = request.body
    except RequestDataTooBig:
        return _fault(soap.SoapFault("The request body is larger than the service accepts."))
    try:
        soap.check_action(request.headers.get("SOAPAction"))
        request_xml = soap.unwrap(body)
    except soap.SoapFault as error:
        return _fault(error)
    return HttpResponse(soap.wrap(ssdn.answer(request_xml, received=received)), content_type=XML)


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under the simulator: a SOAP fault with 404, as a SOAP client can read it."""
    return _fault(soap.SoapFault(f"No service at {request.path}."), 404)


@csrf_exempt  # A SOAP endpoint: its callers are programs holding no CSRF token.
def retrieve_ti_groups(request: HttpRequest) -> HttpResponse:
    """RetrieveTIGroups (« Tx25 »), document/literal SOAP: the person's national-register record."""
    if request.method != "POST":
        response = _fault(
            soap.SoapFault(f"Method {request.method} is not allowed: send the SOAP request with POST."), 405
        )
        response["Allow"] = "POST"
        return response
    received = timezone.now()
    try:
        payload = soap.body_payload(request.body)
    except RequestDataTooBig:
        return _fault(soap.SoapFault("The request body is larger than the service accepts."))
    except soap.SoapFault as error:
        return _fault(error)
    if payload.tag != f"{{{tigroups.NS_INTF}}}retrieveTIGroupsRequest":
        return _fault(soap.SoapFault(f"Unknown operation {payload.tag}; expected retrieveTIGroupsRequest."))
    try:
        reply = tigroups.answer(payload, received=received)
    except tigroups.RequestRefused as exc:
        detail = tigroups.fault(payload, str(exc), received)
        body = soap.fault(soap.SoapFault("A validation error occurred."), detail)
        return HttpResponse(body, content_type=XML, status=500)
    except Exception:
        logger.exception("The BCSS simulator failed on a RetrieveTIGroups request")
        return _fault(soap.SoapFault("The simulator could not process the request.", code="Server"))
    complaint = schemas.tigroups_errors(reply)
    if complaint:
        logger.error("The BCSS simulator built a RetrieveTIGroups reply its schemas refuse: %s", complaint)
        return _fault(soap.SoapFault("The simulator could not build a valid reply.", code="Server"))
    return HttpResponse(soap.wrap_element(reply), content_type=XML)


@csrf_exempt  # A SOAP endpoint: its callers are programs holding no CSRF token.
def mutation_pull(request: HttpRequest) -> HttpResponse:
    """The mutation pull service (mutation_pull.py), over the same SOAP transport as the connector."""
    from . import mutation_pull as pull

    if request.method != "POST":
        response = _fault(soap.SoapFault(f"Method {request.method} is not allowed: use POST."), 405)
        response["Allow"] = "POST"
        return response
    try:
        body = request.body
        soap.check_action(request.headers.get("SOAPAction"))
        request_xml = soap.unwrap(body)
    except RequestDataTooBig:
        return _fault(soap.SoapFault("The request body is larger than the service accepts."))
    except soap.SoapFault as error:
        return _fault(error)
    try:
        return HttpResponse(soap.wrap(pull.answer(request_xml)), content_type=XML)
    except pull.InvalidReply as exc:
        logger.error("The BCSS simulator built a mutation reply its schema refuses: %s", exc)
        return _fault(soap.SoapFault("The simulator could not build a valid reply.", code="Server"))
    except Exception:
        logger.exception("The BCSS simulator failed on a mutation request")
        return _fault(soap.SoapFault("The simulator could not process the request.", code="Server"))
