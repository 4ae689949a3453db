"""The BCSS web service connector endpoint: SOAP `sendXML` on POST, the WSDL on GET `?wsdl`."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import schemas, soap, ssdn

XML = "text/xml; charset=utf-8"


@csrf_exempt  # A SOAP endpoint: its callers are programs holding no CSRF token.
def connector(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and "wsdl" in {key.lower() for key in request.GET}:
        address = request.build_absolute_uri(request.path)
        return HttpResponse(schemas.wsdl(address), content_type=XML)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    received = timezone.now()
    try:
        soap.check_action(request.headers.get("SOAPAction"))
        request_xml = soap.unwrap(request.body)
    except soap.SoapFault as error:
        return HttpResponse(soap.fault(error), content_type=XML, status=500)
    return HttpResponse(soap.wrap(ssdn.answer(request_xml, received=received)), content_type=XML)
