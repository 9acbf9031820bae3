from celery import shared_task

from .sweeps import association_decisions_sweep


@shared_task(ignore_result=True)
def association_decisions_sweep_task():
    """Beat-driven day-before reminders of the associations' decisions."""
    return association_decisions_sweep()
