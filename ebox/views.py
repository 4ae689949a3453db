"""« Envoyer vers eBox », the follow-up screen, the document's publications and « Réessayer »."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from documents.models import Document
from primaweb.access import centre_required
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from . import services
from .models import Publication


def _document(request, pk: int) -> Document:
    queryset = Document.objects.select_related("dossier__beneficiary", "document_type")
    return get_for_centre_or_404(queryset, request.centre, pk=pk)


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
                "languages": [
                    (code, label) for code, label in Publication.Language.choices if code in ("fr", "nl")
                ],
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
            % {"state": publication.get_state_display(), "reason": publication.last_error},
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
