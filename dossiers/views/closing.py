"""« Clôturer le dossier », « Rouvrir le dossier » and « Réessayer l'intégration BCSS » (POST only)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from primaweb.access import centre_required
from primaweb.tenancy import get_for_centre_or_404

from .. import services
from ..forms import CloseDossierForm
from ..models import Dossier


def _dossier(request, pk: int) -> Dossier:
    return get_for_centre_or_404(Dossier.objects.select_related("beneficiary"), request.centre, pk=pk)


@centre_required
@require_POST
def dossier_close(request, pk: int):
    dossier = _dossier(request, pk)
    form = CloseDossierForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, error)
        return redirect("dossiers:detail", pk=dossier.pk)
    try:
        services.dossier_close(
            dossier=dossier, user=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except services.DossierStateError:
        messages.info(request, _("Ce dossier est déjà clôturé."))
    else:
        messages.success(
            request,
            _("Le dossier est clôturé. Le bénéficiaire est désinscrit de la BCSS pour votre C.P.A.S."),
        )
    return redirect("dossiers:detail", pk=dossier.pk)


@centre_required
@require_POST
def dossier_reopen(request, pk: int):
    dossier = _dossier(request, pk)
    try:
        services.dossier_reopen(dossier=dossier, user=request.user, request=request)
    except services.DossierStateError:
        messages.info(request, _("Ce dossier n'est pas clôturé."))
    else:
        messages.success(
            request, _("Le dossier est rouvert. Le bénéficiaire est de nouveau intégré à la BCSS.")
        )
    return redirect("dossiers:detail", pk=dossier.pk)


@centre_required
@require_POST
def dossier_integration_retry(request, pk: int):
    dossier = _dossier(request, pk)
    if dossier.integration_settled:
        messages.info(request, _("L'intégration BCSS de ce dossier est à jour."))
    else:
        services.dossier_integration_retry(dossier=dossier, user=request.user, request=request)
        messages.success(request, _("L'intégration BCSS est relancée."))
    return redirect("dossiers:detail", pk=dossier.pk)
