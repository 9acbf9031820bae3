"""The surveys' beat sweep: opening notices, reminders, closing and analysis.

Beat-driven and idempotent: the dates live in the database and each school's
"today" is its own; every notice is exactly-once through the notifications'
unique (user, kind, key), a round closes through a conditional UPDATE, and an
analysed round is never analysed again.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.dates import school_today
from apps.core.typography import quoted
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .models import SurveyParticipant, SurveyRound
from .services import survey_round_analyse, survey_round_close

# Russia's zones run up to UTC+12: every school's "today" is at most this far ahead.
AHEAD = datetime.timedelta(hours=14)
# A reminder goes to those who have not answered this many days before the last day.
REMIND_DAYS_BEFORE = 2
# A closed round whose analysis task has not run by then is analysed by the sweep.
ANALYSIS_GRACE = datetime.timedelta(minutes=10)


def _notify(survey_round, *, kind, title, unanswered_only):
    key = f"survey:{survey_round.pk}"
    notified = Notification.objects.filter(user=OuterRef("staff__user"), kind=kind, key=key)
    participants = (
        SurveyParticipant.objects.filter(round=survey_round, staff__user__isnull=False, staff__user__is_active=True)
        .exclude(Exists(notified))
        .select_related("staff__user")
    )
    if unanswered_only:
        participants = participants.filter(answered_at__isnull=True)
    url = reverse("surveys:answer", args=[survey_round.pk])
    sent = 0
    for participant in participants:
        if notification_send(
            user=participant.staff.user, school=survey_round.school, kind=kind, key=key, title=title, url=url
        ):
            sent += 1
    return sent


def surveys_sweep(*, now=None, batch=200):
    """1. Participants of a round that has opened get "the survey is open" once.
    2. Two days before the last day, those who have not answered get a reminder once.
    3. A round past its last day (by the school's date) closes, and its analysis is enqueued.
    4. A round closed over ANALYSIS_GRACE ago and still unanalysed is analysed here.
    Returns counts for the logs."""
    now = now or timezone.now()
    horizon = (now + AHEAD).date()
    counts = {"opened": 0, "reminded": 0, "closed": 0, "analysed": 0}
    open_rounds = (
        SurveyRound.objects.filter(closed_at__isnull=True, opens_on__lte=horizon)
        .select_related("school")
        .order_by("closes_on", "pk")[:batch]
    )
    with translation.override("ru"):
        for survey_round in open_rounds:
            today = school_today(survey_round.school, now)
            if today > survey_round.closes_on:
                if survey_round_close(survey_round=survey_round, now=now):
                    counts["closed"] += 1
                continue
            if today < survey_round.opens_on:
                continue
            counts["opened"] += _notify(
                survey_round,
                kind=Notification.Kind.SURVEY_OPEN,
                title=_("A staff survey is open: %(name)s") % {"name": survey_round.name},
                unanswered_only=True,
            )
            if today >= survey_round.closes_on - datetime.timedelta(days=REMIND_DAYS_BEFORE):
                counts["reminded"] += _notify(
                    survey_round,
                    kind=Notification.Kind.SURVEY_REMINDER,
                    title=_("The staff survey %(name)s closes on %(date)s: your answer is awaited")
                    % {"name": quoted(survey_round.name), "date": survey_round.closes_on.strftime("%d.%m.%Y")},
                    unanswered_only=True,
                )
    stale = SurveyRound.objects.filter(
        closed_at__isnull=False, closed_at__lte=now - ANALYSIS_GRACE, analysed_at__isnull=True
    ).values_list("pk", flat=True)[:batch]
    for round_id in list(stale):
        if survey_round_analyse(round_id=round_id, now=now):
            counts["analysed"] += 1
    return counts
