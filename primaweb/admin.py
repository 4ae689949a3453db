"""The Django admin: superusers see everything; a centre administrator sees their own centres only."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .admin_invitations import add_existing_view
from .admin_scoping import CentreAdministratorMixin, TypedTextAdminMixin, typed_text_form
from .communes import commune_choices
from .invitations import invitation_withdraw
from .models import AuditEvent, Centre, Invitation, Membership, User
from .selectors import account_managed_by, administered_centres
from .tenancy import mark_across_centres

# Where the other apps' admins take them from (the scoping itself lives in admin_scoping).
__all__ = ["CentreAdministratorMixin", "TypedTextAdminMixin"]


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
        return add_existing_view(self, request)


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
