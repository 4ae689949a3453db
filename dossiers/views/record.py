"""« Données du registre national »: the beneficiary's record with its history (RetrieveTIGroups)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy, gettext_noop

from primaweb.access import centre_required
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from .. import bcss, bcss_record, full_record
from ..models import Dossier

UNAVAILABLE = gettext_lazy(
    "Le registre national ne répond pas pour l'instant. Réessayez dans quelques minutes : rien n'a été "
    "perdu, le dossier reste tel quel."
)
NOT_FOUND = gettext_lazy(
    "Le registre national ne donne pas les données de cette personne à votre C.P.A.S. (%(description)s)."
)
NOT_INTEGRATED = gettext_lazy(
    "Le registre national ne répond que pour les personnes intégrées à la BCSS par votre C.P.A.S. : "
    "l'intégration de ce dossier n'est pas faite (%(state)s)."
)


@centre_required
def dossier_full_record(request, pk: int):
    dossier = get_for_centre_or_404(
        Dossier.objects.select_related("beneficiary", "centre"), request.centre, pk=pk
    )
    record, problem = None, ""
    try:
        record = full_record.full_record_consult(dossier=dossier, user=request.user, request=request)
    except (bcss.BcssUnavailable, bcss_record.RecordRefused):
        problem = UNAVAILABLE
    if record is not None and not record.found:
        if dossier.integration_state != Dossier.Integration.INTEGRATED:
            problem = NOT_INTEGRATED % {"state": dossier.get_integration_state_display()}
        else:
            problem = NOT_FOUND % {"description": record.description or record.code}
    audit_consultation(
        request=request,
        what=gettext_noop("Données du registre national"),
        target=dossier,
        persons=full_record.persons_shown(record, beneficiary=dossier.beneficiary.niss)
        if record is not None and record.found
        else [dossier.beneficiary.niss],
        details={"outcome": record.status if record is not None else "unavailable"},
    )
    return render(
        request,
        "dossiers/full_record.html",
        {
            "dossier": dossier,
            "person": dossier.beneficiary,
            "record": record if record is not None and record.found else None,
            "rows": full_record.display_rows(record) if record is not None and record.found else {},
            "problem": problem,
        },
    )
