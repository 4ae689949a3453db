"""Who the BCSS is told asks (AuthorizedUser): always a valid NISS and e-mail, or nothing is sent."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from lxml import etree

from cpasonline import services as cpasonline_services
from dossiers import bcss
from primaweb.models import AuditEvent, User
from tests.conftest import sign_in
from tests.factories import CentreFactory, MembershipFactory

NS_CONNECTOR = "http://ksz-bcss.fgov.be/connectors/WebServiceConnector"
NS_SERVICE = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Service"
DUPONT = "75031212346"  # in the simulated register (demo persons)


def authorized_users(calls) -> list[dict[str, str]]:
    """The AuthorizedUser of every SSDN request the client sent, as {element: text}."""
    users = []
    for call in calls:
        body = call.body if isinstance(call.body, bytes) else call.body.encode()
        carrier = etree.fromstring(body).find(f".//{{{NS_CONNECTOR}}}xmlString")
        request = etree.fromstring(carrier.text.encode())
        user = request.find(f"{{{NS_SERVICE}}}RequestContext/{{{NS_SERVICE}}}AuthorizedUser")
        users.append({etree.QName(child).localname: child.text for child in user})
    return users


@pytest.mark.parametrize(
    ("niss", "email", "problems"),
    [
        ("", "as@example.org", ("niss",)),
        ("00000000000", "as@example.org", ("niss",)),
        ("85073003428", "as@example.org", ("niss",)),
        ("85.07.30-034.27", "as@example.org", ("niss",)),
        ("85073003427", "", ("email",)),
        ("85073003427", "pas-une-adresse", ("email",)),
        ("85073003427", "a@b\nc.org", ("email",)),
        ("85073003427", "x" * 90 + "@example.org", ("email",)),
        ("", "", ("niss", "email")),
    ],
)
def test_a_caller_the_bcss_would_refuse_cannot_even_be_built(niss, email, problems):
    with pytest.raises(bcss.InvalidCaller) as refused:
        bcss.Caller(user_niss=niss, email=email, bce_number="0212345668")
    assert refused.value.problems == problems


def test_a_caller_with_an_invalid_bce_number_cannot_be_built():
    with pytest.raises(bcss.InvalidCaller) as refused:
        bcss.Caller(user_niss="85073003427", email="as@example.org", bce_number="0123456789")
    assert refused.value.problems == ("bce",)


def test_a_bis_number_and_a_valid_address_make_a_caller():
    assert bcss.Caller(user_niss="79440905194", email="as@example.org", bce_number="0212345668")


@pytest.fixture
def demo_register(db):
    from simulators.bcss.services import demo_persons_ensure

    demo_persons_ensure()


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "missing"), [("email", "votre adresse e-mail"), ("niss", "votre NISS")])
def test_a_worker_without_niss_or_email_is_told_whom_to_ask_and_nothing_is_sent(
    bcss_http, centre, field, missing
):
    user = MembershipFactory(centre=centre, user__username="sans.donnees").user
    setattr(user, field, "")
    user.save()
    client = sign_in(Client(), user, centre)

    page = client.get(reverse("dossiers:identify")).content.decode()
    assert missing in page and "administrateur de votre C.P.A.S." in page

    response = client.post(reverse("dossiers:identify"), {"mode": "niss", "niss-niss": DUPONT})
    assert response.status_code == 403
    assert "administrateur de votre C.P.A.S." in response.content.decode()
    assert bcss_http.calls == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.BCSS_CONSULTATION).exists()


@pytest.mark.django_db
def test_the_refusal_speaks_dutch(bcss_http, centre):
    user = MembershipFactory(centre=centre, user__email="").user
    client = sign_in(Client(), user, centre)
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = client.get(reverse("dossiers:identify")).content.decode()
    assert "beheerder van uw OCMW" in page


@pytest.mark.django_db
def test_a_worker_with_niss_and_email_sends_them_as_the_authorized_user(
    bcss_http, demo_register, worker_client, worker, centre
):
    worker_client.post(reverse("dossiers:identify"), {"mode": "niss", "niss-niss": DUPONT})
    assert authorized_users(bcss_http.calls) == [
        {
            "UserID": worker.niss,
            "Email": worker.email,
            "OrgUnit": centre.bce_number,
            "MatrixID": "17",
            "MatrixSubID": "1",
        }
    ]


@pytest.mark.django_db
def test_an_unknown_niss_is_explained_with_the_services_words(bcss_http, demo_register, worker_client):
    response = worker_client.post(reverse("dossiers:identify"), {"mode": "niss", "niss-niss": "75031212544"})
    page = response.content.decode()
    assert "La BCSS ne renvoie personne pour ce NISS (No person is known with this SSIN.)" in page


@pytest.mark.django_db
def test_a_users_niss_is_validated():
    user = User(username="x", email="x@example.org", niss="85073003428")
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert "niss" in refused.value.message_dict


@pytest.mark.django_db
def test_a_users_email_longer_than_the_bcss_accepts_is_refused():
    user = User(username="x", email="x" * 95 + "@example.org", niss="85073003427")
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert "email" in refused.value.message_dict


def _new_worker_form(centre, **identity):
    return {
        "username": "nouvel.as",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        "first_name": "Léa",
        "last_name": "Martin",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-centre": str(centre.pk),
        "memberships-0-role": "social_worker",
        "memberships-0-is_active": "on",
        **identity,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("identity", "message"),
    [
        ({"email": "lea@example.org", "niss": ""}, "doit avoir un NISS et une adresse e-mail"),
        ({"email": "", "niss": "85073003427"}, "doit avoir un NISS et une adresse e-mail"),
        ({"email": "lea@example.org", "niss": "85073003428"}, "n&#x27;est pas un NISS valide"),
    ],
)
def test_the_admin_gives_an_access_only_to_a_user_with_a_valid_niss_and_email(
    administrator, centre, identity, message
):
    client = Client()
    client.force_login(administrator)
    response = client.post(reverse("admin:primaweb_user_add"), _new_worker_form(centre, **identity))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="nouvel.as").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"bcss_technical_user_niss": "00000000000"}, "bcss_technical_user_niss"),
        (
            {"bcss_technical_user_niss": "70010100188", "bcss_technical_user_email": ""},
            "bcss_technical_user_email",
        ),
        (
            {"bcss_technical_user_niss": "", "bcss_technical_user_email": "t@example.org"},
            "bcss_technical_user_niss",
        ),
        ({"bcss_technical_user_email": "not an address"}, "bcss_technical_user_email"),
    ],
)
def test_a_centres_technical_bcss_user_is_validated(fields, field):
    centre = CentreFactory.build(**fields)
    with pytest.raises(ValidationError) as refused:
        centre.full_clean()
    assert field in refused.value.message_dict


@pytest.mark.django_db
def test_the_admin_edits_the_technical_bcss_user_of_a_centre(centre):
    from primaweb.admin import CentreForm

    assert {"bcss_technical_user_niss", "bcss_technical_user_email"} <= set(CentreForm.base_fields)


@pytest.mark.django_db
def test_the_demo_centres_have_a_valid_technical_bcss_user():
    from primaweb.demo import seed_demo

    centres, users = seed_demo()
    for centre in centres:
        assert bcss.Caller(
            user_niss=centre.bcss_technical_user_niss,
            email=centre.bcss_technical_user_email,
            bce_number=centre.bce_number,
        )
    for user in users:
        assert bcss.caller_problems(user_niss=user.niss, email=user.email, bce_number="0212345668") == ()


@pytest.mark.django_db
def test_cpas_online_asks_the_register_as_a_centres_technical_user(bcss_http, demo_register, settings):
    CentreFactory(bcss_technical_user_niss="70010100188", bcss_technical_user_email="t@namur.example")
    chosen = CentreFactory(bcss_technical_user_niss="70010100386", bcss_technical_user_email="t@ixl.example")
    settings.CPAS_ONLINE_BCSS_CENTRE = chosen.bce_number

    cpasonline_services.citizen_identify(niss=DUPONT)

    assert authorized_users(bcss_http.calls) == [
        {
            "UserID": "70010100386",
            "Email": "t@ixl.example",
            "OrgUnit": chosen.bce_number,
            "MatrixID": "17",
            "MatrixSubID": "1",
        }
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.BCSS_CONSULTATION)
    assert event.centre == chosen and event.username == "cpas-online"


@pytest.mark.django_db
def test_cpas_online_sends_nothing_without_a_technical_user(bcss_http, demo_register, client, caplog):
    CentreFactory(bcss_technical_user_niss="", bcss_technical_user_email="")
    with pytest.raises(cpasonline_services.TechnicalCallerMissing):
        cpasonline_services.citizen_identify(niss=DUPONT)
    assert bcss_http.calls == []
    assert "no centre has a technical BCSS user" in caplog.text

    client.post(reverse("cpasonline:simulated_sign_in"), {"signin-niss": DUPONT})
    assert "Le registre ne répond pas pour le moment" in client.get("/cpas-online/").content.decode()
    assert bcss_http.calls == []
