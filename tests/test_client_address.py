"""Where a request comes from: the address the trusted proxies saw, never one the client wrote itself.

The lock-out, the public rate limits and the audit trail take it from one function; each is checked here
with a client that forges `X-Forwarded-For`.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from primaweb.models import AuditEvent
from primaweb.network import client_address, rate_limit_key
from tests.cpasonline.conftest import typed_request
from tests.factories import PASSWORD, CentreFactory

PROXY = "10.0.0.2"  # the reverse proxy, as Primaweb sees it in REMOTE_ADDR
INNER_PROXY = "10.0.0.3"
CLIENT = "203.0.113.9"  # the address the outermost trusted proxy received the connection from


@pytest.fixture
def proxies(settings):
    def trust(count: int) -> None:
        settings.PRIMAWEB_TRUSTED_PROXIES = count

    return trust


def request_from(rf, remote_addr: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return rf.get("/", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(rf, proxies):
    proxies(0)
    assert client_address(request_from(rf, CLIENT)) == CLIENT
    assert client_address(request_from(rf, CLIENT, "198.51.100.1")) == CLIENT
    assert client_address(request_from(rf, CLIENT, f"198.51.100.1, {PROXY}")) == CLIENT


def test_behind_one_proxy_the_rightmost_entry_is_the_client(rf, proxies):
    proxies(1)
    assert client_address(request_from(rf, PROXY, CLIENT)) == CLIENT
    # The client sent its own X-Forwarded-For: the proxy appended the real address after it.
    assert client_address(request_from(rf, PROXY, f"198.51.100.1, {CLIENT}")) == CLIENT
    assert client_address(request_from(rf, PROXY, f"1.1.1.1,8.8.8.8 ,{CLIENT}")) == CLIENT


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(rf, proxies):
    proxies(2)
    assert client_address(request_from(rf, INNER_PROXY, f"{CLIENT}, {PROXY}")) == CLIENT
    assert client_address(request_from(rf, INNER_PROXY, f"198.51.100.1, {CLIENT}, {PROXY}")) == CLIENT


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_connection(rf, proxies):
    proxies(2)
    assert client_address(request_from(rf, INNER_PROXY, CLIENT)) == INNER_PROXY
    assert client_address(request_from(rf, INNER_PROXY, "")) == INNER_PROXY
    assert client_address(request_from(rf, INNER_PROXY)) == INNER_PROXY
    proxies(1)
    assert client_address(request_from(rf, CLIENT)) == CLIENT


@pytest.mark.parametrize(
    "garbage", ["unknown", "not-an-ip", "999.1.1.1", "", " ", "203.0.113.9 203.0.113.10", "<script>"]
)
def test_a_garbage_entry_is_never_taken_for_an_address(rf, proxies, garbage):
    proxies(1)
    assert client_address(request_from(rf, PROXY, f"{CLIENT}, {garbage}")) == PROXY
    proxies(2)
    assert client_address(request_from(rf, INNER_PROXY, f"{garbage}, {PROXY}")) == INNER_PROXY


def test_addresses_come_out_canonical_with_ports_dropped(rf, proxies):
    proxies(1)
    assert client_address(request_from(rf, PROXY, "203.0.113.9:51234")) == CLIENT
    assert client_address(request_from(rf, PROXY, "[2001:DB8:0::1]:443")) == "2001:db8::1"
    assert client_address(request_from(rf, PROXY, "2001:db8:0:0::7")) == "2001:db8::7"


def test_no_address_at_all_is_none(rf, proxies):
    proxies(1)
    request = rf.get("/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) is None
    assert client_address(None) is None


def test_the_lock_out_and_the_audit_trail_use_the_same_function(settings):
    from axes.helpers import get_client_ip_address

    from primaweb import services

    assert services.client_address is client_address
    assert settings.AXES_CLIENT_IP_CALLABLE == "primaweb.network.lockout_address"
    # axes reads the setting at call time; a forged header must not reach it either.
    settings.PRIMAWEB_TRUSTED_PROXIES = 1
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {CLIENT}")
    assert get_client_ip_address(request) == CLIENT


def wrong_password(client, username, forged: str, **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": "not-the-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{forged}, {CLIENT}",
        **extra,
    )


@pytest.mark.django_db
def test_a_new_forged_address_on_each_wrong_password_still_locks_the_account(client, worker, proxies):
    proxies(1)
    for attempt in range(7):
        wrong_password(client, worker.username, forged=f"198.51.100.{attempt + 1}")
    signed_in = client.post(
        reverse("login"),
        {"username": worker.username, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"198.51.100.99, {CLIENT}",
    )
    assert signed_in.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is on the client's real address, not on the proxy everyone shares.
    from django.test import Client

    colleague = Client()
    response = colleague.post(
        reverse("login"),
        {"username": worker.username, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.50",
    )
    assert response.status_code == 302
    assert "_auth_user_id" in colleague.session


@pytest.mark.django_db
def test_the_audit_trail_stores_the_address_the_proxy_saw(client, worker, proxies):
    proxies(1)
    wrong_password(client, worker.username, forged="198.51.100.1")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.ip_address == CLIENT


@pytest.mark.django_db
def test_the_public_rate_limit_counts_the_real_address_whatever_the_client_forges(client, settings, proxies):
    cache.clear()
    proxies(1)
    settings.CPAS_ONLINE_RATE_LIMIT = 3
    CentreFactory(nis_code="92094", language="fr", name_fr="CPAS de Namur")

    def submit(forged: str, real: str = CLIENT):
        return client.post(
            reverse("cpasonline:form"),
            typed_request(),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{forged}, {real}",
        )

    for attempt in range(3):
        assert submit(forged=f"198.51.100.{attempt + 1}").status_code == 302
    assert submit(forged="198.51.100.77").status_code == 429
    assert submit(forged="198.51.100.78", real="192.0.2.50").status_code == 302
    cache.clear()


# --- IPv6: a client picks any address in its /64 ---------------------------------------------------------

SAME_64 = [f"2001:db8:1:2::{n:x}" for n in range(1, 8)] + ["2001:db8:1:2:ffff:ffff:ffff:ffff"]
OTHER_64 = "2001:db8:1:3::1"


def test_an_ipv6_client_is_counted_by_its_64_and_an_ipv4_one_by_its_address():
    assert {rate_limit_key(address) for address in SAME_64} == {"2001:db8:1:2::"}
    assert rate_limit_key(OTHER_64) == "2001:db8:1:3::"
    assert rate_limit_key(CLIENT) == CLIENT
    # IPv4 written as IPv6 (a dual-stack socket): its own address, not the /64 every IPv4 client shares.
    assert rate_limit_key("::ffff:203.0.113.9") == CLIENT
    assert rate_limit_key("::ffff:203.0.113.10") != rate_limit_key("::ffff:203.0.113.9")
    assert rate_limit_key(None) is None
    assert rate_limit_key("not an address") is None


@pytest.mark.django_db
def test_the_public_rate_limit_counts_an_ipv6_client_by_its_64(client, settings, proxies):
    cache.clear()
    proxies(0)
    settings.CPAS_ONLINE_RATE_LIMIT = 3
    CentreFactory(nis_code="92094", language="fr", name_fr="CPAS de Namur")

    def submit(address: str):
        return client.post(reverse("cpasonline:form"), typed_request(), REMOTE_ADDR=address)

    answers = [submit(address).status_code for address in SAME_64]
    assert answers == [302, 302, 302] + [429] * (len(SAME_64) - 3)
    assert submit(OTHER_64).status_code == 302
    cache.clear()


@pytest.mark.django_db
def test_a_new_ipv6_address_in_the_same_64_on_each_wrong_password_still_locks_the_account(
    client, worker, proxies
):
    proxies(0)
    wrong = {"username": worker.username, "password": "not-the-password"}
    for address in SAME_64[:7]:
        client.post(reverse("login"), wrong, REMOTE_ADDR=address)
    signed_in = client.post(
        reverse("login"), {"username": worker.username, "password": PASSWORD}, REMOTE_ADDR=SAME_64[-1]
    )
    assert signed_in.status_code == 429
    assert "_auth_user_id" not in client.session
    # The audit trail keeps each full address (the refused right password too); the lock is on that /64 only.
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert set(failed.values_list("ip_address", flat=True)) == set(SAME_64)
    from django.test import Client

    colleague = Client()
    response = colleague.post(
        reverse("login"), {"username": worker.username, "password": PASSWORD}, REMOTE_ADDR=OTHER_64
    )
    assert response.status_code == 302
    assert "_auth_user_id" in colleague.session


def read_trusted_proxies(**environ: str) -> str:
    """The setting as a fresh process reads it from the environment, or the error it stops with."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"PRIMAWEB_TRUSTED_PROXIES", "AXES_PROXY_COUNT"}}
    code = (
        "from django.conf import settings\n"
        "try:\n    print(settings.PRIMAWEB_TRUSTED_PROXIES)\n"
        "except Exception as error:\n    print(type(error).__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, **environ, "DJANGO_SETTINGS_MODULE": "primaweb.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_number_of_proxies_comes_from_the_environment_and_refuses_nonsense():
    assert read_trusted_proxies() == "0"
    assert read_trusted_proxies(PRIMAWEB_TRUSTED_PROXIES="2") == "2"
    assert read_trusted_proxies(AXES_PROXY_COUNT="1") == "1"  # the former name still counts
    assert read_trusted_proxies(PRIMAWEB_TRUSTED_PROXIES="-1") == "ImproperlyConfigured"
    assert read_trusted_proxies(PRIMAWEB_TRUSTED_PROXIES="un") == "ImproperlyConfigured"
