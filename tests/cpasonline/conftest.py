import pytest
from django.core.management import call_command

DUPONT = "75031212346"  # Namur, in the simulated register
DELACROIX = "90072108659"  # Ixelles


@pytest.fixture
def register(db):
    call_command("simulate_register", count=20, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115


def typed_request(**overrides) -> dict:
    """The public form as a citizen who types their identity fills it."""
    data = {
        "first_name": "Louise",
        "last_name": "Delacroix",
        "birth_date": "21/07/1990",
        "niss": "",
        "street": "Rue de Fer",
        "house_number": "12",
        "box": "",
        "postal_code": "5000",
        "commune": "92094",
        "email": "louise@example.be",
        "phone": "0484 56 78 62",
        "nature": "energy",
        "description": "Ma facture de gaz a doublé.",
        "lives_at_residence": "yes",
        "is_student": "",
        "in_facility": "no",
        "website": "",
    }
    return data | overrides
