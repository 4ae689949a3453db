"""The project as a whole: settings per environment, the demo data, the Celery app."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from primaweb.demo import CENTRES, USERS
from primaweb.models import Centre, Membership, User

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="primaweb.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="primaweb.example",
        PRIMAWEB_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="primaweb.settings.production",
        SECRET_KEY="",
        PRIMAWEB_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_default_runs_on_sqlite_with_a_serverless_broker(tmp_path):
    code = (
        "from django.conf import settings; from primaweb.celery import app; "
        "print(settings.DATABASES['default']['ENGINE'], app.conf.broker_url, "
        "settings.STORAGES['default']['BACKEND'])"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment |= {"DJANGO_SETTINGS_MODULE": "primaweb.settings.dev", "PRIMAWEB_VAR_DIR": str(tmp_path)}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "documents.durable_storage.DurableFileSystemStorage",
    ]


def test_environment_switches_to_postgresql_redis_and_s3(tmp_path):
    code = (
        "from django.conf import settings; from primaweb.celery import app; "
        "print(settings.DATABASES['default']['ENGINE'], app.conf.broker_url, "
        "settings.STORAGES['default']['BACKEND'], settings.STORAGES['default']['OPTIONS']['bucket_name'])"
    )
    environment = dict(os.environ) | {
        "DJANGO_SETTINGS_MODULE": "primaweb.settings.dev",
        "PRIMAWEB_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://u:p@db.example:5432/primaweb",
        "REDIS_URL": "redis://cache.example:6379/0",
        "AWS_STORAGE_BUCKET_NAME": "primaweb-files",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://cache.example:6379/0",
        "storages.backends.s3.S3Storage",
        "primaweb-files",
    ]


@pytest.mark.django_db
def test_seed_demo_creates_two_centres_one_in_brussels_and_is_idempotent():
    call_command("seed_demo")
    call_command("seed_demo")
    assert Centre.objects.count() == len(CENTRES) == 2
    assert sorted(c.is_bilingual for c in Centre.objects.all()) == [False, True]
    assert User.objects.count() == len(USERS)
    for centre in Centre.objects.all():
        roles = set(Membership.objects.for_centre(centre).values_list("role", flat=True))
        assert roles == {Membership.Role.SOCIAL_WORKER, Membership.Role.ADMINISTRATOR}


@pytest.mark.django_db
def test_demo_logins_work(client):
    from django.urls import reverse

    from primaweb.demo import DEMO_PASSWORD

    call_command("seed_demo")
    response = client.post(reverse("login"), {"username": "as.namur", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("primaweb:home")


@pytest.mark.django_db
def test_session_cleaning_task_runs_through_celery():
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from primaweb.tasks import clear_expired_sessions

    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timezone.timedelta(days=1)
    )
    clear_expired_sessions.delay()
    assert not Session.objects.filter(session_key="x" * 32).exists()


def test_centre_scoped_queries_refuse_to_run_without_a_centre():
    with pytest.raises(ValueError):
        Membership.objects.for_centre(None)
