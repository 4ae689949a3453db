"""Seeds the publisher client Primaweb's default settings use against the simulator."""

from django.db import migrations

CLIENT_ID = "primaweb"
CLIENT_SECRET = "primaweb-simulator-secret"


def seed(apps, schema_editor):
    OAuthClient = apps.get_model("ebox_simulator", "OAuthClient")
    # On the database being migrated, which is not always the default one.
    OAuthClient.objects.using(schema_editor.connection.alias).get_or_create(
        client_id=CLIENT_ID, defaults={"client_secret": CLIENT_SECRET, "name": "Primaweb (développement)"}
    )


class Migration(migrations.Migration):
    dependencies = [("ebox_simulator", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
