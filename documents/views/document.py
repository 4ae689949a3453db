"""Upload and « Traitement d'un document »."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from dossiers.selectors import dossier_search, dossiers_of_centre
from primaweb.access import centre_required
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from .. import extensions, selectors, services
from ..forms import PersonLookupForm, ReplaceForm, UploadForm
from ..models import Document, DocumentEvent
from ..validation import MAX_SIZE, FileRefused

# Lazy: put in words for each request, in its reader's language (not once, at import, in French).
TOO_LARGE = gettext_lazy("Le fichier dépasse la taille maximale de 1,5 Mo.")


def _document(request, pk: int) -> Document:
    return get_for_centre_or_404(selectors.document_of_centre(centre=request.centre), request.centre, pk=pk)


@centre_required
def upload_start(request):
    """« Ajouter un document » from the home page: find the beneficiary known to the centre."""
    form = PersonLookupForm(request.GET or None)
    dossiers = None
    if form.is_valid():
        dossiers = list(
            dossier_search(
                centre=request.centre, niss=form.cleaned_data["niss"], name=form.cleaned_data["name"]
            )[:50]
        )
        audit_consultation(
            request=request,
            what=gettext_noop("Ajouter un document"),
            persons=[dossier.beneficiary.niss for dossier in dossiers],
            shown=dossiers,
            criteria=form.cleaned_data,
        )
        if len(dossiers) == 1:
            return redirect("documents:upload", dossier_pk=dossiers[0].pk)
    # After « Créer le dossier », the identification flow lands on the upload screen of the new dossier.
    next_url = reverse("documents:upload", kwargs={"dossier_pk": 0}).replace("/0/", "/{dossier}/")
    # What was just typed is not typed again: the identification opens with the same NISS or name.
    carried = {"next": next_url}
    if form.is_valid():
        if form.cleaned_data["niss"]:
            carried["niss"] = form.cleaned_data["niss"]
        if form.cleaned_data["name"].strip():
            carried["nom"] = form.cleaned_data["name"].strip()
    return render(
        request,
        "documents/upload_start.html",
        {
            "form": form,
            "dossiers": dossiers,
            "add_person_url": f"{reverse('dossiers:identify')}?{urlencode(carried)}",
        },
    )


@centre_required
def upload(request, dossier_pk: int):
    """The upload screen: « Type de document », the file, « Charger »."""
    dossier = get_for_centre_or_404(dossiers_of_centre(centre=request.centre), request.centre, pk=dossier_pk)
    types = selectors.document_types_of_centre(centre=request.centre)
    form = UploadForm(request.POST or None, request.FILES or None, document_types=types)
    duplicate = None
    if request.method == "POST":
        if getattr(request, "upload_too_large", False):
            form.add_error("file", TOO_LARGE)
        elif form.is_valid():
            file = form.cleaned_data["file"]
            try:
                document = services.document_upload(
                    centre=request.centre,
                    dossier=dossier,
                    name=file.name,
                    data=services.read_upload(file, MAX_SIZE),
                    document_type=form.cleaned_data["document_type"],
                    by=request.user,
                    allow_duplicate=form.cleaned_data["allow_duplicate"],
                    request=request,
                )
            except (FileRefused, services.StorageFailed) as refusal:
                form.add_error("file", str(refusal))
            except services.DuplicateUpload as exc:
                duplicate = exc.existing
            else:
                messages.success(request, _("Le document a été chargé."))
                return redirect("documents:detail", pk=document.pk)
    audit_consultation(
        request=request,
        what=gettext_noop("Ajouter un document"),
        target=dossier,
        persons=[dossier.beneficiary.niss],
    )
    return render(
        request,
        "documents/upload.html",
        {
            "dossier": dossier,
            "person": dossier.beneficiary,
            "form": form,
            "duplicate": duplicate,
            "has_types": types.exists(),
            "max_size": MAX_SIZE,
        },
    )


@centre_required
def document_detail(request, pk: int):
    """« Traitement d'un document »: status, PDF, replace, archive, history."""
    document = _document(request, pk)
    if document.deleted_at is not None:
        messages.info(request, _("Ce document a été supprimé ; son historique reste consultable."))
    events = document.events.select_related("by")
    audit_consultation(
        request=request,
        what=gettext_noop("Traitement d'un document"),
        target=document,
        persons=[document.dossier.beneficiary.niss],
    )
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "events": events,
            "replace_form": ReplaceForm(),
            "max_size": MAX_SIZE,
            "actions": extensions.actions_for(document),
            "sections": extensions.sections_for(document),
        },
    )


@centre_required
def document_status(request, pk: int):
    """The conversion's progress, for the page to move on by itself when the PDF is ready."""
    document = _document(request, pk)
    return JsonResponse(
        {
            "status": document.shown_status.value,
            "label": str(document.shown_status.label),
            "converting": document.is_converting,
        }
    )


def _serve_pdf(request, document: Document, *, kind: str) -> FileResponse:
    if not document.has_pdf:
        raise Http404
    attachment = kind == DocumentEvent.Kind.DOWNLOADED
    services.document_record_access(document=document, by=request.user, kind=kind, request=request)
    stem = document.original_name.rsplit(".", 1)[0]
    response = FileResponse(
        document.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=attachment,
        filename=f"{stem}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    return response


@centre_required
@xframe_options_sameorigin
def document_pdf(request, pk: int):
    """The PDF, inline in the browser; only for members of the document's centre."""
    return _serve_pdf(request, _document(request, pk), kind=DocumentEvent.Kind.VIEWED)


@centre_required
def document_download(request, pk: int):
    """« Sauvegarder »: the PDF as an attachment."""
    return _serve_pdf(request, _document(request, pk), kind=DocumentEvent.Kind.DOWNLOADED)


@centre_required
@require_POST
@xframe_options_sameorigin
def document_print(request, pk: int):
    """« Imprimer »: the PDF inline, for the browser to print; a POST, so no outside link writes the event."""
    return _serve_pdf(request, _document(request, pk), kind=DocumentEvent.Kind.PRINTED)


@centre_required
@require_POST
def document_replace(request, pk: int):
    document = _document(request, pk)
    form = ReplaceForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        messages.error(request, TOO_LARGE)
    elif not form.is_valid():
        for error in form.errors.get("file", [_("Choisissez le fichier qui remplace le document.")]):
            messages.error(request, error)
    else:
        file = form.cleaned_data["file"]
        try:
            services.document_replace(
                document=document,
                name=file.name,
                data=services.read_upload(file, MAX_SIZE),
                by=request.user,
                request=request,
            )
        except services.DocumentLocked:
            raise PermissionDenied(
                _locked_reason(document, _("Un document envoyé ne peut plus être remplacé."))
            ) from None
        except (FileRefused, services.StorageFailed) as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Le document a été remplacé."))
    return redirect("documents:detail", pk=document.pk)


@centre_required
@require_POST
def document_retry(request, pk: int):
    document = _document(request, pk)
    try:
        services.document_retry(document=document, by=request.user)
    except services.DocumentLocked:
        messages.info(request, _("La conversion de ce document n'est pas en échec."))
    return redirect("documents:detail", pk=document.pk)


@centre_required
@require_POST
def document_archive(request, pk: int):
    document = _document(request, pk)
    archived = request.POST.get("action") != "unarchive"
    services.document_archive(document=document, by=request.user, archived=archived)
    messages.success(
        request, _("Le document a été archivé.") if archived else _("Le document a été désarchivé.")
    )
    return redirect(_back(request, document))


@centre_required
def document_delete(request, pk: int):
    """« Supprimer », after a confirmation; only for documents not yet sent."""
    document = _document(request, pk)
    if not document.is_editable:
        raise PermissionDenied(_locked_reason(document, _("Un document envoyé ne peut pas être supprimé.")))
    if request.method == "POST":
        services.document_delete(document=document, by=request.user, request=request)
        messages.success(request, _("Le document a été supprimé. Son historique reste consultable."))
        return redirect(_back(request, document, default=reverse("documents:manage")))
    audit_consultation(
        request=request,
        what=gettext_noop("Supprimer le document ?"),
        target=document,
        persons=[document.dossier.beneficiary.niss],
    )
    return render(request, "documents/confirm_delete.html", {"document": document})


def _locked_reason(document: Document, sent: str) -> str:
    if document.is_editable_by_status:
        return _("Ce document est en cours d'envoi vers l'eBox : réessayez quand l'envoi sera terminé.")
    return sent


def _back(request, document: Document, default: str | None = None) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default or reverse("documents:detail", args=[document.pk])
