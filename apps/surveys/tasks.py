from celery import shared_task

from .services import survey_round_analyse
from .sweeps import surveys_sweep


@shared_task(ignore_result=True)
def survey_round_analyse_task(round_id):
    """Compute and store a closed round's network analysis; an analysed round is left alone."""
    survey_round_analyse(round_id=round_id)


@shared_task(ignore_result=True)
def surveys_sweep_task():
    """Beat-driven: survey notices and reminders, closing, and analyses whose task was lost."""
    return surveys_sweep()
