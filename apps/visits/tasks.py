from celery import shared_task
from django.conf import settings

from .services import visits_deadline_sweep


@shared_task(ignore_result=True)
def visits_deadline_sweep_task():
    """Beat-driven sweep of debrief deadlines (see services.visits_deadline_sweep)."""
    return visits_deadline_sweep(batch=settings.VISITS_SWEEP_BATCH)
