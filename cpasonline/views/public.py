"""The citizen's side: the public form (no back-office login)."""

from dataclasses import asdict
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers.services import BcssUnavailable
from primaweb.communes import get_commune
from primaweb.services import client_address

from .. import federal_sign_in as federal_sign_in_client
from .. import services
from ..forms import RequestForm, SignInForm

IDENTITY_KEY = "cpasonline_identity"
FILED_KEY = "cpasonline_filed"
FEDERAL_KEY = "cpasonline_federal_sign_in"


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
        limit = settings.CPAS_ONLINE_RATE_LIMIT
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
            "simulated_sign_in": settings.SIMULATORS_ENABLED,
            "federal_sign_in": federal_sign_in_client.configured(),
            "refusal": refusal,
            "no_centre": no_centre,
        },
        status=status,
    )


def _identity_rows(identity):
    if identity is None:
        return []
    from dossiers import codes
    from primaweb.display import date_display

    from ..display import address_line

    return [
        (_("Prénom"), identity.first_name),
        (_("Nom"), identity.last_name),
        (_("Date de naissance"), date_display(identity.birth_date)),
        (_("NISS"), identity.niss),
        (_("Registre d'inscription"), codes.label(codes.REGISTERS, identity.register)),
        (_("Adresse de résidence"), address_line(identity)),
    ]


def simulator_only(view):
    """A stand-in for a federal service: it answers 404 unless the simulators are on (never in production)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.SIMULATORS_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


@require_POST
@simulator_only
def simulated_sign_in(request):
    """The simulated federal sign-in (simulators only): the citizen gives a NISS of the simulated register."""
    form = SignInForm(request.POST, prefix="signin")
    if not form.is_valid():
        for error in form.errors.get("niss", []):
            messages.error(request, error)
        return redirect("cpasonline:form")
    _sign_in_from_register(request, niss=form.cleaned_data["niss"])
    return redirect("cpasonline:form")


def _sign_in_from_register(request, *, niss: str) -> None:
    """Signs the citizen in with the register's identity for `niss`, which a sign-in has vouched for."""
    limit = settings.CPAS_ONLINE_SIGN_IN_LIMIT
    if not services.rate_limit_allows(bucket="sign_in", address=client_address(request), limit=limit):
        messages.error(request, _("Trop de tentatives de connexion : réessayez dans une heure."))
        return
    try:
        identity = services.citizen_identify(niss=niss, request=request)
    except services.CitizenNotFound:
        messages.error(request, _("Ce NISS ne figure pas dans le registre de population."))
    except BcssUnavailable:
        messages.error(request, _("Le registre ne répond pas pour le moment : réessayez dans un instant."))
    else:
        request.session.cycle_key()  # a new identity, a new session key
        request.session[IDENTITY_KEY] = asdict(identity)
        messages.success(request, _("Vous êtes identifié(e). Vos données proviennent du registre national."))


def _federal_redirect_uri() -> str:
    # From the configured site address, not the request's Host: it must be the one the provider knows.
    return f"{settings.SITE_URL}{reverse('cpasonline:federal_callback')}"


@require_POST
def federal_sign_in(request):
    """« Se connecter avec la connexion fédérale »: off (404) unless a provider is configured."""
    if not federal_sign_in_client.configured():
        raise Http404
    started = federal_sign_in_client.start(redirect_uri=_federal_redirect_uri())
    request.session[FEDERAL_KEY] = {"state": started.state, "code_verifier": started.code_verifier}
    return redirect(started.url)


@require_GET
def federal_callback(request):
    """The provider sends the citizen back here with a code; the NISS it vouches for signs them in."""
    if not federal_sign_in_client.configured():
        raise Http404
    pending = request.session.pop(FEDERAL_KEY, None)
    state = request.GET.get("state", "")
    if not pending or not state or not constant_time_compare(state, pending["state"]):
        messages.error(request, _("La connexion fédérale n'a pas abouti : recommencez."))
        return redirect("cpasonline:form")
    if "error" in request.GET or not request.GET.get("code"):
        messages.error(request, _("La connexion fédérale a été annulée ou refusée."))
        return redirect("cpasonline:form")
    try:
        niss = federal_sign_in_client.finish(
            redirect_uri=_federal_redirect_uri(),
            authorization_response=request.build_absolute_uri(),
            state=pending["state"],
            code_verifier=pending["code_verifier"],
        )
    except federal_sign_in_client.FederalSignInFailed:
        messages.error(request, _("La connexion fédérale n'a pas abouti : recommencez."))
        return redirect("cpasonline:form")
    _sign_in_from_register(request, niss=niss)
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
