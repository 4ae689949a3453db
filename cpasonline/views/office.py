"""The back office: « Consulter les demandes CPAS Online » and « CPAS Online - détails d'une demande »."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import codes
from dossiers import selectors as dossier_selectors
from primaweb.access import centre_required
from primaweb.display import date_display
from primaweb.pagination import paginate
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from .. import followup, selectors, services
from ..decision_forms import DecisionForm, NotificationForm
from ..forms import FilterForm
from ..models import OnlineRequest

LINK_SALT = "cpasonline.link-dossier"
LINK_MAX_AGE = 24 * 3600


@centre_required
@require_GET
def request_list(request):
    """By default the centre's unread requests; « Demandes » (state, period) or « Référence »."""
    form = FilterForm(request.GET or None)
    criteria = form.criteria() if form.is_bound and form.is_valid() else {"read": False}
    if form.is_bound and not form.is_valid():
        requests = OnlineRequest.objects.none()
    else:
        requests = selectors.requests_of_centre(centre=request.centre, **criteria)
    page = paginate(request, requests, per_page=50)
    audit_consultation(
        request=request,
        what=gettext_noop("Demandes CPAS Online"),
        persons=[online_request.niss for online_request in page],
        shown=page,
        criteria={**criteria, **page.criteria},
    )
    return render(request, "cpasonline/list.html", {"form": form, "page": page})


def _get(request, pk):
    return get_for_centre_or_404(
        OnlineRequest.objects.select_related("centre", "read_by", "dossier"), request.centre, pk=pk
    )


def _get_logged(request, pk, *, what: str) -> OnlineRequest:
    """The request, its consultation written to the audit trail (who read which request, when)."""
    online_request = _get(request, pk)
    audit_consultation(request=request, what=what, target=online_request, persons=[online_request.niss])
    return online_request


def _details_context(online_request: OnlineRequest) -> dict:
    """The rows of the details page, each with its marker: * from the registers, ** from the applicant."""
    registers = "*" if online_request.from_registers else "**"
    applicant = "**"
    req = online_request

    def given(value, marker):
        return (value, marker) if value else ("/", "")

    return {
        "req": req,
        "identification": [
            (_("Prénom"), *given(req.first_name, registers)),
            (_("Nom"), *given(req.last_name, registers)),
            (
                _("Date de naissance"),
                *given(date_display(req.birth_date) if req.birth_date else "", registers),
            ),
            (_("NISS"), *given(req.niss, registers)),
            (
                _("Registre d'inscription"),
                *given(codes.label(codes.REGISTERS, req.register) if req.register else "", registers),
            ),
            (_("Adresse e-mail"), *given(req.email, applicant)),
            (_("Numéro de téléphone"), *given(req.phone, applicant)),
        ],
        "addresses": [
            (
                _("Adresse de résidence"),
                *given(f"{req.residence_address(get_language())} {_('Belgique')}", registers),
            ),
            (_("Adresse de référence"), *given(req.reference_address, registers)),
        ],
        "situation": [
            (_("Vit à son adresse de résidence"), req.get_lives_at_residence_display() or "/"),
            (_("Est étudiant"), req.get_is_student_display() or "/"),
            (
                _("Séjourne dans un lieu d'accueil, de placement ou de soins"),
                req.get_in_facility_display() or "/",
            ),
        ],
    }


@centre_required
@require_GET
def request_detail(request, pk: int):
    """« CPAS Online - détails d'une demande »; each opening is logged."""
    online_request = _get_logged(request, pk, what=gettext_noop("CPAS Online - détails d'une demande"))
    return _render_detail(request, online_request)


def _render_detail(request, online_request, *, decision_form=None, notification_form=None):
    context = _details_context(online_request)
    context["decision_form"] = decision_form or DecisionForm(
        online_request=online_request, initial={"decided_on": online_request.decided_on}
    )
    context["notification_form"] = notification_form or NotificationForm(
        online_request=online_request, initial={"notified_on": online_request.notified_on}
    )
    return render(request, "cpasonline/detail.html", context)


# The two follow-up days of a request: the form that types it, where the page shows that form, the service
# that records it, its field, and what the worker is told once it is recorded.
_FOLLOWUP_DAYS = {
    "decision": (
        DecisionForm,
        "decision_form",
        followup.online_request_record_decision,
        "decided_on",
        gettext_noop("La date de la décision est enregistrée."),
    ),
    "notification": (
        NotificationForm,
        "notification_form",
        followup.online_request_record_notification,
        "notified_on",
        gettext_noop("La date de la notification est enregistrée."),
    ),
}


def _record_followup_day(request, pk: int, step: str):
    """Records one follow-up day from its form; a refused date shows the request again with the form and
    its message, what was typed kept."""
    form_class, form_name, record, field, done = _FOLLOWUP_DAYS[step]
    online_request = _get(request, pk)
    form = form_class(request.POST, online_request=online_request)
    if form.is_valid():
        try:
            day = {field: form.cleaned_data[field]}
            record(online_request=online_request, by=request.user, request=request, **day)
        except followup.FollowupRefused as refused:
            form.add_error(field, str(refused))
        else:
            messages.success(request, _(done))
            return redirect("cpasonline:detail", pk=online_request.pk)
    online_request = _get_logged(request, pk, what=gettext_noop("CPAS Online - détails d'une demande"))
    return _render_detail(request, online_request, **{form_name: form})


@centre_required
@require_POST
def record_decision(request, pk: int):
    """« Décision prise le »: the day the decision on the request was taken; the 30 days stop there."""
    return _record_followup_day(request, pk, "decision")


@centre_required
@require_POST
def record_notification(request, pk: int):
    """« Décision notifiée le »: the day the applicant was notified; the 8 days stop there."""
    return _record_followup_day(request, pk, "notification")


@centre_required
@require_POST
def mark_read(request, pk: int):
    online_request = _get(request, pk)
    if services.online_request_mark_read(online_request=online_request, by=request.user, request=request):
        messages.success(
            request,
            _("La demande %(reference)s a été marquée comme lue.") % {"reference": online_request.reference},
        )
    return redirect("cpasonline:detail", pk=online_request.pk)


@centre_required
@require_GET
def create_dossier(request, pk: int):
    """« Créer un dossier »: the identification flow, pre-filled, landing back here to link the dossier."""
    online_request = _get(request, pk)
    if online_request.dossier_id:
        messages.info(
            request,
            _("Cette demande est déjà liée au dossier %(number)s.")
            % {"number": online_request.dossier.number},
        )
        return redirect("dossiers:detail", pk=online_request.dossier_id)
    token = signing.dumps(
        {"r": online_request.pk, "u": request.user.pk, "c": request.centre.pk}, salt=LINK_SALT
    )
    link = reverse("cpasonline:link_dossier", kwargs={"pk": online_request.pk, "dossier_pk": 0})
    link = link.replace("/0/", "/{dossier}/") + "?" + urlencode({"t": token})
    params = {"next": link}
    if online_request.niss:
        params["niss"] = online_request.niss
    else:
        params |= {"mode": "phonetic", "nom": online_request.last_name, "prenom": online_request.first_name}
        if online_request.birth_date:
            year, month, day = online_request.birth_date.split("-")
            params |= {"jour": day, "mois": month, "annee": year}
        else:
            messages.warning(
                request,
                _(
                    "Le demandeur n'a pas indiqué sa date de naissance : contactez-le pour l'obtenir "
                    "avant de créer un nouveau dossier."
                ),
            )
    return redirect(reverse("dossiers:identify") + "?" + urlencode(params))


@centre_required
@require_http_methods(["GET", "POST"])
def link_dossier(request, pk: int, dossier_pk: int):
    """Where the identification flow lands once the dossier exists: « Lier la demande au dossier ».

    A GET only asks to confirm (the request's reference and the dossier's number); the link is made by
    the POST of that screen, so that no link from another site can make it. Both need the token signed
    by this request's « Créer un dossier », for this user, in this centre.
    """
    online_request = _get(request, pk)
    dossier = dossier_selectors.dossier_of_centre_or_404(centre=request.centre, pk=dossier_pk)
    signed = request.POST.get("t", "") if request.method == "POST" else request.GET.get("t", "")
    try:
        token = signing.loads(signed, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        token = None
    if token != {"r": online_request.pk, "u": request.user.pk, "c": request.centre.pk}:
        messages.error(request, _("Ce lien a expiré : recommencez depuis « Créer un dossier »."))
        return redirect("cpasonline:detail", pk=online_request.pk)
    if request.method == "GET":
        return render(
            request,
            "cpasonline/link_dossier.html",
            {"req": online_request, "dossier": dossier, "token": signed},
        )
    services.online_request_link_dossier(
        online_request=online_request, dossier=dossier, by=request.user, request=request
    )
    messages.success(
        request,
        _("La demande %(reference)s est liée au dossier %(number)s.")
        % {"reference": online_request.reference, "number": dossier.number},
    )
    return redirect("dossiers:detail", pk=dossier.pk)


@centre_required
@require_GET
def print_pdf(request, pk: int):
    """« Imprimer »: the details as a PDF for the paper file."""
    online_request = _get_logged(request, pk, what=gettext_noop("Imprimer"))
    content = services.details_pdf(online_request, context=_details_context(online_request))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="demande-{online_request.reference}.pdf"'
    return response


@centre_required
@require_GET
def acknowledgement(request, pk: int):
    """The acknowledgement PDF kept with the request."""
    online_request = _get(request, pk)
    if not online_request.acknowledgement:
        messages.info(request, _("L'accusé de réception n'a pas encore été produit."))
        return redirect("cpasonline:detail", pk=online_request.pk)
    audit_consultation(
        request=request,
        what=gettext_noop("Accusé de réception (PDF)"),
        target=online_request,
        persons=[online_request.niss],
    )
    return FileResponse(
        online_request.acknowledgement.open("rb"),
        content_type="application/pdf",
        filename=f"accuse-{online_request.reference}.pdf",
    )


@centre_required
@require_GET
def dossier_section(request, dossier_pk: int):
    """The CPAS Online requests linked to a dossier, as a fragment its main page embeds."""
    dossier = dossier_selectors.dossier_of_centre_or_404(centre=request.centre, pk=dossier_pk)
    requests = list(selectors.requests_of_dossier(centre=request.centre, dossier=dossier))
    audit_consultation(
        request=request,
        what=gettext_noop("Demandes CPAS Online"),
        target=dossier,
        persons=[dossier.beneficiary.niss, *(online_request.niss for online_request in requests)],
        shown=requests,
    )
    return render(request, "cpasonline/_dossier_section.html", {"dossier": dossier, "requests": requests})
