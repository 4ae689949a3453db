import pytest


@pytest.mark.django_db
def test_home_page_shows_how_many_requests_are_unread(worker_client, centre):
    from django.urls import reverse

    from tests.factories import OnlineRequestFactory

    OnlineRequestFactory(centre=centre)
    OnlineRequestFactory(centre=centre)
    page = worker_client.get(reverse("primaweb:home")).content.decode()
    assert "Consulter les demandes CPAS Online" in page and "(2 non lues)" in page
