"""The message types and senders known to reach a centre's e-Box, named in the three languages; the
platform's administrators add others in the admin."""

from django.db import migrations

TYPES = [
    ("CITIZEN_REPLY", "Réponse d'un citoyen", "Antwoord van een burger", "Antwort eines Bürgers"),
    ("CPAS_DECISION", "Décision du CPAS", "Beslissing van het OCMW", "Beschluss des ÖSHZ"),
    ("CPAS_REQUEST", "Demande du CPAS", "Vraag van het OCMW", "Anfrage des ÖSHZ"),
    ("CPAS_ACKNOWLEDGEMENT", "Accusé de réception", "Ontvangstbevestiging", "Empfangsbestätigung"),
    ("CPAS_INFORMATION", "Information du CPAS", "Informatie van het OCMW", "Information des ÖSHZ"),
    ("CPAS_OTHER", "Autre message pour le CPAS", "Ander bericht voor het OCMW", "Andere Nachricht für das ÖSHZ"),
    (
        "SPPIS_DECISION",
        "Décision du SPP Intégration sociale",
        "Beslissing van de POD Maatschappelijke Integratie",
        "Beschluss des ÖPD Sozialeingliederung",
    ),
    (
        "SPPIS_INFORMATION",
        "Information du SPP Intégration sociale",
        "Informatie van de POD Maatschappelijke Integratie",
        "Information des ÖPD Sozialeingliederung",
    ),
    (
        "SPPIS_NOTIFICATION",
        "Notification du SPP Intégration sociale",
        "Kennisgeving van de POD Maatschappelijke Integratie",
        "Mitteilung des ÖPD Sozialeingliederung",
    ),
    ("ONEM_INFO", "Information de l'ONEM", "Informatie van de RVA", "Information des LfA"),
]

SENDERS = [
    (
        "0367302178",
        "SPP Intégration sociale",
        "POD Maatschappelijke Integratie",
        "ÖPD Sozialeingliederung",
    ),
    (
        "0206737484",
        "Office national de l'emploi (ONEM)",
        "Rijksdienst voor Arbeidsvoorziening (RVA)",
        "Landesamt für Arbeitsbeschaffung (LfA)",
    ),
]


def seed(apps, schema_editor):
    MessageTypeName = apps.get_model("centrebox", "MessageTypeName")
    SenderName = apps.get_model("centrebox", "SenderName")
    for code, fr, nl, de in TYPES:
        MessageTypeName.objects.get_or_create(code=code, defaults={"label_fr": fr, "label_nl": nl, "label_de": de})
    for identifier, fr, nl, de in SENDERS:
        SenderName.objects.get_or_create(
            identifier=identifier, defaults={"name_fr": fr, "name_nl": nl, "name_de": de}
        )


class Migration(migrations.Migration):
    dependencies = [("centrebox", "0002_message_type_and_sender_names")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
