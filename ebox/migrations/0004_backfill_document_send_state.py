"""Documents learn how their latest send stands (documents.0004): set it from each one's latest publication."""

from django.db import migrations

SEND_STATE = {
    "pending": "sending",
    "sending": "sending",
    "to_verify": "to_verify",
    "failed": "failed",
    "no_digital_user": "no_ebox",
}


def backfill(apps, schema_editor):
    Publication = apps.get_model("ebox", "Publication")
    Document = apps.get_model("documents", "Document")
    latest = {}
    for document_id, state in (
        Publication.objects.order_by("document_id", "requested_at", "id").values_list("document_id", "state")
    ):
        latest[document_id] = state
    for state, send_state in SEND_STATE.items():
        ids = [document_id for document_id, last in latest.items() if last == state]
        if ids:
            Document.objects.filter(pk__in=ids).update(send_state=send_state)


class Migration(migrations.Migration):
    dependencies = [
        ("ebox", "0003_centre_credentials"),
        ("documents", "0004_document_send_state"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
