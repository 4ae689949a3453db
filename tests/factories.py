import itertools

import factory
from factory.django import DjangoModelFactory

from primaweb.models import Centre, Membership, User
from primaweb.services import audit_record

PASSWORD = "correct-horse-battery-staple"


def bce_from(base: int) -> str:
    """A valid BCE number: eight digits then 97 - (those mod 97)."""
    eight = f"0{base % 10_000_000:07d}"
    return f"{eight}{97 - int(eight) % 97:02d}"


class CentreFactory(DjangoModelFactory):
    class Meta:
        model = Centre
        skip_postgeneration_save = True  # the eBox onboarding writes its own rows

    name_fr = factory.Sequence(lambda n: f"CPAS test {n}")
    name_nl = factory.Sequence(lambda n: f"OCMW test {n}")
    bce_number = factory.Sequence(lambda n: bce_from(3_000_000 + n))
    nis_code = "92094"  # Namur
    language = "fr"
    # The technical BCSS user CPAS Online consults the register as (a program ID in NISS format).
    bcss_technical_user_niss = "70010100188"
    bcss_technical_user_email = factory.LazyAttribute(lambda c: f"bcss.{c.bce_number}@example.org")

    class Params:
        brussels = factory.Trait(nis_code="21009", language="fr")  # Ixelles
        flemish = factory.Trait(nis_code="44021", language="nl")  # Gent

    @factory.post_generation
    def ebox(centre, create, extracted, **kwargs):
        """Onboarded for the eBox (both sides), unless `ebox=False`."""
        if create and extracted is not False:
            from tests.ebox_onboarding import onboard

            onboard(centre)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_BE")
    last_name = factory.Faker("last_name", locale="fr_BE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    # The BCSS wants each worker's NISS and e-mail (AuthorizedUser).
    niss = factory.Sequence(lambda n: niss_for("780101", 1 + n % 997))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    centre = factory.SubFactory(CentreFactory)
    role = Membership.Role.SOCIAL_WORKER


def audit_event_in(centre, **kwargs):
    member = MembershipFactory(centre=centre)
    return audit_record(action="view", by=member.user, centre=centre, target=centre, **kwargs)


def invitation_in(centre, *, user=None, **fields):
    """A pending invitation of `centre` to an account of another centre (none is made by default)."""
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from primaweb.models import Invitation

    user = user or MembershipFactory().user
    now = timezone.now()
    values = {
        "role": Membership.Role.SOCIAL_WORKER,
        "email": user.email,
        "key": secrets.token_urlsafe(32),
        "expires_at": now + timedelta(days=7),
        **fields,
    }
    return Invitation.objects.create(centre=centre, user=user, **values)


def niss_for(birth: str, serial: int) -> str:
    """A valid NISS for a birth date YYMMDD (born before 2000) and a serial."""
    base = f"{birth}{serial:03d}"
    return f"{base}{97 - int(base) % 97:02d}"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = "dossiers.Person"

    centre = factory.SubFactory(CentreFactory)
    niss = factory.Sequence(lambda n: niss_for("850730", 2 + (n % 990)))
    last_name = factory.Faker("last_name", locale="fr_BE")
    first_names = factory.Faker("first_name", locale="fr_BE")
    birth_date = "1985-07-30"
    gender = "2"
    effective_street = "Rue de Fer"
    effective_house_number = "12"
    effective_postal_code = "5000"
    effective_locality = "Namur"


class DossierFactory(DjangoModelFactory):
    class Meta:
        model = "dossiers.Dossier"

    centre = factory.SubFactory(CentreFactory)
    beneficiary = factory.SubFactory(PersonFactory, centre=factory.SelfAttribute("..centre"))
    number = factory.Sequence(lambda n: f"2026{n:06d}")
    created_by = factory.SubFactory(UserFactory)


class DocumentTypeFactory(DjangoModelFactory):
    class Meta:
        model = "documents.DocumentType"

    centre = factory.SubFactory(CentreFactory)
    label_fr = factory.Sequence(lambda n: f"Décision {n}")
    label_nl = factory.Sequence(lambda n: f"Beslissing {n}")
    label_de = factory.Sequence(lambda n: f"Beschluss {n}")
    ebox_message_type = "CPAS_DECISION"
    validity_months = 12


def document_in(centre, *, status="registered", dossier=None, **fields):
    """A document stored like an upload: a PDF kept as is, registered (or in the given status)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from documents.models import Document
    from tests.samples import pdf_bytes

    dossier = dossier or DossierFactory(centre=centre)
    document_type = fields.pop("document_type", None) or DocumentTypeFactory(centre=centre)
    data = pdf_bytes()
    document = Document(
        centre=centre,
        dossier=dossier,
        document_type=document_type,
        uploaded_by=dossier.created_by,
        original_name=fields.pop("original_name", "decision.pdf"),
        original_extension="pdf",
        content_type="application/pdf",
        size=len(data),
        sha256="0" * 64,
        status=status,
        pages=1,
        **fields,
    )
    document.original.name = default_storage.save(document.storage_path("original.pdf"), ContentFile(data))
    document.pdf.name = document.original.name
    document.save()
    return document


def publication_in(centre, *, state="failed", document=None, **fields):
    """An eBox publication of a document of `centre` (failed by default, so « Réessayer » applies)."""
    from ebox.models import Publication

    document = document or document_in(centre)
    return Publication.objects.create(
        centre=centre,
        document=document,
        recipient_niss=document.dossier.beneficiary.niss,
        language=fields.pop("language", "fr"),
        subject=document.document_type.label_fr,
        state=state,
        requested_by=document.uploaded_by,
        last_error=fields.pop("last_error", "INVALID_INPUT" if state == "failed" else ""),
        **fields,
    )


class OnlineRequestFactory(DjangoModelFactory):
    """A CPAS Online request typed by the applicant (no register data), unread."""

    class Meta:
        model = "cpasonline.OnlineRequest"

    centre = factory.SubFactory(CentreFactory)
    reference = factory.Sequence(lambda n: f"TESTREF{n:05d}")
    received_on = factory.LazyAttribute(lambda r: r.submitted_at.date())
    submitted_at = factory.LazyFunction(lambda: _now())
    first_name = "Louise"
    last_name = "Delacroix"
    email = "louise@example.be"
    phone = "0484567862"
    postal_code = "5000"
    commune_nis = "92094"
    nature = "energy"
    description = "Test"


def _now():
    from django.utils import timezone

    return timezone.now()


def centre_message_in(centre, *, message_type="SPPIS_INFORMATION", **fields):
    """A message of the centre's own e-Box, imported, its body already fetched (so opening needs no HTTP)."""
    import uuid

    from django.utils import timezone

    from centrebox.models import CentreMessage

    fields.setdefault("body_fetched_at", timezone.now())
    return CentreMessage.objects.create(
        centre=centre,
        message_id=fields.pop("message_id", uuid.uuid4().hex),
        message_type=message_type,
        subject=fields.pop("subject", "Information du SPP IS"),
        language=fields.pop("language", "fr"),
        sender=fields.pop("sender", "0123456749"),
        received_at=fields.pop("received_at", timezone.now()),
        **fields,
    )


def centre_label_in(centre, name="À traiter"):
    from centrebox.models import CentreLabel

    return CentreLabel.objects.create(centre=centre, name=name)


def inbox_grant_in(centre, *, membership=None, **fields):
    """A member's grant on the centre's own e-Box."""
    from centrebox.models import InboxGrant

    membership = membership or MembershipFactory(centre=centre)
    return InboxGrant.objects.create(centre=centre, membership=membership, **fields)


def platform_object(label: str):
    """One row of a model that belongs to no centre (sign-in attempts, groups, the simulators' data)."""
    import uuid
    from datetime import timedelta

    from django.apps import apps
    from django.utils import timezone

    model = apps.get_model(label)
    token = uuid.uuid4().hex
    later = timezone.now() + timedelta(days=1)
    if label == "auth.Group":
        return model.objects.create(name=f"groupe-{token[:8]}")
    if label.startswith("axes."):
        extra = {"failures_since_start": 1} if label == "axes.AccessAttempt" else {}
        return model.objects.create(username=f"u{token[:8]}", ip_address="192.0.2.1", user_agent="t", **extra)
    if label == "ebox_simulator.Citizen":
        return model.objects.create(niss=niss_for("850730", 500 + uuid.uuid4().int % 400))
    if label == "ebox_simulator.FaultSettings":
        return model.objects.create()
    if label == "ebox_simulator.OAuthClient":
        from tests.ebox_onboarding import PLATFORM_BCE, key_pair

        return model.objects.create(
            client_id=token, organization_bce=PLATFORM_BCE, public_keys=key_pair().certificate
        )
    if label == "ebox_simulator.SenderConfiguration":
        return model.objects.create(organization_bce="0123456056", application_id=token, message_type_id="T")
    if label == "ebox_simulator.UsedAssertion":
        return model.objects.create(
            client=platform_object("ebox_simulator.OAuthClient"), jti=token, expires_at=later
        )
    if label == "ebox_simulator.AccessToken":
        client = platform_object("ebox_simulator.OAuthClient")
        return model.objects.create(token=token, client=client, scope="publication", expires_at=later)
    if label == "ebox_simulator.Message":
        return model.objects.create(
            message_id=str(uuid.uuid4()),
            client=platform_object("ebox_simulator.OAuthClient"),
            sender_organization_id="0123456749",
            recipient_niss=niss_for("850730", 2),
            subject="Message",
            language="fr",
            expires_at=later,
        )
    if label == "ebox_simulator.Reply":
        return model.objects.create(message=platform_object("ebox_simulator.Message"), answer="accept")
    if label == "ebox_simulator.EnterpriseBox":
        return model.objects.create(bce=token[:10])
    if label == "ebox_simulator.EnterpriseMessage":
        return model.objects.create(
            message_id=str(uuid.uuid4()),
            box=platform_object("ebox_simulator.EnterpriseBox"),
            message_type_id="SPPIS_INFORMATION",
            subject="Message",
            language="fr",
            expires_at=later,
        )
    if label == "centrebox.MessageTypeName":
        return model.objects.create(code=f"TYPE_{token[:8]}", label_fr="Type", label_nl="Type")
    if label == "centrebox.SenderName":
        return model.objects.create(identifier=token[:10], name_fr="Institution", name_nl="Instelling")
    raise LookupError(f"No platform object known for {label}: add it to tests/factories.py")


def mutation_in(centre, *, kind="MOVE", dossier=None, **fields):
    """A mutation of the register received for a dossier of `centre` (a move by default)."""

    from django.utils import timezone

    from mutations.models import Mutation

    dossier = dossier or DossierFactory(centre=centre)
    data = {
        "MOVE": {
            "street": "Rue de l'Ange",
            "house_number": "7",
            "box": "",
            "postal_code": "5000",
            "municipality_code": "92094",
            "municipality": "Namur",
        },
        "DEATH": {},
    }.get(kind, {})
    return Mutation.objects.create(
        centre=centre,
        register_id=fields.pop("register_id", None) or next(_mutation_ids),
        niss=dossier.beneficiary.niss,
        kind=kind,
        occurred_on=fields.pop("occurred_on", timezone.localdate()),
        recorded_at=timezone.now(),
        data=fields.pop("data", data),
        dossier=dossier,
        **fields,
    )


_mutation_ids = itertools.count(1_000_000)


def letter_template_in(centre, *, language="fr", text="Madame, Monsieur {{ beneficiaire.nom }}", **fields):
    """A letter template of `centre`, its DOCX made with python-docx and saved through the service."""
    import uuid

    from letters.services import template_save
    from tests.letters.docx import template

    return template_save(
        centre=centre,
        name=fields.pop("name", f"Modèle {uuid.uuid4().hex[:8]}"),
        language=language,
        document_type=fields.pop("document_type", None) or DocumentTypeFactory(centre=centre),
        by=None,
        file_name="modele.docx",
        data=template(*text.split("\n")),
    )


def mailing_in(centre, **fields):
    """A mass mailing of one dossier of `centre`, its letter not generated yet."""
    from letters.models import Mailing, MailingItem

    dossier = fields.pop("dossier", None) or DossierFactory(centre=centre)
    mailing = Mailing.objects.create(
        centre=centre,
        document_type=fields.pop("document_type", None) or DocumentTypeFactory(centre=centre),
        created_by=dossier.created_by,
        **fields,
    )
    MailingItem.objects.create(centre=centre, mailing=mailing, dossier=dossier)
    return mailing
