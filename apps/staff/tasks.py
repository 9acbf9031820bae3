import datetime

from celery import shared_task
from django.utils import timezone

from .services import staff_imports_delete_stale

STALE_AFTER = datetime.timedelta(days=1)


@shared_task(ignore_result=True)
def staff_imports_sweep():
    """Beat-driven: delete staff-list uploads nobody confirmed within a day.

    Idempotent: a second run finds nothing left to delete.
    """
    return staff_imports_delete_stale(older_than=timezone.now() - STALE_AFTER)
