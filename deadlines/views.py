"""« Échéancier »: the deadlines of the worker and of the centre, and the daily summary's choice."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from primaweb.access import centre_required
from primaweb.pagination import paginate
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from . import selectors, services
from .forms import CENTRE, MINE, DeadlineFilterForm, DigestForm
from .models import Deadline, DigestPreference

PER_PAGE = 50


@centre_required
@require_GET
def deadline_list(request):
    form = DeadlineFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Ces critères ne sont pas valides : voici vos échéances dépassées."))
    criteria = form.criteria()
    whose = MINE if criteria["mine"] else CENTRE
    deadlines = selectors.deadlines_due(membership=request.membership, **criteria).select_related(
        "online_request", "publication", "centre_message"
    )
    page = paginate(request, deadlines, per_page=PER_PAGE)
    persons = [niss for deadline in page for niss in deadline.persons]
    audit_consultation(
        request=request,
        what=gettext_noop("Échéancier"),
        persons=persons,
        shown=page,
        criteria={**criteria, **page.criteria},
    )
    return render(
        request,
        "deadlines/list.html",
        {
            "form": form,
            "page": page,
            "mine": criteria["mine"],
            "period": criteria["period"],
            "periods": [
                (label, f"?qui={whose}&periode={value}", value == criteria["period"])
                for value, label in form.fields["periode"].choices
            ],
            "whose": [
                (label, f"?qui={value}&periode={criteria['period']}", value == whose)
                for value, label in form.fields["qui"].choices
            ],
        },
    )


@centre_required
@require_POST
def paper_sent(request, pk: int):
    """« Courrier papier envoyé »: the unread eBox message went by post."""
    deadline = get_for_centre_or_404(Deadline.objects.select_related("centre"), request.centre, pk=pk)
    if deadline.kind != Deadline.Kind.PAPER:
        messages.error(request, _("Seule une échéance « Envoyer par courrier papier » se règle ainsi."))
    elif deadline.met_on is None:
        services.deadline_paper_sent(deadline=deadline, by=request.user, request=request)
        messages.success(request, _("L'envoi par courrier papier est enregistré."))
    return redirect(reverse("deadlines:list") + f"?qui={CENTRE}")


@centre_required
@require_http_methods(["GET", "POST"])
def digest(request):
    """« Résumé quotidien par e-mail »: the worker's own choice, in this centre."""
    preference = (
        DigestPreference.objects.for_centre(request.centre).filter(membership=request.membership).first()
    )
    if request.method == "POST":
        form = DigestForm(request.POST)
        if form.is_valid():
            services.digest_set(membership=request.membership, enabled=form.cleaned_data["enabled"])
            if form.cleaned_data["enabled"] and not request.user.email:
                messages.warning(
                    request,
                    _("Votre compte n'a pas d'adresse e-mail : le résumé ne pourra pas vous être envoyé."),
                )
            messages.success(request, _("Votre choix est enregistré."))
            return redirect("deadlines:digest")
    else:
        form = DigestForm(initial={"enabled": bool(preference and preference.enabled)})
    return render(request, "deadlines/digest.html", {"form": form, "email": request.user.email})
