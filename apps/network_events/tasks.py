from celery import shared_task

from .sweeps import network_events_eve_sweep


@shared_task(ignore_result=True)
def network_events_eve_sweep_task():
    """Beat-driven eve reminders of network events."""
    return network_events_eve_sweep()
