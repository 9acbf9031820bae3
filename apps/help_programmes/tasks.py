from celery import shared_task

from .sweeps import help_milestones_sweep


@shared_task(ignore_result=True)
def help_milestones_sweep_task():
    """Beat-driven reminders of the programmes' milestones, due soon or overdue."""
    return help_milestones_sweep()
