"""Passwords are stored with Argon2id at OWASP's parameters, cheap enough that signing in is not a wait."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from primaweb.settings import base
from tests.factories import MembershipFactory

PASSWORD = "Un-mot-de-passe-assez-long"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS  # the suite itself uses a fast one


def test_a_new_password_is_stored_with_argon2id_at_the_owasp_parameters(production_hashers):
    stored = make_password(PASSWORD)
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.django_db
def test_a_pbkdf2_password_still_signs_in_and_is_stored_again_with_argon2id(production_hashers, client):
    user = MembershipFactory().user
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
