"""Staff surveys in «Мои дела» (apps.core.todos): a round to answer; for whoever
runs the surveys, a round to close (its last day, or everyone has answered).
Whether one person answered is never shown to anyone else."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource
from apps.core.typography import quoted

from .models import SurveyParticipant, SurveyRound
from .selectors import my_rounds


def _open_on(rounds, day):
    return rounds.filter(closed_at__isnull=True, opens_on__lte=day, closes_on__gte=day)


def _to_answer(scope):
    return _open_on(my_rounds(school=scope.school, user=scope.user), scope.today).filter(answered=False)


def _to_close(scope):
    unanswered = SurveyParticipant.objects.filter(round=OuterRef("pk"), answered_at__isnull=True)
    return _open_on(SurveyRound.objects.for_school(scope.school), scope.today).filter(
        Q(closes_on=scope.today) | ~Exists(unanswered)
    )


def rows(scope):
    parts = [_to_answer(scope)]
    if scope.can("surveys.manage"):
        parts.append(_to_close(scope))
    return parts


def items(scope):
    found = [
        TodoItem(
            kind="survey_answer",
            title=_("Answer the survey %(name)s") % {"name": quoted(survey_round.name)},
            url=reverse("surveys:answer", args=[survey_round.pk]),
            due=survey_round.closes_on,
        )
        for survey_round in _to_answer(scope)
    ]
    if scope.can("surveys.manage"):
        found += [
            TodoItem(
                kind="survey_close",
                title=_("Close the survey %(name)s") % {"name": quoted(survey_round.name)},
                url=reverse("surveys:round_detail", args=[survey_round.pk]),
                due=survey_round.closes_on,
                for_administration=True,
            )
            for survey_round in _to_close(scope)
        ]
    return found


SOURCE = TodoSource(rows=rows, items=items)
