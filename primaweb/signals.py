"""Sign-in events go to the audit trail, whichever authentication backend produced them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent
from .services import audit_record


@receiver(user_logged_in, dispatch_uid="primaweb_audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_record(action=AuditEvent.Action.LOGIN, by=user, centre=None, request=request)


@receiver(user_logged_out, dispatch_uid="primaweb_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            action=AuditEvent.Action.LOGOUT, by=user, centre=getattr(request, "centre", None), request=request
        )


@receiver(user_login_failed, dispatch_uid="primaweb_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED, by=user, centre=None, request=request, username=username
    )
