"""« Ajouter une personne existante » in the admin: a centre administrator invites an existing account."""

import smtplib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .forms import ExistingPersonForm
from .invitations import AlreadyMember, TooManyLookups, invitation_create_for_existing
from .selectors import administered_centres

TOO_MANY_LOOKUPS = _(
    "Vous avez fait trop de recherches de personnes existantes au cours de la dernière heure : "
    "rien n'a été recherché. Réessayez dans une heure, ou créez un nouvel utilisateur."
)
NO_SUCH_PERSON = _(
    "Aucune personne ne peut être invitée avec ce NISS et cette adresse e-mail. "
    "Vérifiez la saisie, ou créez un nouvel utilisateur."
)
ALREADY_MEMBER = _("Cette personne a déjà accès à ce C.P.A.S.")
NOT_SENT = _("L'e-mail d'invitation n'a pas pu être envoyé : rien n'a été enregistré. Réessayez plus tard.")


def add_existing_view(model_admin, request):
    """« Ajouter une personne existante »: the exact NISS and e-mail of an account invite it here.

    No access is given: the account's owner gets an e-mail and accepts while signed in
    (`primaweb.invitations`). No list, no search, no word of other centres: nobody, several or a
    platform account get the same answer.
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    centres = administered_centres(user=request.user)
    form = ExistingPersonForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_create_for_existing(
                niss=data["niss"],
                email=data["email"],
                centre=data["centre"],
                role=data["role"],
                by=request.user,
                request=request,
            )
        except TooManyLookups:
            form.add_error(None, TOO_MANY_LOOKUPS)
        except AlreadyMember:
            form.add_error(None, ALREADY_MEMBER)
        except (OSError, smtplib.SMTPException):
            form.add_error(None, NOT_SENT)
        else:
            if invitation is None:
                form.add_error(None, NO_SUCH_PERSON)
            else:
                messages.success(
                    request,
                    _(
                        "Une invitation a été envoyée à %(email)s. La personne aura accès à %(centre)s "
                        "lorsqu'elle l'aura acceptée, connectée à son compte."
                    )
                    % {"email": invitation.email, "centre": invitation.centre},
                )
                return redirect("admin:primaweb_invitation_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Ajouter une personne existante"),
        "form": form,
    }
    return TemplateResponse(request, "admin/primaweb/membership/add_existing.html", context)
