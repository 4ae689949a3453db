"""« Consulter les mutations », the dossier's mutations, the worker's follow-up, « Type de mutations »."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import legal_address
from dossiers.selectors import dossiers_of_centre
from primaweb.access import administrator_required, centre_required
from primaweb.pagination import paginate
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from . import register, selectors, services
from .forms import DeathForm, FilterForm, TypesForm
from .models import Mutation, MutationKind

PER_PAGE = 50


def _feed_messages(request, feed) -> None:
    if feed.error:
        when = feed.succeeded_at.strftime("%d/%m/%Y %H:%M") if feed.succeeded_at else "/"
        messages.warning(
            request,
            _(
                "Le registre national ne répond pas : les mutations ne peuvent pas être relevées pour "
                "l'instant (dernière relève réussie : %(when)s). Rien n'est perdu : elles seront relevées "
                "automatiquement dès son retour."
            )
            % {"when": when},
        )


@centre_required
@require_GET
def mutation_list(request):
    """By default the centre's unprocessed mutations, newest first; filters by period, type, NISS, dossier."""
    form = FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        mutations = Mutation.objects.none()
        criteria = {}
    else:
        criteria = form.criteria() if form.is_bound else {"processed": False}
        mutations = selectors.mutations_of_centre(centre=request.centre, **criteria)
    page = paginate(request, mutations, per_page=PER_PAGE)
    audit_consultation(
        request=request,
        what=gettext_noop("Consulter les mutations"),
        persons=[niss for mutation in page for niss in mutation.persons],
        shown=page,
        criteria={**criteria, **page.criteria},
    )
    _feed_messages(request, selectors.feed_of(centre=request.centre))
    return render(request, "mutations/list.html", {"form": form, "page": page})


@centre_required
@require_POST
def poll_now(request):
    """« Relever les mutations »: asks the register at once rather than waiting for the next round."""
    try:
        result = services.mutations_poll(centre=request.centre)
    except register.RegisterUnavailable:
        _feed_messages(request, selectors.feed_of(centre=request.centre))
        return redirect("mutations:list")
    if result.refusal:
        messages.error(
            request,
            _(
                "Le registre national a envoyé un lot de mutations illisible ; il a été refusé en entier et "
                "sera redemandé : %(reason)s"
            )
            % {"reason": result.refusal},
        )
    messages.success(request, _("%(count)s nouvelle(s) mutation(s) reçue(s).") % {"count": result.stored})
    return redirect("mutations:list")


def _get(request, pk: int) -> Mutation:
    return get_for_centre_or_404(
        Mutation.objects.select_related("dossier__beneficiary", "centre"), request.centre, pk=pk
    )


def _back(request, mutation: Mutation):
    if request.POST.get("depuis") == "dossier":
        return redirect("dossiers:detail", pk=mutation.dossier_id)
    return redirect("mutations:list")


def _act(request, pk: int, act, *, refusal, done):
    """Runs one of the worker's one-click actions on a mutation and goes back where it was clicked: a
    refusal is said with ``refusal`` (``messages.info`` or ``messages.error``), success with ``done``."""
    mutation = _get(request, pk)
    try:
        act(mutation=mutation, by=request.user, request=request)
    except services.MutationRefused as refused:
        refusal(request, str(refused))
    else:
        messages.success(request, done(mutation))
    return _back(request, mutation)


@centre_required
@require_POST
def mark_processed(request, pk: int):
    """« Marquer comme traité »."""
    return _act(
        request,
        pk,
        services.mutation_mark_processed,
        refusal=messages.info,
        done=lambda mutation: _("La mutation a été marquée comme traitée."),
    )


@centre_required
@require_POST
def accept_move(request, pk: int):
    """« Mettre à jour l'adresse légale »: the worker confirms the register's new address."""
    return _act(
        request,
        pk,
        services.mutation_accept_move,
        refusal=messages.error,
        done=lambda mutation: (
            _(
                "L'adresse légale du dossier %(number)s a été mise à jour ; "
                "l'ancienne est gardée dans l'historique."
            )
            % {"number": mutation.dossier.number}
        ),
    )


@centre_required
@require_http_methods(["GET", "POST"])
def accept_death(request, pk: int):
    """« Clôturer le dossier » after a death: asks for the reason, then closes and holds the sends."""
    mutation = _get(request, pk)
    if mutation.kind != MutationKind.DEATH:
        messages.error(request, _("Seul un décès propose de clôturer le dossier."))
        return redirect("mutations:list")
    form = DeathForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _mutation, held, already_closed = services.mutation_accept_death(
                mutation=mutation, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except services.MutationRefused as refused:
            messages.error(request, str(refused))
        else:
            # Closed by a colleague meanwhile: the reason typed here is in the log. Neither reason goes in
            # the message, which the browser may keep in a cookie.
            if already_closed:
                messages.warning(
                    request,
                    _(
                        "Le dossier %(number)s avait déjà été clôturé entre-temps : il garde son motif de "
                        "clôture, celui que vous avez saisi est noté dans le journal du C.P.A.S. "
                        "%(held)s envoi(s) eBox retenu(s), à vérifier."
                    )
                    % {"number": mutation.dossier.number, "held": held},
                )
            else:
                messages.success(
                    request,
                    _("Le dossier %(number)s est clôturé ; %(held)s envoi(s) eBox retenu(s), à vérifier.")
                    % {"number": mutation.dossier.number, "held": held},
                )
        return redirect("dossiers:detail", pk=mutation.dossier_id)
    audit_consultation(
        request=request,
        what=gettext_noop("Décès signalé par le registre national"),
        target=mutation.dossier,
        persons=mutation.persons,
        shown=[mutation],
    )
    return render(request, "mutations/death.html", {"mutation": mutation, "form": form})


@centre_required
@require_GET
def dossier_section(request, dossier_pk: int):
    """The dossier's mutations, the unprocessed flagged first, as a fragment of its main page."""
    dossier = get_for_centre_or_404(dossiers_of_centre(centre=request.centre), request.centre, pk=dossier_pk)
    mutations = selectors.mutations_of_dossier(centre=request.centre, dossier=dossier)
    audit_consultation(
        request=request,
        what=gettext_noop("Mutations du registre national"),
        target=dossier,
        persons=[dossier.beneficiary.niss, *(n for m in mutations for n in m.persons[1:])],
        shown=mutations,
    )
    unprocessed = sum(1 for mutation in mutations if not mutation.is_processed)
    return render(
        request,
        "mutations/_dossier_section.html",
        {
            "dossier": dossier,
            "mutations": mutations,
            "unprocessed": unprocessed,
            "history": legal_address.legal_address_history(centre=request.centre, person=dossier.beneficiary),
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def mutation_types(request):
    """« Type de mutations »: sélection des types de mutations à recevoir (administrators)."""
    feed = selectors.feed_of(centre=request.centre)
    form = TypesForm(request.POST or None, initial={"kinds": feed.kinds})
    if request.method == "POST" and form.is_valid():
        services.feed_types_update(
            centre=request.centre, kinds=form.cleaned_data["kinds"], by=request.user, request=request
        )
        messages.success(request, _("Les types de mutations à recevoir ont été enregistrés."))
        return redirect("mutations:types")
    return render(request, "mutations/types.html", {"form": form, "feed": feed})
