"""The Django admin: superusers see everything; a centre administrator sees their own centres only."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .communes import commune_choices
from .models import AuditEvent, Centre, Membership, User
from .selectors import administered_centres
from .services import audit_record
from .tenancy import is_centre_owned, mark_across_centres


class AuditedAdminMixin:
    """Changes made in the admin go to the centre's audit trail too."""

    def _centre_of(self, obj):
        if isinstance(obj, Centre):
            return obj
        return getattr(obj, "centre", None)

    def save_formset(self, request, form, formset, change):
        # Inline rows (a user's accesses) carry their own centre: each gets its own trace.
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(
                action=AuditEvent.Action.CREATE,
                by=request.user,
                centre=self._centre_of(obj),
                target=obj,
                request=request,
            )
        for obj, changed in formset.changed_objects:
            audit_record(
                action=AuditEvent.Action.CHANGE,
                by=request.user,
                centre=self._centre_of(obj),
                target=obj,
                request=request,
                details={"fields": changed},
            )
        for obj in formset.deleted_objects:
            audit_record(
                action=AuditEvent.Action.DELETE,
                by=request.user,
                centre=self._centre_of(obj),
                target=obj,
                request=request,
            )

    def log_addition(self, request, obj, message):
        audit_record(
            action=AuditEvent.Action.CREATE,
            by=request.user,
            centre=self._centre_of(obj),
            target=obj,
            request=request,
            details={"admin": str(message)},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_record(
            action=AuditEvent.Action.CHANGE,
            by=request.user,
            centre=self._centre_of(obj),
            target=obj,
            request=request,
            details={"admin": str(message)},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(
                action=AuditEvent.Action.DELETE,
                by=request.user,
                centre=self._centre_of(obj),
                target=obj,
                request=request,
            )
        return super().log_deletions(request, queryset)


class CentreAdministratorMixin(AuditedAdminMixin):
    """Open to superusers and centre administrators; the rows are scoped by `scope_queryset`."""

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A centre administrator can only attach things to the centres they administer.
        if db_field.name == "centre" and not request.user.is_superuser:
            kwargs["queryset"] = administered_centres(user=request.user)
        if "queryset" not in kwargs and is_centre_owned(db_field.related_model):
            kwargs["queryset"] = self.centre_owned_choices(request, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and is_centre_owned(db_field.related_model):
            kwargs["queryset"] = self.centre_owned_choices(request, db_field.related_model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def centre_owned_choices(self, request, model):
        # Django offers the whole table in a foreign-key field; centre-owned choices are the user's centres'.
        queryset = model._default_manager.all()
        if request.user.is_superuser:
            return queryset.across_centres(reason="a superuser administers every centre")
        return queryset.for_centres(administered_centres(user=request.user))


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
        if self.request.user.is_superuser:
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        elsewhere = (
            self.instance.pk
            and self.instance.memberships.across_centres(reason="does the user keep an access elsewhere")
            .exclude(centre__in=self.centres)
            .exists()
        )
        if not kept and not elsewhere:
            raise ValidationError(_("Un utilisateur doit avoir un accès à au moins un C.P.A.S."))


class MembershipInline(admin.TabularInline):
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "centre" and not request.user.is_superuser:
            kwargs["queryset"] = administered_centres(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return True

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


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

    def scope_queryset(self, queryset, centres):
        return queryset.filter(memberships__centre__in=centres).distinct()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # A centre administrator cannot hand out platform-wide powers.
        return [
            (
                name,
                {
                    **opts,
                    "fields": tuple(
                        f
                        for f in opts["fields"]
                        if f not in {"is_staff", "is_superuser", "groups", "user_permissions"}
                    ),
                },
            )
            for name, opts in fieldsets
        ]

    def has_delete_permission(self, request, obj=None):
        # Users may appear in other centres' audit trails: withdraw their access instead.
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    list_display = ("user", "centre", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__last_name", "user__first_name")
    autocomplete_fields = ("user",)


@admin.register(AuditEvent)
class AuditEventAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    list_display = ("at", "username", "centre", "action", "object_repr", "ip_address")
    list_filter = ("action",)
    search_fields = ("username", "object_repr", "object_id")
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
