"""« Gérer les documents », « Anciens documents », and the documents section of a dossier's page."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dossiers.selectors import dossiers_of_centre
from primaweb.access import centre_required
from primaweb.pagination import paginate
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from .. import selectors
from ..forms import ManageFilterForm

PAGE_SIZE = 25


@centre_required
def manage(request):
    """All documents of the centre, or of one dossier (`?dossier=`): search by NISS, type and status."""
    archived = request.GET.get("anciens") == "1"
    dossier = None
    if request.GET.get("dossier", "").isdigit():
        dossier = get_for_centre_or_404(
            dossiers_of_centre(centre=request.centre), request.centre, pk=int(request.GET["dossier"])
        )
    types = selectors.document_types_of_centre(centre=request.centre)
    form = ManageFilterForm(request.GET or None, document_types=types)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {
            "niss": form.cleaned_data["niss"],
            "document_type": form.cleaned_data["document_type"],
            "status": form.cleaned_data["status"],
        }
    elif form.is_bound:
        messages.error(request, _("Les critères de recherche ne sont pas valides."))
    documents = selectors.documents_of_centre(
        centre=request.centre, dossier=dossier, archived=archived, **filters
    )
    page = paginate(request, documents, per_page=PAGE_SIZE)
    audit_consultation(
        request=request,
        what=gettext_noop("Anciens documents") if archived else gettext_noop("Gérer les documents"),
        target=dossier,
        persons=[document.dossier.beneficiary.niss for document in page],
        shown=page,
        criteria={**filters, **page.criteria},
    )
    return render(
        request,
        "documents/manage.html",
        {
            "form": form,
            "page": page,
            "archived": archived,
            "dossier": dossier,
            "here": request.get_full_path(),
        },
    )


@centre_required
def dossier_section(request, dossier_pk: int):
    """The documents of a dossier, as a fragment its main page embeds."""
    dossier = get_for_centre_or_404(dossiers_of_centre(centre=request.centre), request.centre, pk=dossier_pk)
    documents = list(selectors.documents_of_centre(centre=request.centre, dossier=dossier)[:10])
    audit_consultation(
        request=request,
        what=gettext_noop("Documents"),
        target=dossier,
        persons=[dossier.beneficiary.niss],
        shown=documents,
    )
    return render(request, "documents/_dossier_section.html", {"dossier": dossier, "documents": documents})
