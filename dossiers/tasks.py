"""Dossier tasks: the BCSS integration of a dossier (ManageAccess). They take ids and are idempotent."""

from celery import shared_task

from . import integration


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sync_integration(dossier_id: int, by_id: int | None = None) -> str:
    return integration.integration_sync(dossier_id=dossier_id, by_id=by_id)


@shared_task
def sweep_integrations() -> int:
    return integration.integration_sweep()
