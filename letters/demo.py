"""A demo letter template per document type and language of each demo centre (`manage.py seed_demo`),
made with python-docx when seeding: no binary file in the repository."""

import io

from docx import Document as new_docx
from docx.shared import Pt

from documents.models import DocumentType

from .models import LetterTemplate
from .services import template_save

TEXTS = {
    "fr": (
        "Madame, Monsieur {{ beneficiaire.prenom }} {{ beneficiaire.nom }},",
        "Concerne",
        "dossier n°",
        "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.",
        "le",
    ),
    "nl": (
        "Geachte heer, mevrouw {{ beneficiaire.prenom }} {{ beneficiaire.nom }},",
        "Betreft",
        "dossier nr.",
        "Met vriendelijke groeten.",
        "op",
    ),
    "de": (
        "Sehr geehrte Damen und Herren, {{ beneficiaire.prenom }} {{ beneficiaire.nom }},",
        "Betreff",
        "Akte Nr.",
        "Mit freundlichen Grüßen.",
        "am",
    ),
}


def demo_template(*, language: str, subject: str) -> bytes:
    greeting, concerns, number, closing, on = TEXTS[language]
    document = new_docx()
    section = document.sections[0]
    section.header.paragraphs[0].text = "{{ centre.nom }} — {{ centre.adresse }}"
    section.footer.paragraphs[0].text = "{{ centre.telephone }} — {{ centre.email }}"
    document.add_paragraph("{{ beneficiaire.prenom }} {{ beneficiaire.nom }}")
    document.add_paragraph("{{ adresse_legale }}")
    document.add_paragraph(f"{on.capitalize()} {{{{ date }}}}")
    heading = document.add_paragraph().add_run(f"{concerns} : {subject} — {number} {{{{ dossier.numero }}}}")
    heading.bold = True
    heading.font.size = Pt(12)
    document.add_paragraph(greeting)
    document.add_paragraph("{{ texte_libre }}")
    document.add_paragraph(closing)
    document.add_paragraph("{{ agent.nom }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_letter_templates(centres) -> None:
    for centre in centres:
        languages = ("fr", "nl") if centre.is_bilingual else (centre.language or "fr",)
        for document_type in DocumentType.objects.for_centre(centre).filter(is_active=True):
            for language in languages:
                name = document_type.label("fr")
                if LetterTemplate.objects.for_centre(centre).filter(name=name, language=language).exists():
                    continue
                template_save(
                    centre=centre,
                    name=name,
                    language=language,
                    document_type=document_type,
                    by=None,
                    file_name=f"modele-{language}.docx",
                    data=demo_template(language=language, subject=document_type.label(language)),
                )
