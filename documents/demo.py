"""Demo document types for the demo centres (`manage.py seed_demo`)."""

from .models import DocumentType

DEMO_TYPES = (
    (
        "Décision du Conseil de l'action sociale",
        "Beslissing van de Raad voor maatschappelijk welzijn",
        "Beschluss des Sozialhilferates",
        "CPAS_DECISION",
        24,
    ),
    ("Demande de documents", "Vraag om documenten", "Anforderung von Unterlagen", "CPAS_REQUEST", 6),
    ("Accusé de réception", "Ontvangstbewijs", "Empfangsbestätigung", "CPAS_ACKNOWLEDGEMENT", 12),
)


def seed_document_types(centres) -> None:
    for centre in centres:
        for label_fr, label_nl, label_de, message_type, months in DEMO_TYPES:
            DocumentType.objects.for_centre(centre).update_or_create(
                centre=centre,
                label_fr=label_fr,
                defaults={
                    "label_nl": label_nl,
                    "label_de": label_de,
                    "ebox_message_type": message_type,
                    "validity_months": months,
                    "is_active": True,
                    # A request for documents expects an answer from the citizen.
                    "reply_authorized": message_type == "CPAS_REQUEST",
                },
            )
