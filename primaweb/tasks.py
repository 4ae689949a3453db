from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def clear_expired_sessions() -> None:
    """Expired sessions would otherwise pile up in the database forever."""
    call_command("clearsessions")
