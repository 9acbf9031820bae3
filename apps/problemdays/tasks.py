from celery import shared_task

from .sweeps import problem_day_duties_sweep


@shared_task(ignore_result=True)
def problem_day_duties_sweep_task():
    """Beat-driven day-before reminders of duties on problem-theme days."""
    return problem_day_duties_sweep()
