"""The Django admin: superusers see everything; a centre administrator sees their own centres only."""

import json
import smtplib
from contextlib import nullcontext

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.models import _get_foreign_key
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .admin_audit import ConsultationAuditMixin, centres_touched
from .communes import commune_choices
from .forms import ExistingPersonForm, TypedTextMixin
from .invitations import (
    AlreadyMember,
    TooManyLookups,
    invitation_create_for_existing,
    invitation_withdraw,
)
from .models import AuditEvent, Centre, Invitation, Membership, User
from .selectors import account_managed_by, administered_centres
from .services import audit_record
from .tenancy import across_centres, is_centre_owned, mark_across_centres


def _own_changes(message):
    """The parts of an admin change message about the object itself, without its inline rows.

    The admin's message (a list, see `ModelAdmin.construct_change_message`) names each inline row added,
    changed or deleted, with the row's text: a user's access « … — CPAS d'Ixelles ». The object's trace
    goes to every centre of the object, the rows' to their own centre only.
    """
    if not isinstance(message, list):
        return str(message)
    return [part for part in message if not any("object" in value for value in part.values())]


def change_message_text(message) -> str:
    """An admin change message, as the admin's history writes it, in the reader's language."""
    if isinstance(message, list):
        return LogEntry(change_message=json.dumps(message)).get_change_message()
    return str(message or "")


class AuditedAdminMixin:
    """Changes made in the admin go to the audit trail of every centre they touch."""

    def _audit(self, request, action, obj, details=None):
        for centre in centres_touched(obj):
            audit_record(
                action=action, by=request.user, centre=centre, target=obj, request=request, details=details
            )

    def save_formset(self, request, form, formset, change):
        # Inline rows (a user's accesses) carry their own centre: each gets its own trace.
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._audit(request, AuditEvent.Action.CREATE, obj)
        for obj, changed in formset.changed_objects:
            self._audit(request, AuditEvent.Action.CHANGE, obj, {"fields": changed})
        for obj in formset.deleted_objects:
            self._audit(request, AuditEvent.Action.DELETE, obj)

    def log_addition(self, request, obj, message):
        self._audit(request, AuditEvent.Action.CREATE, obj, {"admin": _own_changes(message)})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        own = _own_changes(message)
        # A change of inline rows only (a user's access in one centre) is traced by `save_formset`, row
        # by row under each row's centre: the object's other centres are not told of it.
        if own or not isinstance(message, list):
            self._audit(request, AuditEvent.Action.CHANGE, obj, {"admin": own})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        # Called before the rows go, so an account's centres are still known.
        for obj in queryset:
            self._audit(request, AuditEvent.Action.DELETE, obj)
        return super().log_deletions(request, queryset)


def _scope_choices(form, scope):
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            field.queryset = scope(queryset)


def typed_text_form(form_class):
    """`form_class` whose text fields refuse control characters and bidi overrides (`TypedTextMixin`).

    Every form the admin builds goes through it: a centre's name and address end up in PDFs, a user's
    name on every screen, a document type's label in the citizen's eBox.
    """
    if issubclass(form_class, TypedTextMixin):
        return form_class
    attrs = {"__module__": form_class.__module__}
    return type(form_class)(form_class.__name__, (TypedTextMixin, form_class), attrs)


class TypedTextAdminMixin:
    """For a model admin of the platform (no centre): its forms clean typed text like every other."""

    action_form = typed_text_form(ActionForm)

    def get_form(self, request, obj=None, **kwargs):
        return typed_text_form(super().get_form(request, obj, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        return typed_text_form(super().get_changelist_form(request, **kwargs))


def _scoped_form(form_class, scope):
    """`form_class` whose every model choice (foreign key, many-to-many) is narrowed by `scope` on init,
    and whose typed text is checked (`typed_text_form`).

    Narrowing the field's queryset narrows both what the widget offers and what a submission may name.
    """
    if getattr(form_class, "_centre_scoped", False):
        return form_class
    protected = typed_text_form(form_class)

    def __init__(self, *args, **kwargs):
        protected.__init__(self, *args, **kwargs)
        _scope_choices(self, scope)

    attrs = {"__init__": __init__, "_centre_scoped": True, "__module__": form_class.__module__}
    return type(form_class)(form_class.__name__, (protected,), attrs)


def _scoped_formset(formset_class, scope):
    # A model formset adds each row's id field after the row's form is built: it is narrowed too, or an
    # existing row's id could name another centre's row.
    def add_fields(self, form, index):
        formset_class.add_fields(self, form, index)
        _scope_choices(form, scope)

    attrs = {"form": _scoped_form(formset_class.form, scope), "add_fields": add_fields}
    return type(formset_class)(formset_class.__name__, (formset_class,), attrs)


# What an object's history shows: what was done to it, not who looked at it.
HISTORY_ACTIONS = (AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE, AuditEvent.Action.DELETE)


class CentreAdministratorMixin(ConsultationAuditMixin, AuditedAdminMixin):
    """Open to superusers and centre administrators, who see and pick only what their centres own.

    Every GET of a list or of an object's page is traced as a consultation (`ConsultationAuditMixin`).

    The rows are scoped by `scope_queryset`. Every form the admin builds for a centre administrator (the
    object's own, its inlines', the list's) offers and accepts in each foreign-key and many-to-many field
    only what they may see: the rows the related model's admin shows them, the rows of their centres for
    a centre-owned model without an admin, nothing of any other model. Every one of these forms, and
    the list's action form, refuses control characters and bidi overrides in its typed text. A new admin
    inherits all of it.
    """

    action_form = typed_text_form(ActionForm)

    def is_centre_administrator(self, request) -> bool:
        return request.user.is_superuser or administered_centres(user=request.user).exists()

    def has_module_permission(self, request):
        return self.is_centre_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self.is_centre_administrator(request)

    def has_change_permission(self, request, obj=None):
        return self.is_centre_administrator(request)

    def has_add_permission(self, request):
        return self.is_centre_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return self.is_centre_administrator(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return mark_across_centres(queryset, reason="a superuser administers every centre")
        return self.scope_queryset(queryset, administered_centres(user=request.user))

    def scope_queryset(self, queryset, centres):
        return queryset.for_centres(centres)

    # What a superuser deletes (an account, and with it its accesses) may cascade into every centre; a
    # centre administrator's deletion cascades only from rows reached through their centres.
    def _deletion_scope(self, request):
        if request.user.is_superuser:
            return across_centres(reason="a superuser's deletion cascades into every centre")
        return nullcontext()

    def get_deleted_objects(self, objs, request):
        with self._deletion_scope(request):
            return super().get_deleted_objects(objs, request)

    def delete_model(self, request, obj):
        with self._deletion_scope(request):
            return super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with self._deletion_scope(request):
            return super().delete_queryset(request, queryset)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not request.user.is_superuser:
            # Another centre's id and an id that exists nowhere look the same: not found.
            raise Http404
        return obj

    def history_view(self, request, object_id, extra_context=None):
        """« Historique »: for a centre administrator, the audit trail of their own centres about the
        object (and its inline rows they see), never Django's change log.

        Django's log keeps one message per change with no centre: a user shared with another centre
        would show there what that centre's administrator did to the user's accesses in it. The audit
        trail records each change under every centre it touches (`AuditedAdminMixin`), so a centre's
        history is exactly what its Admin-Logs hold about the object.
        """
        if request.user.is_superuser:
            return super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        targets = Q(object_type=self.opts.label, object_id=str(obj.pk))
        for inline in self.get_inline_instances(request, obj):
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            rows = inline.get_queryset(request).filter(**{fk.name: obj}).values_list("pk", flat=True)
            targets |= Q(object_type=inline.model._meta.label, object_id__in=[str(pk) for pk in rows])
        events = (
            AuditEvent.objects.for_centres(administered_centres(user=request.user))
            .filter(targets, action__in=HISTORY_ACTIONS)
            .select_related("user", "centre")
            .order_by("at", "pk")
        )
        page = Paginator(events, self.list_per_page).get_page(request.GET.get(PAGE_VAR))
        entries = [
            {
                "event": event,
                "text": change_message_text(event.details.get("admin"))
                if isinstance(event.details, dict) and "admin" in event.details
                else event.object_repr,
            }
            for event in page
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Historique : %s") % obj,
            "subtitle": None,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "page": page,
            "entries": entries,
            "page_var": PAGE_VAR,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/primaweb/centre_history.html", context)

    def visible_rows(self, request, model):
        """What of `model` a centre administrator may see and pick."""
        model_admin = self.admin_site._registry.get(model)
        if isinstance(model_admin, CentreAdministratorMixin):
            return model_admin.get_queryset(request)
        if is_centre_owned(model):
            return model._default_manager.for_centres(administered_centres(user=request.user))
        return model._default_manager.none()

    def _choice_scope(self, request):
        def scope(queryset):
            if request.user.is_superuser:
                return mark_across_centres(queryset, reason="a superuser administers every centre")
            return mark_across_centres(
                queryset.filter(pk__in=self.visible_rows(request, queryset.model).values("pk")),
                reason="narrowed to the rows the administrator may see",
            )

        return scope

    def get_form(self, request, obj=None, **kwargs):
        return _scoped_form(super().get_form(request, obj, **kwargs), self._choice_scope(request))

    def get_changelist_form(self, request, **kwargs):
        return _scoped_form(super().get_changelist_form(request, **kwargs), self._choice_scope(request))

    def get_changelist_formset(self, request, **kwargs):
        return _scoped_formset(super().get_changelist_formset(request, **kwargs), self._choice_scope(request))

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield _scoped_formset(formset, self._choice_scope(request)), inline


class CentreForm(forms.ModelForm):
    nis_code = forms.ChoiceField(label=_("Commune"), choices=commune_choices)

    class Meta:
        model = Centre
        fields = [
            "name_fr",
            "name_nl",
            "bce_number",
            "nis_code",
            "language",
            "street",
            "postal_code",
            "phone",
            "email",
            "bcss_technical_user_niss",
            "bcss_technical_user_email",
        ]


@admin.register(Centre)
class CentreAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    form = CentreForm
    list_display = ("name_fr", "name_nl", "bce_number", "nis_code", "language")
    search_fields = ("name_fr", "name_nl", "bce_number")

    def scope_queryset(self, queryset, centres):
        return queryset.filter(pk__in=centres)

    def get_readonly_fields(self, request, obj=None):
        # The identity of a centre is the federal registration's; only a superuser corrects it.
        return () if request.user.is_superuser else ("bce_number", "nis_code")

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        # Every member of a centre may identify persons at the BCSS, which wants both (AuthorizedUser).
        # The instance carries the user form's cleaned values by now. Checked when an access is given or
        # turned back on, so that an existing access never blocks a change of role or of another row.
        granted = [
            f
            for f in kept
            if f.cleaned_data.get("is_active", True)
            and (f.instance.pk is None or "is_active" in f.changed_data)
        ]
        if granted and not (self.instance.niss and self.instance.email):
            raise ValidationError(
                _(
                    "Un utilisateur qui a accès à un C.P.A.S. doit avoir un NISS et une adresse e-mail : "
                    "la BCSS les demande à chaque identification d'une personne."
                )
            )
        if self.request.user.is_superuser:
            return
        elsewhere = (
            self.instance.pk
            and self.instance.memberships.across_centres(reason="does the user keep an access elsewhere")
            .exclude(centre__in=self.centres)
            .exists()
        )
        if not kept and not elsewhere:
            raise ValidationError(_("Un utilisateur doit avoir un accès à au moins un C.P.A.S."))


class MembershipInline(admin.StackedInline):
    # Stacked, so each field of an access has its own label (a tabular row has only column headers).
    model = Membership
    formset = MembershipInlineFormSet
    extra = 1
    fields = ("centre", "role", "is_active")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset.across_centres(reason="a superuser administers every centre")
        return queryset.for_centres(administered_centres(user=request.user))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        formset.centres = administered_centres(user=request.user)
        return formset

    def has_view_permission(self, request, obj=None):
        return True

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


# What takes effect in every centre of an account: the sign-in identity and whether it may sign in.
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "niss", "is_active")
SHARED_ACCOUNT_NOTE = _(
    "L'identité, le mot de passe et l'activation de cet utilisateur ne sont pas gérés par votre C.P.A.S. : "
    "vous gérez ici ses accès à votre C.P.A.S."
)


@admin.register(User)
class UserAdmin(CentreAdministratorMixin, DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "last_name", "first_name", "email", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "email", "niss")}),
        (_("Statut"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "email", "niss")}),
    )
    readonly_fields = ("last_login", "date_joined")
    change_password_form = typed_text_form(AdminPasswordChangeForm)

    def scope_queryset(self, queryset, centres):
        # A user spans centres: the join to the memberships is what confines them to `centres`.
        return mark_across_centres(
            queryset.filter(memberships__centre__in=centres).distinct(),
            reason="the users with an access to the administered centres",
        )

    def manages_account(self, request, obj) -> bool:
        return obj is None or account_managed_by(account=obj, administrator=request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # A centre administrator cannot hand out platform-wide powers, nor reach the password of an
        # account that is not theirs alone.
        hidden = {"is_staff", "is_superuser", "groups", "user_permissions"}
        if not self.manages_account(request, obj):
            hidden.add("password")
        fieldsets = [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f not in hidden)})
            for name, opts in fieldsets
        ]
        if not self.manages_account(request, obj):
            name, opts = fieldsets[0]
            fieldsets[0] = (name, {**opts, "description": SHARED_ACCOUNT_NOTE})
        return [(name, opts) for name, opts in fieldsets if opts["fields"]]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not self.manages_account(request, obj):
            readonly += ACCOUNT_FIELDS
        return readonly

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not self.manages_account(request, user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def has_delete_permission(self, request, obj=None):
        # Users may appear in other centres' audit trails: withdraw their access instead.
        return request.user.is_superuser


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


@admin.register(Membership)
class MembershipAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    list_display = ("user", "centre", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__last_name", "user__first_name")
    autocomplete_fields = ("user",)

    def get_urls(self):
        add_existing = self.admin_site.admin_view(self.add_existing_view)
        return [
            path("ajouter-existante/", add_existing, name="primaweb_membership_add_existing"),
            *super().get_urls(),
        ]

    def add_existing_view(self, request):
        """« Ajouter une personne existante »: the exact NISS and e-mail of an account invite it here.

        No access is given: the account's owner gets an e-mail and accepts while signed in
        (`primaweb.invitations`). No list, no search, no word of other centres: nobody, several or a
        platform account get the same answer.
        """
        if not self.has_add_permission(request):
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
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Ajouter une personne existante"),
            "form": form,
        }
        return TemplateResponse(request, "admin/primaweb/membership/add_existing.html", context)


@admin.register(Invitation)
class InvitationAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    """The invitations a centre sent (« Ajouter une personne existante »): followed, and withdrawn.

    Made only by that screen; shows the address the link went to, never the account's name.
    """

    list_display = ("email", "centre", "role", "state", "invited_by", "created_at", "expires_at")
    list_filter = ("status",)
    fields = ("email", "centre", "role", "state", "invited_by", "created_at", "expires_at", "closed_at")
    readonly_fields = fields
    actions = ["withdraw"]

    @admin.display(description=_("statut"))
    def state(self, invitation):
        if invitation.status == Invitation.Status.PENDING and not invitation.is_open:
            return _("Expirée")
        return invitation.get_status_display()

    @admin.action(description=_("Retirer les invitations sélectionnées"))
    def withdraw(self, request, queryset):
        withdrawn = sum(
            invitation_withdraw(invitation=invitation, by=request.user, request=request)
            for invitation in queryset.select_related("centre")
        )
        messages.success(request, _("Invitations retirées : %(count)d.") % {"count": withdrawn})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    list_display = ("at", "username", "centre", "action", "object_repr", "ip_address")
    list_filter = ("action",)
    search_fields = ("username", "object_repr", "object_id")
    date_hierarchy = "at"

    def consulted_persons(self, obj) -> list[str]:
        # The persons the event names, not the account of whoever acted.
        details = obj.details if isinstance(obj.details, dict) else {}
        return [str(niss) for niss in details.get("persons", []) if niss]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
