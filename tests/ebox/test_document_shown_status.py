"""What a worker is shown of a document: every state in words, the same on every screen, filterable, and
what needs attention counted on the home page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from documents import selectors
from documents.models import Document
from documents.statuses import FILTERABLE, RULES, ShownStatus, shown_status_q
from ebox import services
from tests.factories import document_in

pytestmark = pytest.mark.django_db


def _send(document, django_capture_on_commit_callbacks, execute=True):
    with django_capture_on_commit_callbacks(execute=execute):
        services.publication_request(document=document, language=None, by=document.uploaded_by)


@pytest.fixture
def every_state(centre, ebox, django_capture_on_commit_callbacks):
    """One document of the centre in each state a worker can meet, named after it."""
    made = {}

    def doc(state, **fields):
        made[state] = document_in(centre, original_name=f"{state.value}.pdf", **fields)
        return made[state]

    doc(ShownStatus.PENDING, status="pending")
    doc(ShownStatus.CONVERTING, status="converting")
    doc(ShownStatus.CONVERSION_FAILED, status="failed")
    doc(ShownStatus.REGISTERED)
    _send(doc(ShownStatus.SENDING), django_capture_on_commit_callbacks, execute=False)
    no_ebox = doc(ShownStatus.NO_EBOX)
    ebox.not_activated.add(no_ebox.dossier.beneficiary.niss)
    _send(no_ebox, django_capture_on_commit_callbacks)
    ebox.script = ["400"]
    _send(doc(ShownStatus.SEND_FAILED), django_capture_on_commit_callbacks)
    ebox.script = ["500"]
    _send(doc(ShownStatus.TO_VERIFY), django_capture_on_commit_callbacks)
    _send(doc(ShownStatus.SENT), django_capture_on_commit_callbacks)
    read = doc(ShownStatus.READ)
    _send(read, django_capture_on_commit_callbacks)
    ebox.messages[read.publications.get().message_id].read = True
    services.publications_sync_status()
    replied = doc(ShownStatus.REPLY_RECEIVED)
    _send(replied, django_capture_on_commit_callbacks)
    Document.objects.filter(pk=replied.pk).update(reply_received_at=timezone.now())
    doc(ShownStatus.ARCHIVED, archived_at=timezone.now())
    return made


def _status_cell(page: str, name: str) -> str:
    row = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(name)}(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    return re.search(r'<span class="status status-([a-z_]+)">([^<]+)</span>', row).groups()


def test_every_state_is_shown_in_words_and_found_by_its_filter(worker_client, every_state):
    assert set(every_state) == set(FILTERABLE)
    for state in FILTERABLE:
        page = worker_client.get(reverse("documents:manage"), {"status": state.value}).content.decode()
        listed = set(re.findall(r"<td>([a-z_]+\.pdf)</td>", page))
        assert listed == {f"{state.value}.pdf"}, state
        assert _status_cell(page, f"{state.value}.pdf") == (state.value, state.label)
        assert f'<option value="{state.value}" selected>{state.label}</option>' in page


def test_a_failed_send_no_longer_looks_registered_on_any_screen(worker_client, every_state):
    for state in (ShownStatus.NO_EBOX, ShownStatus.SEND_FAILED, ShownStatus.TO_VERIFY, ShownStatus.SENDING):
        document = every_state[state]
        label = str(state.label).replace("'", "&#x27;")
        listing = worker_client.get(reverse("documents:manage")).content.decode()
        assert _status_cell(listing, document.original_name) == (state.value, str(state.label))
        detail = worker_client.get(reverse("documents:detail", args=[document.pk])).content.decode()
        assert f'<span class="status status-{state.value}" data-status-label role="status">{label}' in detail
        section = worker_client.get(
            reverse("documents:dossier_section", args=[document.dossier_id])
        ).content.decode()
        assert f'<span class="status status-{state.value}">{label}</span>' in section
        assert "Document enregistré" not in section


def test_the_shown_status_and_its_filter_agree_for_every_document(centre, every_state):
    documents = list(Document.objects.for_centre(centre))
    for state, _lookup in RULES:
        matching = set(
            Document.objects.for_centre(centre).filter(shown_status_q(state)).values_list("pk", flat=True)
        )
        assert matching == {d.pk for d in documents if d.shown_status == state}, state


def test_a_successful_send_after_a_failed_one_is_shown_sent(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    ebox.script = ["400"]
    _send(document, django_capture_on_commit_callbacks)
    document.refresh_from_db()
    assert document.shown_status == ShownStatus.SEND_FAILED

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_retry(publication=document.publications.get(), by=document.uploaded_by)

    document.refresh_from_db()
    assert document.shown_status == ShownStatus.SENT


def test_home_page_counts_what_needs_attention_and_links_to_the_filtered_list(
    worker_client, centre, every_state
):
    page = worker_client.get(reverse("primaweb:home")).content.decode()
    section = page[page.index('id="attention-title"') : page.index("</section>")]
    for state in (
        ShownStatus.CONVERSION_FAILED,
        ShownStatus.SEND_FAILED,
        ShownStatus.NO_EBOX,
        ShownStatus.TO_VERIFY,
    ):
        url = f"{reverse('documents:manage')}?status={state.value}"
        label = str(state.label).replace("'", "&#x27;")
        assert f'<a href="{url}">{label}</a> <span class="count">(1)</span>' in section
    assert "Envoyé vers eBox avec succès" not in section
    assert selectors.documents_needing_attention(centre=centre) == [
        (ShownStatus.CONVERSION_FAILED, 1),
        (ShownStatus.SEND_FAILED, 1),
        (ShownStatus.NO_EBOX, 1),
        (ShownStatus.TO_VERIFY, 1),
    ]
