"""The admin of centre administrators: audited changes, choices scoped to their centres, typed text."""

from contextlib import nullcontext

from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .admin_audit import ConsultationAuditMixin, centres_touched
from .admin_history import centre_history_view
from .forms import TypedTextMixin
from .models import AuditEvent
from .selectors import administered_centres
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
        object (`primaweb.admin_history`), never Django's change log."""
        if request.user.is_superuser:
            return super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return centre_history_view(self, request, obj, extra_context)

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
