from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from .access import administrator_required, centre_required, ensure_administrator
from .flows import ABANDONED_ON_SWITCH, flows_abandon
from .forms import AuditFilterForm
from .invitations import InvitationRefused, invitation_accept, invitation_from_token, invitation_refusal
from .menu import attention_for, menu_for
from .models import AuditEvent, Membership
from .pagination import paginate
from .selectors import audit_event_parts, audit_events, centre_members, memberships_of_user
from .services import audit_consultation, audit_record
from .tenancy import CurrentCentreMiddleware


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.SHOW_DEMO_LOGINS:
            from .demo import DEMO_PASSWORD, demo_logins

            context.update(demo_logins=demo_logins(), demo_password=DEMO_PASSWORD)
        return context


def choose_centre(request):
    """The manual's role-selection screen: one line per centre and profile of the user."""
    if not request.user.is_authenticated:
        return redirect("login")
    memberships = list(memberships_of_user(user=request.user))
    if not memberships:
        return render(request, "primaweb/no_membership.html", status=403)
    if len(memberships) == 1 and request.centre is None:
        return _select(request, memberships[0])
    return render(request, "primaweb/choose_centre.html", {"memberships": memberships})


@require_POST
def select_centre(request, centre_id: int):
    if not request.user.is_authenticated:
        return redirect("login")
    membership = get_object_or_404(memberships_of_user(user=request.user), centre_id=centre_id)
    return _select(request, membership)


def _select(request, membership: Membership):
    request.session.cycle_key()
    # What was looked up for one centre is never finished in another (primaweb.flows checks it too).
    if request.centre != membership.centre and flows_abandon(request.session):
        messages.warning(request, ABANDONED_ON_SWITCH)
    request.session[CurrentCentreMiddleware.SESSION_KEY] = membership.centre_id
    audit_record(
        action=AuditEvent.Action.CENTRE_SELECTED,
        by=request.user,
        centre=membership.centre,
        target=membership.centre,
        request=request,
        details={"role": membership.role},
    )
    return redirect("primaweb:home")


@centre_required
def home(request):
    return render(
        request,
        "primaweb/home.html",
        {"menu": menu_for(request.membership), "attention": attention_for(request.membership)},
    )


@centre_required
def centre_sheet(request):
    return render(request, "primaweb/centre_sheet.html", {"centre": request.centre})


@centre_required
def social_workers(request):
    members = centre_members(centre=request.centre)
    return render(request, "primaweb/social_workers.html", {"members": members})


@centre_required
def my_access(request):
    return render(request, "primaweb/my_access.html", {"memberships": memberships_of_user(user=request.user)})


@administrator_required
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.none()
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Les critères de recherche ne sont pas valides."))
    else:
        data = form.cleaned_data if form.is_bound else {}
        events = audit_events(
            centre=request.centre,
            action=data.get("action", ""),
            user_query=data.get("user", ""),
            object_query=data.get("target", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
    # The trail names the persons consulted: reading it is a consultation too. Written once the page's
    # rows are read (paginate() reads them), so that it does not shift the page shown.
    page = paginate(
        request, events, per_page=50, parts=audit_event_parts(centre=request.centre, events=events)
    )
    audit_consultation(
        request=request,
        what=gettext_noop("Admin-Logs"),
        criteria={**(form.cleaned_data if form.is_bound and form.is_valid() else {}), **page.criteria},
    )
    return render(request, "primaweb/audit_log.html", {"form": form, "page": page})


@centre_required
def audit_event_detail(request, pk: int):
    event = get_object_or_404(audit_events(centre=request.centre), pk=pk)
    ensure_administrator(request)
    audit_consultation(request=request, what=gettext_noop("Détails de l'événement"), target=event)
    return render(request, "primaweb/audit_event.html", {"event": event})


# Why a link does not give the access, as the person who opened it reads it.
INVITATION_REFUSALS = {
    "another_account": gettext_noop(
        "Ce lien d'invitation n'est pas valide pour le compte avec lequel vous êtes connecté. Connectez-vous "
        "au compte auquel l'invitation a été envoyée, puis ouvrez à nouveau le lien."
    ),
    "already_accepted": gettext_noop("Cette invitation a déjà été acceptée."),
    "withdrawn": gettext_noop("Cette invitation a été retirée par le C.P.A.S."),
    "expired": gettext_noop(
        "Cette invitation a expiré. Demandez au C.P.A.S. de vous en envoyer une nouvelle."
    ),
    "account_changed": gettext_noop(
        "L'adresse e-mail de votre compte a changé depuis l'envoi de cette invitation. Demandez au C.P.A.S. "
        "de vous en envoyer une nouvelle."
    ),
}
INVALID_LINK = gettext_noop(
    "Ce lien d'invitation n'est pas valide : il a peut-être été mal copié, ou il a expiré. Demandez au "
    "C.P.A.S. de vous envoyer une nouvelle invitation."
)


@login_required
def invitation(request):
    """The link of an invitation e-mail: shows the access offered; « Accepter » (POST) gives it.

    Only to the invited account, signed in: someone else signed in, and a link forged, altered or too old,
    get the same « not valid » page (404) naming neither the centre nor the account.
    """
    token = (request.POST if request.method == "POST" else request.GET).get("t", "")
    invitation = invitation_from_token(token=token)
    if invitation is None:
        return _invitation_page(request, refusal=INVALID_LINK, status=404)
    if request.method == "POST":
        try:
            membership = invitation_accept(invitation=invitation, by=request.user, request=request)
        except InvitationRefused as refused:
            reason = str(refused)
        else:
            messages.success(
                request,
                _("Vous avez maintenant accès à %(centre)s.") % {"centre": membership.centre},
            )
            return redirect("primaweb:choose_centre")
    else:
        reason = invitation_refusal(invitation, by=request.user)
    if reason == "another_account":
        return _invitation_page(request, refusal=INVITATION_REFUSALS[reason], status=404)
    if reason:
        return _invitation_page(
            request, refusal=INVITATION_REFUSALS[reason], invitation=invitation, status=410
        )
    return _invitation_page(request, invitation=invitation, token=token)


def _invitation_page(request, *, refusal="", invitation=None, token="", status=200):
    context = {"refusal": _(refusal) if refusal else "", "invitation": invitation, "token": token}
    return render(request, "primaweb/invitation.html", context, status=status)


# The site's own error pages (handler403, handler404 in primaweb/urls.py).


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
