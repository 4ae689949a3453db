"""The citizen's side: the public form (no back-office login)."""

from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dossiers import bcss
from primaweb.communes import get_commune
from primaweb.services import client_address

from . import services
from .forms import RequestForm, SignInForm

IDENTITY_KEY = "cpasonline_identity"
FILED_KEY = "cpasonline_filed"


def _identity(request) -> services.RegisterIdentity | None:
    data = request.session.get(IDENTITY_KEY)
    return services.RegisterIdentity(**data) if data else None


@require_http_methods(["GET", "POST"])
def request_form(request):
    """« CPAS Online »: the citizen's request for help, sent to the CPAS of the commune of residence."""
    identity = _identity(request)
    form = RequestForm(request.POST or None, signed_in=identity is not None)
    refusal = no_centre = None
    if request.method == "POST" and form.is_valid():
        limit = getattr(settings, "CPAS_ONLINE_RATE_LIMIT", 5)
        if not services.rate_limit_allows(bucket="submit", address=client_address(request), limit=limit):
            refusal = _(
                "Trop de demandes ont été envoyées depuis votre connexion ces dernières minutes. "
                "Votre demande n'a pas été enregistrée ; vos réponses sont conservées : "
                "réessayez dans une heure."
            )
        else:
            try:
                online_request = services.online_request_submit(
                    data=form.cleaned_data, identity=identity, language=get_language() or "fr"
                )
            except services.NoCompetentCentre as exc:
                commune = get_commune(exc.commune_nis)
                no_centre = commune.name(get_language()) if commune else exc.commune_nis
            else:
                request.session[FILED_KEY] = online_request.reference
                return redirect("cpasonline:filed")
    elif request.method == "POST":
        refusal = _("Votre demande n'a pas été enregistrée : corrigez les champs signalés ci-dessous.")
    status = 429 if refusal and form.is_valid() else 200
    return render(
        request,
        "cpasonline/public_form.html",
        {
            "form": form,
            "identity": identity,
            "identity_rows": _identity_rows(identity),
            "sign_in_form": SignInForm(prefix="signin"),
            "refusal": refusal,
            "no_centre": no_centre,
        },
        status=status,
    )


def _identity_rows(identity):
    if identity is None:
        return []
    from dossiers import codes

    from .display import address_line, date_display

    return [
        (_("Prénom"), identity.first_name),
        (_("Nom"), identity.last_name),
        (_("Date de naissance"), date_display(identity.birth_date)),
        (_("NISS"), identity.niss),
        (_("Registre d'inscription"), codes.label(codes.REGISTERS, identity.register)),
        (_("Adresse de résidence"), address_line(identity)),
    ]


@require_POST
def sign_in(request):
    """The simulated federal sign-in: identity and address then come from the register."""
    form = SignInForm(request.POST, prefix="signin")
    if not form.is_valid():
        for error in form.errors.get("niss", []):
            messages.error(request, error)
        return redirect("cpasonline:form")
    limit = getattr(settings, "CPAS_ONLINE_SIGN_IN_LIMIT", 20)
    if not services.rate_limit_allows(bucket="sign_in", address=client_address(request), limit=limit):
        messages.error(request, _("Trop de tentatives de connexion : réessayez dans une heure."))
        return redirect("cpasonline:form")
    try:
        identity = services.citizen_identify(niss=form.cleaned_data["niss"], request=request)
    except services.CitizenNotFound:
        messages.error(request, _("Ce NISS ne figure pas dans le registre de population."))
    except bcss.BcssUnavailable:
        messages.error(request, _("Le registre ne répond pas pour le moment : réessayez dans un instant."))
    else:
        request.session[IDENTITY_KEY] = asdict(identity)
        messages.success(request, _("Vous êtes identifié(e). Vos données proviennent du registre national."))
    return redirect("cpasonline:form")


@require_POST
def sign_out(request):
    request.session.pop(IDENTITY_KEY, None)
    return redirect("cpasonline:form")


def filed(request):
    """The confirmation, with the reference of the request this browser has just filed (and only that one)."""
    reference = request.session.get(FILED_KEY)
    if not reference:
        return redirect("cpasonline:form")
    return render(request, "cpasonline/public_filed.html", {"reference": reference})
