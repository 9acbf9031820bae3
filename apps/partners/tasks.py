from celery import shared_task

from .sweeps import agreements_expiry_sweep


@shared_task(ignore_result=True)
def agreements_expiry_sweep_task():
    """Beat-driven reminders of agreements expiring within 60 days."""
    return agreements_expiry_sweep()
