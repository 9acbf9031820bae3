"""Writes of staff surveys: rounds, answers, closing and the analysis."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.dates import school_today
from apps.core.tasks import enqueue_on_commit
from apps.staff.models import StaffMember

from .analysis import analyse_network, isolates_connected, layout
from .disclosure import min_respondents_for, readiness_release, share_release, ties_release
from .models import (
    READINESS_MIDPOINT,
    SurveyAnalysis,
    SurveyAnswer,
    SurveyNodeMetric,
    SurveyParticipant,
    SurveyRound,
    SurveyTie,
)
from .registries import PROGRAMME_TIE_READERS

PROGRAMME_DAYS = 365


def survey_round_create(
    *, school, name, opens_on, closes_on, staff, max_choices=5, min_respondents=None, created_by=None, now=None
):
    """A round of the school with its participants: active staff of this school
    only, and at least as many as the answers results need; a round that can
    still be answered (it closes on the school's today, at `now`, at the earliest).
    Results need at least 5 answers and answers from at least half of those
    included (by default exactly that), so that a few answers never stand for the staff."""
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError({"closes_on": _("The survey closes on or after the day it opens.")})
    if closes_on and closes_on < school_today(school, now):
        raise ValidationError({"closes_on": _("The closing day has passed: nobody could answer.")})
    people = {s.pk: s for s in staff}
    valid = set(
        StaffMember.objects.for_school(school).filter(pk__in=list(people), is_active=True).values_list("pk", flat=True)
    )
    least = min_respondents_for(len(valid))
    survey_round = SurveyRound(
        school=school,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        max_choices=max_choices,
        min_respondents=least if min_respondents is None else min_respondents,
        created_by=created_by,
    )
    survey_round.full_clean()
    if set(people) - valid:
        raise ValidationError({"staff": _("Only people working at this school can take part.")})
    if survey_round.min_respondents < least:
        raise ValidationError(
            {
                "min_respondents": _("At least half of the staff included must answer: at least %(count)s.")
                % {"count": least}
            }
        )
    if len(valid) < survey_round.min_respondents:
        raise ValidationError(
            {
                "staff": _("Include at least %(count)s people: results need that many answers.")
                % {"count": survey_round.min_respondents}
            }
        )
    with transaction.atomic():
        survey_round.save()
        SurveyParticipant.objects.bulk_create(
            [SurveyParticipant(round=survey_round, staff_id=pk) for pk in sorted(valid)]
        )
    return survey_round


def survey_answer_submit(*, survey_round, respondent, choices, readiness, now=None):
    """Save (or replace) a participant's answer while the round is open.

    `choices` maps a SurveyTie.Kind to the named colleagues: participants of the
    round, never oneself, at most `max_choices` each. `readiness` maps each
    readiness item to 1–5."""
    now = now or timezone.now()
    with transaction.atomic():
        # The round's row lock orders an answer against "close now" and the sweep.
        survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
        today = school_today(survey_round.school, now)
        if not survey_round.accepts_answers_on(today):
            raise ValidationError(_("The survey is closed: answers are no longer accepted."))
        participant = SurveyParticipant.objects.select_for_update().filter(round=survey_round, staff=respondent).first()
        if participant is None:
            raise ValidationError(_("You do not take part in this survey."))
        allowed = set(
            SurveyParticipant.objects.filter(round=survey_round)
            .exclude(staff=respondent)
            .values_list("staff_id", flat=True)
        )
        errors = {}
        for kind in SurveyTie.Kind.values:
            targets = {getattr(t, "pk", t) for t in choices.get(kind, [])}
            if len(targets) > survey_round.max_choices:
                errors[kind] = _("Choose at most %(count)s colleagues.") % {"count": survey_round.max_choices}
            elif targets - allowed:
                errors[kind] = _("Choose among the colleagues of this survey, not yourself.")
        for item in SurveyAnswer.READINESS_ITEMS:
            if readiness.get(item) not in (1, 2, 3, 4, 5):
                errors[item] = _("Choose from 1 to 5.")
        if errors:
            raise ValidationError(errors)
        answer, _created = SurveyAnswer.objects.update_or_create(
            round=survey_round,
            respondent=respondent,
            defaults={item: readiness[item] for item in SurveyAnswer.READINESS_ITEMS},
        )
        answer.ties.all().delete()
        SurveyTie.objects.bulk_create(
            [
                SurveyTie(answer=answer, respondent=respondent, kind=kind, target_id=getattr(t, "pk", t))
                for kind in SurveyTie.Kind.values
                for t in {getattr(t, "pk", t) for t in choices.get(kind, [])}
            ]
        )
        if participant.answered_at is None:
            participant.answered_at = now
            participant.save(update_fields=["answered_at"])
    return answer


def survey_round_close(*, survey_round, now=None):
    """Close the round once (a conditional UPDATE: "close now" and the sweep may
    race) and have it analysed after commit. Returns whether it closed now."""
    from .tasks import survey_round_analyse_task

    now = now or timezone.now()
    closed = SurveyRound.objects.filter(pk=survey_round.pk, closed_at__isnull=True).update(closed_at=now)
    if closed:
        survey_round.closed_at = now
        enqueue_on_commit(survey_round_analyse_task, round_id=survey_round.pk)
    return bool(closed)


def _programme_ties(survey_round, people):
    """[a, b, kinds] of the ties the programme made among the round's people in
    the year before it closed (see registries.PROGRAMME_TIE_READERS)."""
    end = survey_round.closes_on
    start = end - datetime.timedelta(days=PROGRAMME_DAYS)
    ties = {}
    for reader in PROGRAMME_TIE_READERS:
        for row in reader(school=survey_round.school, start=start, end=end):
            if row["a"] in people and row["b"] in people:
                kinds = ties.setdefault((row["a"], row["b"]), [])
                kinds += [kind for kind in ("visits", "groups", "teams") if row[kind] and kind not in kinds]
    return [[a, b, kinds] for (a, b), kinds in ties.items()]


def _above_midpoint():
    """An answer whose readiness items average above the scale's midpoint (ready to interact)."""
    items = list(SurveyAnswer.READINESS_ITEMS)
    total = sum((F(item) for item in items[1:]), F(items[0]))
    return GreaterThan(total, READINESS_MIDPOINT * len(items))


def survey_round_analyse(*, round_id, now=None):
    """Compute and store the round's analysis, once: a round already analysed
    (or not yet closed) is left alone. The round's row lock keeps two workers
    from computing it at the same time. Only what disclosure.py releases is
    stored, so no page or export can show more. Returns the analysis or None."""
    now = now or timezone.now()
    with transaction.atomic():
        survey_round = SurveyRound.objects.select_for_update().select_related("school").filter(pk=round_id).first()
        if survey_round is None or survey_round.closed_at is None or survey_round.analysed_at is not None:
            return None
        people = set(SurveyParticipant.objects.filter(round=survey_round).values_list("staff_id", flat=True))
        respondents = set(
            SurveyParticipant.objects.filter(round=survey_round, answered_at__isnull=False).values_list(
                "staff_id", flat=True
            )
        )
        ties = list(
            SurveyTie.objects.filter(answer__round=survey_round).values_list("respondent_id", "target_id", "kind")
        )
        result = analyse_network(sorted(people), ties)
        release = ties_release(
            named_by=result.named_by,
            respondents=respondents,
            most=len(SurveyTie.Kind.values) * survey_round.max_choices,
        )
        sums = SurveyAnswer.objects.filter(round=survey_round).aggregate(
            answers=Count("pk"),
            above_midpoint=Count("pk", filter=_above_midpoint()),
            **{item: Sum(item) for item in SurveyAnswer.READINESS_ITEMS},
        )
        readiness = {
            item: readiness_release(total=sums[item] or 0, answers=sums["answers"])
            for item in SurveyAnswer.READINESS_ITEMS
        }
        previous = (
            # Only a round whose counts could be shown (enough answers, not withheld).
            SurveyRound.objects.filter(
                school=survey_round.school,
                analysed_at__isnull=False,
                closes_on__lt=survey_round.closes_on,
                analysis__respondents__gte=F("min_respondents"),
                analysis__ties_shown=True,
            )
            .select_related("analysis")
            .order_by("-closes_on", "-pk")
            .first()
            if release.shown
            else None
        )
        comparison = {}
        if previous is not None:
            previous_isolates = SurveyNodeMetric.objects.filter(
                round=previous, named=SurveyNodeMetric.Named.NOBODY
            ).values_list("staff_id", flat=True)
            named = (SurveyNodeMetric.Named.FEW, SurveyNodeMetric.Named.COUNT)
            named_now = {pk for pk, (band, _count) in release.people.items() if band in named}
            comparison = {
                "isolates_connected": isolates_connected(
                    previous_isolates=previous_isolates, current_named=named_now, current_people=people
                ),
                "density_before": previous.analysis.density,
                "isolates_before": previous.analysis.isolates,
            }
        programme_ties = _programme_ties(survey_round, people)
        analysis = SurveyAnalysis(
            round=survey_round,
            computed_at=now,
            participants=len(people),
            respondents=len(respondents),
            ties_shown=release.shown,
            density=result.density if release.shown else None,
            ties=release.ties,
            isolates=sum(1 for band, _count in release.people.values() if band == SurveyNodeMetric.Named.NOBODY)
            if release.shown
            else None,
            readiness=readiness,
            above_midpoint=share_release(part=sums["above_midpoint"], answers=sums["answers"]),
            compared_with=previous,
            comparison=comparison,
            programme_ties=programme_ties,
        )
        analysis.full_clean(exclude=["round"])
        analysis.save()
        positions = layout(people, programme_ties)
        SurveyNodeMetric.objects.bulk_create(
            [
                SurveyNodeMetric(
                    round=survey_round,
                    staff_id=person,
                    named=release.people.get(person, (SurveyNodeMetric.Named.HIDDEN, None))[0],
                    named_by=release.people.get(person, (None, None))[1],
                    x=positions[person][0],
                    y=positions[person][1],
                )
                for person in sorted(people)
            ]
        )
        SurveyRound.objects.filter(pk=survey_round.pk).update(analysed_at=now)
    return analysis
