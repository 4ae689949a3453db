"""« e-Box du C.P.A.S. »: the inbox, a message, its labels, and the replies on documents and dossiers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from documents.selectors import document_of_centre
from dossiers.selectors import dossiers_of_centre
from ebox.client import EboxError
from ebox.senders import BoxUnavailable
from primaweb.access import administrator_required, centre_required, ensure_administrator
from primaweb.models import Membership
from primaweb.pagination import paginate
from primaweb.services import audit_consultation
from primaweb.tenancy import get_for_centre_or_404

from . import selectors, services
from .catalogue import name_messages, type_names
from .forms import GrantForm, InboxFilterForm, LabelForm
from .models import CentreLabel


def _ensure_inbox(request) -> None:
    if not selectors.may_open_inbox(membership=request.membership):
        raise PermissionDenied(_("L'administrateur du C.P.A.S. ne vous a pas donné accès à son e-Box."))


def _message(request, pk: int):
    """A message the member may see; any other id (another centre's, a type not granted) is a 404."""
    return get_for_centre_or_404(
        selectors.visible_messages(membership=request.membership), request.centre, pk=pk
    )


@centre_required
@require_GET
def inbox(request):
    _ensure_inbox(request)
    labels = selectors.labels_of(centre=request.centre)
    form = InboxFilterForm(
        request.GET or None, types=selectors.visible_types(membership=request.membership), labels=labels
    )
    filters = form.cleaned_data if form.is_valid() else {}
    found = selectors.inbox_search(
        membership=request.membership,
        sender=filters.get("sender", ""),
        message_type=filters.get("message_type", ""),
        label=filters.get("label"),
        hide_read=filters.get("hide_read", False),
    )
    page_size = filters.get("page_size") or 25
    page = paginate(request, found, per_page=page_size)
    page.object_list = name_messages(page.object_list)
    audit_consultation(
        request=request,
        what=gettext_noop("e-Box du C.P.A.S."),
        # A citizen writes under their NISS: the senders shown are persons.
        persons=[message.sender for message in page if message.sender_is_citizen],
        shown=page,
        criteria={**filters, **page.criteria},
    )
    return render(request, "centrebox/inbox.html", {"form": form, "page": page, "total": page.count})


@centre_required
@require_GET
def message_detail(request, pk: int):
    """The message's page; its content is fetched (so read at the eBox) only by « Afficher le contenu »."""
    message = _message(request, pk)
    services.message_open(message=message, by=request.user, request=request)
    name_messages([message])
    return render(
        request,
        "centrebox/message.html",
        {
            "message": message,
            "label_form": LabelForm(),
            "may_open_inbox": selectors.may_open_inbox(membership=request.membership),
        },
    )


@centre_required
@require_POST
def message_read(request, pk: int):
    """« Afficher le contenu »: fetches the body, which marks the message read at the eBox."""
    message = _message(request, pk)
    try:
        services.message_read(message=message, by=request.user, request=request)
    except EboxError:
        messages.error(request, _("L'e-Box ne répond pas : le contenu du message n'a pas pu être récupéré."))
    except BoxUnavailable as exc:
        messages.error(request, str(exc))
    return redirect("centrebox:message", pk=message.pk)


@centre_required
@require_POST
def label_add(request, pk: int):
    message = _message(request, pk)
    form = LabelForm(request.POST)
    if form.is_valid():
        services.label_attach(message=message, name=form.cleaned_data["name"], by=request.user)
    else:
        messages.error(request, _("Indiquez le libellé à attribuer."))
    return redirect("centrebox:message", pk=message.pk)


@centre_required
@require_POST
def label_remove(request, pk: int, label_pk: int):
    message = _message(request, pk)
    label = get_for_centre_or_404(CentreLabel.objects, request.centre, pk=label_pk)
    services.label_remove(message=message, label=label, by=request.user)
    return redirect("centrebox:message", pk=message.pk)


@centre_required
@require_GET
def document_replies(request, pk: int):
    """The citizen's replies to a document, as a fragment the document's page embeds."""
    document = get_for_centre_or_404(document_of_centre(centre=request.centre), request.centre, pk=pk)
    replies = list(selectors.replies_to_document(centre=request.centre, document=document))
    audit_consultation(
        request=request,
        what=gettext_noop("Réponse du bénéficiaire"),
        target=document,
        persons=[document.dossier.beneficiary.niss],
        shown=replies,
    )
    return render(request, "centrebox/_document_replies.html", {"document": document, "replies": replies})


@centre_required
@require_GET
def dossier_replies(request, dossier_pk: int):
    """The citizen's replies to the dossier's documents, as a fragment the dossier's page embeds."""
    dossier = get_for_centre_or_404(dossiers_of_centre(centre=request.centre), request.centre, pk=dossier_pk)
    replies = list(selectors.replies_in_dossier(centre=request.centre, dossier=dossier))
    audit_consultation(
        request=request,
        what=gettext_noop("Réponses du bénéficiaire"),
        target=dossier,
        persons=[dossier.beneficiary.niss],
        shown=replies,
    )
    return render(request, "centrebox/_dossier_replies.html", {"dossier": dossier, "replies": replies})


@administrator_required
@require_GET
def grants(request):
    """« Accès à l'e-Box du C.P.A.S. »: what each member may see, for the centre's administrator."""
    names = type_names()
    rows = [
        (member, grant, [names.get(code, code) for code in (grant.message_types if grant else [])])
        for member, grant in selectors.grants_of_centre(centre=request.centre)
    ]
    return render(request, "centrebox/grants.html", {"rows": rows})


@centre_required
def grant_edit(request, membership_pk: int):
    """One member's grant: the e-Box, and the types of message they may see, by name."""
    membership = get_for_centre_or_404(
        Membership.objects.select_related("user"), request.centre, pk=membership_pk
    )
    # After the look-up: another centre's member is a 404 for everyone.
    ensure_administrator(request)
    grant = selectors.grant_for(membership=membership)
    types = sorted(
        {*selectors.grantable_types(centre=request.centre), *(grant.message_types if grant else [])}
    )
    initial = {
        "may_open_ebox": bool(grant and grant.may_open_ebox),
        "message_types": grant.message_types if grant else [],
    }
    form = GrantForm(request.POST or None, types=types, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.grant_set(
            membership=membership,
            may_open_ebox=form.cleaned_data["may_open_ebox"],
            message_types=form.cleaned_data["message_types"],
            by=request.user,
            request=request,
        )
        messages.success(
            request, _("L'accès de %(member)s à l'e-Box a été enregistré.") % {"member": membership.user}
        )
        return redirect("centrebox:grants")
    return render(request, "centrebox/grant_edit.html", {"form": form, "membership": membership})
