from celery import shared_task

from .sweeps import teams_deadline_sweep


@shared_task(ignore_result=True)
def teams_deadline_sweep_task():
    """Beat-driven reminders of overdue milestones and passed team deadlines."""
    return teams_deadline_sweep()
