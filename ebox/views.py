"""« Envoyer vers eBox », the follow-up screen, the document's publications, « Réessayer », the centre's
sends by state, and the person's answer about a send « à vérifier »."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents.models import Document
from documents.selectors import document_of_centre
from primaweb.access import centre_required
from primaweb.models import Language
from primaweb.pagination import paginate
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from . import selectors, services, verification
from .forms import PublicationFilterForm, VerificationForm
from .models import Publication

PAGE_SIZE = 25


def _document(request, pk: int) -> Document:
    return get_for_centre_or_404(document_of_centre(centre=request.centre), request.centre, pk=pk)


def _publication(request, pk: int) -> Publication:
    queryset = Publication.objects.select_related("document__dossier__beneficiary")
    return get_for_centre_or_404(queryset, request.centre, pk=pk)


@centre_required
@require_POST
def send(request, pk: int):
    """A Brussels centre chooses the subject's language first (the manual's rule); others send at once."""
    document = _document(request, pk)
    language = request.POST.get("language") or None
    if request.centre.is_bilingual and language not in ("fr", "nl"):
        return render(
            request,
            "ebox/choose_language.html",
            {
                "document": document,
                "languages": [(code, label) for code, label in Language.choices if code in ("fr", "nl")],
                "error": "chosen" in request.POST,
            },
            status=400 if "chosen" in request.POST else 200,
        )
    try:
        publication = services.publication_request(
            document=document, language=language, by=request.user, request=request
        )
    except services.PublicationRefused as exc:
        messages.error(request, str(exc))
        return redirect("documents:detail", pk=document.pk)
    if publication.state == Publication.State.NO_DIGITAL_USER:
        # Known before publishing: nothing was sent, the worker chooses another channel.
        messages.warning(
            request,
            _("« %(state)s » : %(reason)s. Le document n'a pas été envoyé.")
            % {"state": publication.get_state_display(), "reason": publication.error_message},
        )
        return redirect("documents:detail", pk=document.pk)
    return redirect("ebox:queued", pk=publication.pk)


@centre_required
@require_GET
def queued(request, pk: int):
    """« Voulez-vous envoyer un autre document ? » « Oui » → home page, « Non » → « Gérer les documents »."""
    publication = _publication(request, pk)
    audit_consultation(
        request=request,
        what=gettext_noop("Envoyer vers eBox"),
        target=publication.document,
        persons=[publication.document.dossier.beneficiary.niss],
    )
    return render(request, "ebox/queued.html", {"publication": publication, "document": publication.document})


@centre_required
@require_GET
def document_publications(request, pk: int):
    """The document's eBox publications, as a fragment its page embeds."""
    document = _document(request, pk)
    publications = (
        Publication.objects.for_centre(request.centre)
        .filter(document=document)
        .select_related("requested_by")
    )
    audit_consultation(
        request=request,
        what=gettext_noop("Envois vers l'eBox"),
        target=document,
        persons=[document.dossier.beneficiary.niss],
        shown=publications,
    )
    return render(request, "ebox/_publications.html", {"document": document, "publications": publications})


@centre_required
@require_POST
def retry(request, pk: int):
    publication = _publication(request, pk)
    try:
        services.publication_retry(publication=publication, by=request.user)
    except services.PublicationRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("L'envoi vers l'eBox a été relancé."))
    return redirect("documents:detail", pk=publication.document_id)


@centre_required
@require_GET
def publications(request):
    """« Envois vers l'eBox »: the centre's sends, filterable by state (« Envoi à vérifier »…)."""
    form = PublicationFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page = paginate(
        request, selectors.publications_of(centre=request.centre, state=state), per_page=PAGE_SIZE
    )
    audit_consultation(
        request=request,
        what=gettext_noop("Envois vers l'eBox"),
        persons=[publication.recipient_niss for publication in page],
        shown=page,
        criteria={"state": state, **page.criteria},
    )
    return render(request, "ebox/publications.html", {"form": form, "page": page, "total": page.count})


@centre_required
@require_http_methods(["GET", "POST"])
def verify(request, pk: int):
    """« Vérifier l'envoi »: the answer was lost; the person says whether the message arrived."""
    publication = _publication(request, pk)
    form = VerificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        act = (
            verification.publication_confirm_sent
            if form.cleaned_data["decision"] == "sent"
            else verification.publication_resend
        )
        try:
            act(publication=publication, by=request.user, request=request)
        except services.PublicationRefused as exc:
            messages.error(request, str(exc))
        else:
            if form.cleaned_data["decision"] == "sent":
                messages.success(request, _("L'envoi a été marqué comme arrivé dans l'eBox."))
            else:
                messages.success(request, _("Le document est renvoyé vers l'eBox."))
        return redirect("documents:detail", pk=publication.document_id)
    if request.method == "GET":
        audit_consultation(
            request=request,
            what=gettext_noop("Vérifier l'envoi"),
            target=publication.document,
            persons=[publication.recipient_niss],
        )
    return render(
        request,
        "ebox/verify.html",
        {"publication": publication, "document": publication.document, "form": form},
        status=400 if request.method == "POST" else 200,
    )
