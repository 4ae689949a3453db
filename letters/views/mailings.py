"""« Envoi groupé de courriers »: one letter per dossier of « Dossiers du C.P.A.S. » narrowed by its
criteria, generated and sent by a worker; its progress (kept in the database, so a reload loses
nothing), each letter's outcome, and « Réessayer » for the failed ones."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents.models import DocumentType
from dossiers.selectors import dossiers_matching
from primaweb.access import centre_required
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from .. import mailing as mailing_services
from .. import selectors
from ..forms import MailingForm
from ..models import Mailing

# Bounds one job: a centre writing to more dossiers at once splits them by criteria.
MAX_LETTERS = 5000


@centre_required
@require_http_methods(["GET", "POST"])
def mailing_new(request):
    document_types = DocumentType.objects.for_centre(request.centre).filter(is_active=True)
    form = MailingForm(request.POST or None, document_types=document_types)
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        dossier_ids = list(
            dossiers_matching(
                centre=request.centre,
                name=form.cleaned_data["name"],
                created_from=form.cleaned_data["created_from"],
                created_to=form.cleaned_data["created_to"],
            ).values_list("pk", flat=True)[: MAX_LETTERS + 1]
        )
        if len(dossier_ids) > MAX_LETTERS:
            form.add_error(
                None, _("Plus de %(max)s dossiers : précisez les critères.") % {"max": MAX_LETTERS}
            )
        else:
            try:
                mailing = mailing_services.mailing_start(
                    centre=request.centre,
                    document_type=form.cleaned_data["document_type"],
                    dossier_ids=dossier_ids,
                    free_text=form.cleaned_data["free_text"],
                    criteria=criteria,
                    by=request.user,
                    request=request,
                )
            except mailing_services.MailingRefused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("letters:mailing", pk=mailing.pk)
    recent = selectors.mailings_of(centre=request.centre)[:10]
    return render(
        request,
        "letters/mailing_new.html",
        {"form": form, "recent": recent},
    )


def _mailing(request, pk: int) -> Mailing:
    return get_for_centre_or_404(
        Mailing.objects.select_related("document_type", "created_by"), request.centre, pk=pk
    )


@centre_required
@require_GET
def mailing_detail(request, pk: int):
    mailing = _mailing(request, pk)
    items = list(selectors.mailing_items(mailing=mailing))
    audit_consultation(
        request=request,
        what=gettext_noop("Envoi groupé de courriers"),
        target=mailing,
        persons=[item.dossier.beneficiary.niss for item in items],
    )
    return render(
        request,
        "letters/mailing.html",
        {"mailing": mailing, "items": items, "progress": selectors.mailing_progress(mailing=mailing)},
    )


@centre_required
@require_GET
def mailing_progress(request, pk: int):
    """The progress bar's counts, as JSON: no name, no NISS."""
    return JsonResponse(selectors.mailing_progress(mailing=_mailing(request, pk)))


@centre_required
@require_POST
def mailing_retry(request, pk: int):
    mailing = _mailing(request, pk)
    count = mailing_services.mailing_retry_failed(mailing=mailing, by=request.user, request=request)
    if count:
        messages.success(request, _("%(count)s courrier(s) relancé(s).") % {"count": count})
    else:
        messages.info(request, _("Aucun courrier échoué à relancer."))
    return redirect("letters:mailing", pk=mailing.pk)
