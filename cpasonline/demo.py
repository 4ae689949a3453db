"""Demo CPAS Online requests for the demo centres (Namur 92094, Ixelles 21009); idempotent."""

from datetime import timedelta

from django.utils import timezone

from primaweb.models import User

from . import rules
from .models import Answer, Nature, OnlineRequest, Source

DEMO_REQUESTS = {
    "92094": (
        {
            "reference": "2A90072YKMHZ",
            "first_name": "Louise",
            "last_name": "Delacroix",
            "email": "louise@example.be",
            "phone": "0484567862",
            "street": "Rue de Fer",
            "house_number": "12",
            "postal_code": "5000",
            "nature": Nature.ENERGY,
            "description": "Ma facture de gaz a doublé cet hiver.",
            "lives_at_residence": Answer.YES,
            "days_ago": 2,
        },
        {
            "reference": "2A90072YKMGR",
            "identity_source": Source.REGISTERS,
            "niss": "75031212346",
            "first_name": "Jean-Pierre",
            "last_name": "Dupont",
            "birth_date": "1975-03-12",
            "register": "1",
            "email": "jp.dupont@example.be",
            "street": "Rue de Fer",
            "house_number": "12",
            "postal_code": "5000",
            "nature": Nature.DEBT,
            "days_ago": 9,
        },
        {
            # Read, never decided: past the thirty days, it shows overdue in the Échéancier.
            "reference": "2A90072YKMPQ",
            "first_name": "Marc",
            "last_name": "Lambert",
            "email": "marc.lambert@example.be",
            "street": "Rue de Bruxelles",
            "house_number": "3",
            "postal_code": "5000",
            "nature": Nature.FINANCIAL,
            "days_ago": 40,
            "read_by": "as.namur",
        },
    ),
    "21009": (
        {
            "reference": "2A90072YRHZV",
            "identity_source": Source.REGISTERS,
            "niss": "90072108659",
            "first_name": "Hélène",
            "last_name": "Delacroix",
            "birth_date": "1990-07-21",
            "register": "1",
            "email": "helene@example.be",
            "street": "Rue du Bourgmestre",
            "house_number": "8",
            "postal_code": "1050",
            "nature": Nature.HOUSING,
            "language": "nl",
            "days_ago": 1,
        },
    ),
}


def seed_online_requests(centres) -> None:
    now = timezone.now()
    for centre in centres:
        for spec in DEMO_REQUESTS.get(centre.nis_code, ()):
            spec = dict(spec)
            submitted_at = now - timedelta(days=spec.pop("days_ago"))
            reader = spec.pop("read_by", "")
            if reader:
                spec |= {"read_by": User.objects.get(username=reader), "read_at": submitted_at}
            OnlineRequest.objects.across_centres(
                reason="demo data: a reference is unique in every centre"
            ).get_or_create(
                reference=spec.pop("reference"),
                defaults={
                    "centre": centre,
                    "commune_nis": centre.nis_code,
                    "submitted_at": submitted_at,
                    "received_on": rules.received_on(submitted_at),
                    # Demo requests were never mailed: nothing is owed to their made-up addresses.
                    "acknowledged_at": submitted_at,
                    **spec,
                },
            )
