"""The BCSS client facing a service that is down, slow or answering garbage."""

import pytest
import requests
from django.urls import reverse

from dossiers import bcss
from primaweb.models import AuditEvent
from tests.http import FailingAdapter

CALLER = bcss.Caller(user_niss="85073003427", email="as@example.org", bce_number="0212345668")


@pytest.mark.parametrize(
    "adapter",
    [
        FailingAdapter(error=requests.ConnectionError("connection refused")),
        FailingAdapter(error=requests.ReadTimeout("read timed out")),
        FailingAdapter(status=503, body=b"<html>Service Unavailable</html>"),
        FailingAdapter(status=200, body=b"this is not xml"),
        FailingAdapter(
            status=200,
            body=(
                b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
                b'<x:xmlString xmlns:x="http://ksz-bcss.fgov.be/connectors/WebServiceConnector">&lt;nope/&gt;</x:xmlString>'
                b"</soap:Body></soap:Envelope>"
            ),
        ),
    ],
    ids=["refused", "timeout", "503", "garbage", "not-an-ssdn-reply"],
)
def test_unreachable_or_garbled_service_raises_unavailable(bcss_failing, adapter):
    bcss_failing(adapter)
    with pytest.raises(bcss.BcssUnavailable):
        bcss.identify_by_niss(niss="85073003427", caller=CALLER)


@pytest.mark.django_db
def test_worker_sees_a_clear_message_keeps_the_criteria_and_the_failure_is_logged(
    bcss_failing, worker_client, centre
):
    bcss_failing(FailingAdapter(error=requests.ConnectionError("connection refused")))
    response = worker_client.post(reverse("dossiers:identify"), {"mode": "niss", "niss-niss": "85073003427"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "La BCSS ne répond pas pour le moment" in page
    assert 'value="85073003427"' in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.BCSS_CONSULTATION, centre=centre)
    assert event.details["outcome"] == "unavailable"
    assert event.details["criteria"] == {"niss": "85073003427"}


@pytest.mark.django_db
def test_invalid_niss_never_reaches_the_bcss(bcss_http, worker_client):
    response = worker_client.post(reverse("dossiers:identify"), {"mode": "niss", "niss-niss": "85073003428"})
    assert "Le chiffre de contrôle du NISS est incorrect." in response.content.decode()
    assert bcss_http.calls == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.BCSS_CONSULTATION).exists()
