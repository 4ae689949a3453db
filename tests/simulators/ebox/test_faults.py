import time

import pytest

from simulators.ebox import faults
from simulators.ebox.models import FaultSettings, Message

from .conftest import BASE


def test_injected_500_stores_nothing(publish, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"error_500_share": 1.0}

    response = publish(key="k1")

    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert not Message.objects.exists()


def test_injected_503_stores_nothing_so_a_retry_with_the_same_key_publishes(publish, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"error_503_share": 1.0}
    assert publish(key="k1").status_code == 503
    settings.EBOX_SIMULATOR_FAULTS = {}

    assert publish(key="k1").status_code == 201
    assert Message.objects.count() == 1


def test_injected_429_carries_retry_after(publish, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"throttle_share": 1.0, "retry_after_seconds": 7}

    response = publish()

    assert response.status_code == 429
    assert response["Retry-After"] == "7"
    assert not Message.objects.exists()


def test_faults_apply_to_the_publisher_api_only(client, publish, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"error_500_share": 1.0}

    assert client.get(BASE + "citoyen/").status_code == 200
    assert client.get(BASE + "api/publication/v2.1/openapi.json").status_code == 200


def test_dropped_connection_stores_nothing(publish, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"drop_share": 1.0}

    with pytest.raises(faults.ConnectionDropped):
        publish()

    assert not Message.objects.exists()


def test_latency_is_added(search, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"latency_ms": 150}

    started = time.monotonic()
    search([])

    assert time.monotonic() - started >= 0.15


def test_on_v3_fail_after_store_keeps_the_message_and_the_key_prevents_a_duplicate(publish, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"fail_after_store_share": 1.0, "api_version": "3"}
    first = publish(key="doc-7")
    settings.EBOX_SIMULATOR_FAULTS = {"api_version": "3"}

    retry = publish(key="doc-7")

    assert first.status_code == 503
    assert Message.objects.count() == 1
    assert retry.status_code == 409
    assert retry.json()["messageId"] == Message.objects.get().message_id


@pytest.mark.parametrize("configured", [{"api_version": "2.1"}, {}])
def test_on_2_1_the_idempotency_key_is_ignored_and_a_repeat_publishes_again(publish, settings, configured):
    """The real API 2.1 knows no Idempotency-Key; by default the simulator follows EBOX_API_VERSION."""
    settings.EBOX_API_VERSION = "2.1"
    settings.EBOX_SIMULATOR_FAULTS = {"fail_after_store_share": 1.0, **configured}
    first = publish(key="doc-7")
    settings.EBOX_SIMULATOR_FAULTS = configured

    again = publish(key="doc-7")

    assert first.status_code == 503 and "Retry-After" not in first
    assert again.status_code == 201
    assert Message.objects.count() == 2


def test_the_simulator_follows_the_configured_api_version(publish, settings):
    settings.EBOX_API_VERSION = "3"
    settings.EBOX_SIMULATOR_FAULTS = {}
    assert publish(key="doc-8").status_code == 201

    assert publish(key="doc-8").status_code == 409
    assert Message.objects.count() == 1


def test_dropped_connection_after_storing_keeps_the_message(publish, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"drop_after_store_share": 1.0}

    with pytest.raises(faults.ConnectionDropped):
        publish()

    assert Message.objects.count() == 1


def test_a_503_before_handling_asks_to_come_back_later(publish, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"error_503_share": 1.0, "retry_after_seconds": 4}

    assert publish()["Retry-After"] == "4"
    assert not Message.objects.exists()


def outcomes(search, count=20) -> list[int]:
    return [search([]).status_code for _ in range(count)]


def test_seeded_faults_repeat_the_same_sequence(search, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"error_503_share": 0.3, "throttle_share": 0.3, "seed": 42}
    first = outcomes(search)
    faults.random_reset()

    second = outcomes(search)

    assert first == second
    assert {201, 503, 429} <= set(first)


def test_admin_row_is_used_when_the_setting_is_absent(publish, settings):
    settings.EBOX_SIMULATOR_FAULTS = None
    FaultSettings.objects.create(error_503_share=1.0)

    assert publish().status_code == 503


def test_setting_overrides_the_admin_row_key_by_key(publish, settings):
    FaultSettings.objects.create(error_503_share=1.0, retry_after_seconds=3)
    settings.EBOX_SIMULATOR_FAULTS = {"error_503_share": 0, "throttle_share": 1.0}

    response = publish()

    assert response.status_code == 429
    assert response["Retry-After"] == "3"


def test_fault_settings_is_a_singleton(db):
    FaultSettings.objects.create(latency_ms=5)
    FaultSettings.objects.create(latency_ms=9)

    assert FaultSettings.objects.get().latency_ms == 9


def test_unknown_fault_key_is_reported(search, settings):
    settings.EBOX_SIMULATOR_FAULTS = {"error_share": 1.0}

    with pytest.raises(ValueError, match="error_share"):
        search([])
