from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods

from primaweb.access import centre_required
from primaweb.display import date_display, niss_display
from primaweb.pagination import paginate
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from .. import bcss, codes, identification, sections, selectors, services
from ..forms import DossierSearchForm, EffectiveAddressForm, NissForm, PhoneticForm
from ..models import Dossier

REFUSALS = {
    "32007004": gettext_lazy("Aucune personne ne correspond à ces critères."),
    "31009001": gettext_lazy("Une date de naissance incomplète demande une tolérance (0 à 10)."),
    "31000007": gettext_lazy(
        "Un critère obligatoire manque : le nom et la date de naissance sont obligatoires."
    ),
}


def _explain(reply: bcss.IdentifyReply, mode: str = "phonetic") -> str | None:
    """A sentence for the worker when the BCSS found nobody or refused, else None."""
    for code in reply.reason_codes:
        if code in REFUSALS:
            return str(REFUSALS[code])
    if reply.ok == "NO" and mode == "niss" and not reply.persons:
        # The documents give no reason code for an unknown NISS: the service's own words are shown.
        return _("La BCSS ne renvoie personne pour ce NISS (%(diagnostic)s).") % {
            "diagnostic": reply.error_diagnostic or _("sans explication")
        }
    if reply.ok == "NO":
        return _("La BCSS a refusé la demande (code %(code)s).") % {
            "code": ", ".join(reply.reason_codes) or "?"
        }
    if not reply.persons:
        return str(REFUSALS["32007004"])
    return None


UNAVAILABLE = gettext_lazy(
    "La BCSS ne répond pas pour le moment. Vos critères sont conservés : réessayez dans un instant."
)

CALLER_MISSING = {
    "niss": gettext_lazy("votre NISS"),
    "email": gettext_lazy("votre adresse e-mail"),
}


def _caller_refusal(problems: tuple[str, ...]) -> str | None:
    """Why this user cannot consult the BCSS for this centre, and whom to ask; None when they can."""
    if "bce" in problems:
        return _(
            "Le numéro BCE de votre C.P.A.S. n'est pas valide : la BCSS ne peut pas être consultée. "
            "Demandez à l'administrateur de Primaweb de le corriger dans la fiche du C.P.A.S."
        )
    missing = [str(CALLER_MISSING[problem]) for problem in problems if problem in CALLER_MISSING]
    if not missing:
        return None
    return _(
        "La BCSS demande le NISS et l'adresse e-mail de chaque personne qui la consulte, et votre fiche "
        "d'utilisateur n'a pas %(missing)s (ou pas sous une forme valide). Demandez à l'administrateur "
        "de votre C.P.A.S. de les compléter dans votre fiche d'utilisateur ; vous pourrez ensuite "
        "rechercher une personne."
    ) % {"missing": _(" ni ").join(missing)}


@centre_required
@require_http_methods(["GET", "POST"])
def identify(request):
    """« Identification de la personne »: by NISS or by phonetic search, then the list of persons found."""
    if request.method == "GET" and not request.GET.get("retour"):
        identification.set_next(request, request.GET.get("next", ""))
    state = identification.load(request) if request.GET.get("retour") else None
    mode = request.POST.get("mode") or (state or {}).get("mode") or "niss"
    data = request.POST if request.method == "POST" else (state or {}).get("data")
    # A GET may pre-fill the criteria (« Créer un dossier » from a CPAS Online request); nothing is searched.
    prefill = request.GET if request.method == "GET" and state is None else {}
    niss_form = NissForm(
        data if mode == "niss" and data else None, prefix="niss", initial={"niss": prefill.get("niss", "")}
    )
    phonetic_form = PhoneticForm(
        data if mode == "phonetic" and data else None,
        prefix="ph",
        initial=PhoneticForm.initial_from_query(prefill),
    )
    persons = None
    refusal = _caller_refusal(services.caller_problems(centre=request.centre, user=request.user))
    if state is not None and request.method == "GET":
        persons = [identification.person_from_dict(p) for p in state["results"]]
    elif request.method == "POST" and refusal is None:
        form = niss_form if mode == "niss" else phonetic_form
        if form.is_valid():
            try:
                if mode == "niss":
                    reply = services.identification_by_niss(
                        centre=request.centre,
                        niss=form.cleaned_data["niss"],
                        by=request.user,
                        request=request,
                    )
                else:
                    reply = services.identification_phonetic(
                        centre=request.centre, criteria=form.criteria(), by=request.user, request=request
                    )
            except bcss.BcssUnavailable:
                messages.error(request, UNAVAILABLE)
            else:
                persons = list(reply.persons)
                identification.save(request, mode=mode, data=request.POST.dict(), persons=reply.persons)
                explanation = _explain(reply, mode)
                if explanation:
                    messages.warning(request, explanation)
    existing = {}
    if persons:
        existing = selectors.dossier_numbers_by_niss(centre=request.centre, nisses=[p.niss for p in persons])
    rows = [
        {
            "index": i,
            "person": p,
            "niss": niss_display(p.niss),
            "gender": codes.label(codes.GENDERS, p.gender),
            "dossier": existing.get(p.niss),
        }
        for i, p in enumerate(persons or [])
    ]
    return render(
        request,
        "dossiers/identify.html",
        {
            "mode": mode,
            "niss_form": niss_form,
            "phonetic_form": phonetic_form,
            "rows": rows,
            "searched": persons is not None,
            "caller_refusal": refusal,
        },
        status=403 if refusal and request.method == "POST" else 200,
    )


@centre_required
@require_http_methods(["GET", "POST"])
def person_details(request):
    """The legal data of a person found, the effective address, and « Créer le dossier »."""
    if request.method == "GET":
        try:
            found = identification.result(request, int(request.GET.get("n", "")))
        except ValueError:
            found = None
        if found is None:
            messages.info(request, _("Recherchez d'abord la personne."))
            return redirect("dossiers:identify")
        existing = selectors.dossier_for_niss(centre=request.centre, niss=found.niss)
        if existing is not None:
            messages.info(request, _("Cette personne a déjà un dossier dans votre C.P.A.S."))
            return redirect(identification.after_creation(request, existing))
        try:
            reply = services.identification_by_niss(
                centre=request.centre, niss=found.niss, by=request.user, request=request
            )
        except bcss.InvalidCaller as exc:
            messages.error(request, _caller_refusal(exc.problems))
            return redirect(f"{_identify_url()}?retour=1")
        except bcss.BcssUnavailable:
            messages.error(request, UNAVAILABLE)
            return redirect(f"{_identify_url()}?retour=1")
        person = reply.persons[0] if reply.persons else found
        identification.select(request, person)
        form = EffectiveAddressForm()
    else:
        person = identification.selected(request)
        if person is None:
            messages.info(request, _("Recherchez d'abord la personne."))
            return redirect("dossiers:identify")
        if "copy" in request.POST:
            form = EffectiveAddressForm(initial=EffectiveAddressForm.initial_from_legal(person))
        else:
            form = EffectiveAddressForm(request.POST)
            if form.is_valid():
                dossier, created = services.dossier_create(
                    centre=request.centre,
                    identified=person,
                    effective_address=form.cleaned_data,
                    by=request.user,
                    request=request,
                )
                identification.clear(request)
                if created:
                    messages.success(
                        request, _("Le dossier %(number)s a été créé.") % {"number": dossier.number}
                    )
                else:
                    messages.info(request, _("Cette personne a déjà un dossier dans votre C.P.A.S."))
                return redirect(identification.after_creation(request, dossier))
    return render(
        request, "dossiers/person_details.html", {"person": person, "form": form, **_labels(person)}
    )


def _identify_url() -> str:
    from django.urls import reverse

    return reverse("dossiers:identify")


def _labels(person: bcss.IdentifiedPerson) -> dict:
    return {
        "niss": niss_display(person.niss),
        "birth_date": date_display(person.birth_date),
        "gender": codes.label(codes.GENDERS, person.gender),
        "civil_state": codes.label(codes.CIVIL_STATES, person.civil_state),
        "nationality": codes.label(codes.COUNTRIES, person.nationality_code),
        "register": codes.label(codes.REGISTERS, person.register),
        "decease_date": date_display(person.decease_date) if person.decease_date else "",
    }


@centre_required
def dossier_detail(request, pk: int):
    """« Page principale du dossier »."""
    dossier = get_for_centre_or_404(
        Dossier.objects.select_related("beneficiary", "created_by", "closed_by"), request.centre, pk=pk
    )
    audit_consultation(
        request=request,
        what=gettext_noop("Page principale du dossier"),
        target=dossier,
        persons=[dossier.beneficiary.niss],
    )
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "person": dossier.beneficiary,
            "sections": sections.sections_for(dossier),
        },
    )


@centre_required
def dossier_list(request):
    """« Dossiers du C.P.A.S. »: paginated and sortable."""
    sort = request.GET.get("tri", "-created")
    if sort not in selectors.SORTS:
        sort = "-created"
    page = paginate(request, selectors.dossiers_of_centre(centre=request.centre, sort=sort), per_page=25)
    audit_consultation(
        request=request,
        what=gettext_noop("Dossiers du C.P.A.S."),
        persons=[dossier.beneficiary.niss for dossier in page],
        shown=page,
        criteria={"tri": sort, **page.criteria},
    )
    return render(request, "dossiers/list.html", {"page": page, "sort": sort})


@centre_required
def dossier_search(request):
    """« Rechercher un dossier »: by NISS, name or number, among the centre's dossiers only."""
    form = DossierSearchForm(request.GET or None)
    page = None
    if form.is_valid():
        page = paginate(
            request, selectors.dossier_search(centre=request.centre, **form.cleaned_data), per_page=25
        )
        audit_consultation(
            request=request,
            what=gettext_noop("Rechercher un dossier"),
            persons=[dossier.beneficiary.niss for dossier in page],
            shown=page,
            criteria={**form.cleaned_data, **(page.criteria if page.has_previous else {})},
        )
        if len(page) == 1 and not page.has_other_pages:
            return redirect("dossiers:detail", pk=page[0].pk)
    return render(request, "dossiers/search.html", {"form": form, "page": page, "results": page})
