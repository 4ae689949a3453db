"""The demo data holds a letter template per document type, in each language the centre writes in."""

import pytest
from django.core.management import call_command

from documents.models import DocumentType
from letters import fields
from letters.models import LetterTemplate
from letters.services import template_bytes
from primaweb.models import Centre

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_checked_template_per_document_type_and_language():
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent

    for centre in Centre.objects.all():
        types = DocumentType.objects.for_centre(centre).filter(is_active=True)
        templates = LetterTemplate.objects.for_centre(centre)
        languages = ("fr", "nl") if centre.is_bilingual else (centre.language,)
        assert templates.count() == types.count() * len(languages)
        for template in templates:
            assert template.document_type in types and template.language in languages
            assert "adresse_legale" in template.fields and not fields.unknown_fields(template.fields)
            assert template_bytes(template).startswith(b"PK")
