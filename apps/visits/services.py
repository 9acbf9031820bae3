"""Writes of lesson visits: planning, feedback and debriefs, and the deadline sweep."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.dates import add_years, school_today, short_date
from apps.core.typography import quoted
from apps.core.validation import text_lengths_check
from apps.mentoring.models import GroupEvent, GroupEventParticipant
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .models import (
    EvaluativeWord,
    Feedback,
    FeedbackCheck,
    LessonVisit,
    ObservationProtocol,
    ProtocolItem,
    SelfReflection,
    VisitObserver,
    VisitShareReader,
)
from .selectors import evaluative_words, visit_share_candidates

EVENT_KIND = {
    LessonVisit.Kind.REVERSE_VISIT: GroupEvent.Kind.REVERSE_VISIT,
}
# A reverse visit answers a visit of the last half year.
ANSWERABLE_FOR = datetime.timedelta(days=183)


def answerable_since(now):
    """The earliest start of a visit a reverse visit may still answer."""
    return now - ANSWERABLE_FOR


REMINDERS = (
    (datetime.timedelta(hours=24), Notification.Kind.DEBRIEF_REMINDER_24H),
    (datetime.timedelta(hours=4), Notification.Kind.DEBRIEF_REMINDER_4H),
)
FEEDBACK_FIELDS = (
    "facts",
    "toward_goal",
    "reconsider",
    "questions",
    "next_step",
    "follow_up_on",
    "debrief_held_at",
    "debrief_format",
)


def debrief_due(*, school, ends_at):
    """The deadline of a visit's debrief: the lesson's end plus the school's hours
    (48 by default), in real hours: computed in UTC, since adding hours to a local
    time would follow the wall clock across a daylight-saving change."""
    return ends_at.astimezone(datetime.UTC) + datetime.timedelta(hours=school.debrief_hours)


def visit_check(
    *,
    school,
    observed=None,
    observers=None,
    starts_at=None,
    ends_at=None,
    group=None,
    answers_visit=None,
    subject=None,
    protocol=None,
    planner=None,
):
    """The rules a planned visit keeps, as one ValidationError keyed by field.

    The planning form runs it on what parsed (a value left out, None, is not
    checked), and `visit_create` on everything. `planner`: the card of a teacher
    planning (neither administration nor a curator), who plans only visits they
    take part in."""
    errors = {}
    if observers is not None and not observers:
        errors["observers"] = _("Choose at least one observer.")
    people = [person for person in [observed, *(observers or [])] if person is not None]
    if observed is not None and observed in (observers or []):
        errors["observers"] = _("The observed teacher cannot observe their own lesson.")
    if any(not person.is_active for person in people):
        errors["observers"] = _("The observed teacher and the observers must still work at the school.")
    if group is not None:
        allowed = {m.staff_id for m in group.members.all()} | {group.curator_id}
        if any(person.pk not in allowed for person in people):
            errors["group"] = _("The observed teacher and the observers must belong to this pair or triad.")
        if not group.is_open:
            errors["group"] = _("The pair or triad is closed: plan the visit in an open one.")
        if school.pk not in (group.school_id, group.partner_school_id):
            errors["group"] = _("This pair or triad is not of this school.")
    elif any(person.school_id != school.pk for person in people):
        errors["observers"] = _("Everyone must work in this school.")
    if starts_at is not None:
        today, day = school_today(school), timezone.localtime(starts_at, school.tzinfo).date()
        if not add_years(today, -1) <= day <= add_years(today, 1):
            errors["starts_at"] = _("Plan a visit within a year from today.")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The lesson must end after it starts.")
    if planner is not None and observed is not None and observers is not None and planner not in people:
        errors["__all__"] = _("A teacher plans visits they take part in: as the observed teacher or an observer.")
    if answers_visit is not None:
        answerable = (
            LessonVisit.objects.for_school(school)
            .exclude(status=LessonVisit.Status.CANCELLED)
            .filter(pk=answers_visit.pk, starts_at__gte=answerable_since(timezone.now()))
        )
        if not answerable.exists():
            errors["answers_visit"] = _("Choose a visit of this school of the last half year that was not cancelled.")
        elif observed is not None and observed.pk not in {link.staff_id for link in answers_visit.observer_links.all()}:
            errors["answers_visit"] = _("A reverse visit is to the lesson of a teacher who observed the first one.")
    if subject is not None and subject.school_id != school.pk:
        errors["subject"] = _("Choose a subject of this school.")
    if protocol is not None and (protocol.school_id != school.pk or not protocol.is_active):
        errors["protocol"] = _("Choose an observation protocol of this school that is in use.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def visit_create(
    *,
    school,
    kind,
    observed,
    observers,
    starts_at,
    ends_at,
    grade,
    topic,
    observed_aspect,
    subject=None,
    protocol=None,
    group=None,
    answers_visit=None,
    created_by=None,
    planner=None,
):
    """Plan a visit (the rules: `visit_check`). Its debrief deadline is stored now;
    a pair's visit also goes on the pair's schedule of work."""
    observers = list(observers)
    visit_check(
        school=school,
        observed=observed,
        observers=observers,
        starts_at=starts_at,
        ends_at=ends_at,
        group=group,
        answers_visit=answers_visit,
        subject=subject,
        protocol=protocol,
        planner=planner,
    )
    visit = LessonVisit(
        school=school,
        kind=kind,
        observed=observed,
        starts_at=starts_at,
        ends_at=ends_at,
        grade=grade,
        topic=topic,
        observed_aspect=observed_aspect,
        subject=subject,
        protocol=protocol,
        group=group,
        answers_visit=answers_visit,
        debrief_due_at=debrief_due(school=school, ends_at=ends_at),
        created_by=created_by,
    )
    visit.full_clean()
    visit.save()
    VisitObserver.objects.bulk_create(VisitObserver(visit=visit, staff=person) for person in observers)
    if group is not None:
        event = GroupEvent.objects.create(
            group=group,
            kind=EVENT_KIND.get(kind, GroupEvent.Kind.LESSON_VISIT),
            title=topic,
            starts_at=starts_at,
            ends_at=ends_at,
            place=grade,
            created_by=created_by,
        )
        GroupEventParticipant.objects.bulk_create(
            GroupEventParticipant(event=event, staff=person) for person in [observed, *observers]
        )
        visit.event = event
        visit.save(update_fields=["event"])
    for person in observers:
        if person.user_id:
            notification_send(
                user=person.user,
                school=person.school,
                kind=Notification.Kind.VISIT_PLANNED,
                key=f"visit:{visit.pk}",
                title=_("Lesson visit %(when)s: %(teacher)s, %(grade)s")
                % {
                    "when": short_date(starts_at, "d.m H:i"),
                    "teacher": observed.short_name,
                    "grade": grade,
                },
                body=_("Observed aspect: %(aspect)s") % {"aspect": observed_aspect},
                url=reverse("visits:detail", args=[visit.pk]),
            )
    return visit


@transaction.atomic
def visit_cancel(*, visit, reason):
    if visit.status not in LessonVisit.DEBRIEF_OPEN_STATUSES:
        raise ValidationError(_("Only a visit still awaiting its debrief can be cancelled."))
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Say why the visit is cancelled.")})
    text_lengths_check(LessonVisit(cancel_reason=reason.strip()))
    visit.status = LessonVisit.Status.CANCELLED
    visit.cancel_reason = reason.strip()
    visit.save(update_fields=["status", "cancel_reason"])
    if visit.event_id:
        GroupEvent.objects.filter(pk=visit.event_id).update(status=GroupEvent.Status.CANCELLED)
    return visit


def _feedback_values(fields):
    unknown = set(fields) - set(FEEDBACK_FIELDS)
    if unknown:
        raise TypeError(f"unknown feedback fields: {sorted(unknown)}")
    text_lengths_check(Feedback(**{name: value for name, value in fields.items() if value is not None}))
    return fields


class FeedbackAlreadySubmitted(ValidationError):
    """Submitted feedback is what the observed teacher received: no later submit or
    draft changes it, and corrections after submission are not offered."""

    def __init__(self, message=None, code="already_submitted", params=None):
        message = message or _(
            "Your feedback on this lesson is already submitted: the first submission stands, it is what "
            "the teacher received. Submitted feedback cannot be corrected or replaced, so this text was "
            "not saved."
        )
        super().__init__(message, code=code, params=params)


def _feedback_locked(*, visit, observer):
    """The observer's feedback row, created if need be and locked until commit;
    FeedbackAlreadySubmitted if it is submitted. Deciding under the lock is what
    keeps a double tap or a retried request from rewriting it."""
    Feedback.objects.get_or_create(visit=visit, observer=observer)
    feedback = Feedback.objects.select_for_update().get(visit=visit, observer=observer)
    if feedback.is_submitted:
        raise FeedbackAlreadySubmitted()
    return feedback


def feedback_check_items(*, visit):
    """The checklist items of the visit's protocol, the ones an observer ticks."""
    if not visit.protocol_id:
        return ProtocolItem.objects.none()
    return ProtocolItem.objects.filter(protocol=visit.protocol_id, kind=ProtocolItem.Kind.CHECK).order_by(
        "position", "pk"
    )


def _feedback_checks_valid(*, visit, checks):
    """The ticked items, checked to be checklist items of this visit's protocol."""
    items = list(feedback_check_items(visit=visit))
    ticked = {item.pk for item in checks}
    if ticked - {item.pk for item in items}:
        raise ValidationError({"checks": _("Tick only the checklist items of this visit's protocol.")})
    return items, ticked


def _feedback_checks_set(*, feedback, items, ticked):
    """The feedback's checklist becomes the protocol's items as they read now,
    each ticked or not (copied: a later edit of the protocol changes nothing here)."""
    feedback.checks.all().delete()
    FeedbackCheck.objects.bulk_create(
        FeedbackCheck(feedback=feedback, item=item, text=item.text, position=item.position, checked=item.pk in ticked)
        for item in items
    )


@transaction.atomic
def feedback_save_draft(*, visit, observer, problem_tags=None, checks=None, **fields):
    """Keep what an observer has typed and ticked so far (nothing is ever lost).

    The row is locked and checked again, so an autosave that races a submit can
    never turn submitted feedback back into a draft: it raises
    FeedbackAlreadySubmitted instead, and the caller gives the text back.
    `checks`: the ticked checklist items (None keeps the ticks as they are)."""
    feedback = _feedback_locked(visit=visit, observer=observer)
    values = _feedback_values(fields)
    if checks is not None:
        items, ticked = _feedback_checks_valid(visit=visit, checks=checks)
    for name, value in values.items():
        setattr(feedback, name, value if value is not None else getattr(feedback, name))
    feedback.save()
    if problem_tags is not None:
        feedback.problem_tags.set(problem_tags)
    if checks is not None:
        _feedback_checks_set(feedback=feedback, items=items, ticked=ticked)
    return feedback


@transaction.atomic
def feedback_submit(*, visit, observer, now=None, problem_tags=None, checks=None, **fields):
    """Submit an observer's feedback, once: submitted feedback is never changed
    (FeedbackAlreadySubmitted), decided under the visit's and the row's locks;
    its ticks neither. `checks`: the ticked checklist items (None keeps the draft's).
    When every observer has submitted, the visit is debriefed: on time if the
    debrief was held by its deadline, else late."""
    # NO KEY UPDATE: submits of the visit still wait for one another, but a draft
    # creating its row (whose foreign key takes KEY SHARE on the visit) does not
    # wait for us while we wait for that row: that would deadlock.
    visit = LessonVisit.objects.select_for_update(no_key=True).get(pk=visit.pk)
    # The time of the submission is read once the lock is ours: a submit that
    # waited for it is not dated before the one it waited for.
    now = now or timezone.now()
    if visit.status == LessonVisit.Status.CANCELLED:
        raise ValidationError(_("The visit was cancelled."))
    if not visit.observer_links.filter(staff=observer).exists():
        raise ValidationError(_("Only an observer of this lesson gives feedback on it."))
    feedback = _feedback_locked(visit=visit, observer=observer)
    fields = _feedback_values(fields)
    errors = {}
    if not (fields.get("facts") or "").strip():
        errors["facts"] = _("Describe what you observed: facts come before interpretations.")
    held_at = fields.get("debrief_held_at") or now
    if held_at < visit.ends_at:
        errors["debrief_held_at"] = _("The debrief cannot be before the end of the lesson.")
    if held_at > now + datetime.timedelta(minutes=5):
        errors["debrief_held_at"] = _("The debrief cannot be in the future.")
    follow_up_on = fields.get("follow_up_on")
    if follow_up_on and follow_up_on < timezone.localtime(visit.ends_at).date():
        errors["follow_up_on"] = _("The follow-up comes after the lesson.")
    if checks is not None:
        try:
            items, ticked = _feedback_checks_valid(visit=visit, checks=checks)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(feedback, name, value)
    feedback.debrief_held_at = held_at
    feedback.submitted_at = now
    feedback.full_clean()
    feedback.save()
    if problem_tags is not None:
        feedback.problem_tags.set(problem_tags)
    if checks is not None:
        _feedback_checks_set(feedback=feedback, items=items, ticked=ticked)
    _notify_feedback(visit, observer)
    pending = visit.observer_links.exclude(
        staff__in=Feedback.objects.filter(visit=visit, submitted_at__isnull=False).values("observer")
    )
    if not pending.exists() and visit.status not in (LessonVisit.Status.DEBRIEFED, LessonVisit.Status.DEBRIEFED_LATE):
        last_held = max(f.debrief_held_at for f in visit.feedback.filter(submitted_at__isnull=False))
        # Once flagged overdue, a visit is debriefed late whatever date is reported.
        on_time = last_held <= visit.debrief_due_at and visit.overdue_at is None
        visit.status = LessonVisit.Status.DEBRIEFED if on_time else LessonVisit.Status.DEBRIEFED_LATE
        visit.debriefed_at = last_held
        visit.save(update_fields=["status", "debriefed_at"])
        if visit.event_id:
            GroupEvent.objects.filter(pk=visit.event_id).update(status=GroupEvent.Status.HELD)
    return feedback


def _notify_feedback(visit, observer):
    teacher = visit.observed
    if teacher.user_id:
        notification_send(
            user=teacher.user,
            school=visit.school,
            kind=Notification.Kind.FEEDBACK_RECEIVED,
            key=f"visit:{visit.pk}:observer:{observer.pk}",
            title=_("Feedback on your lesson from %(observer)s") % {"observer": observer.short_name},
            url=reverse("visits:detail", args=[visit.pk]),
        )


def self_reflection_save(*, visit, text):
    text_lengths_check(SelfReflection(visit=visit, text=text))
    reflection, _created = SelfReflection.objects.update_or_create(visit=visit, defaults={"text": text})
    return reflection


@transaction.atomic
def visit_share_set(*, visit, shared, readers=None):
    """The observed teacher alone decides to share a debrief with their subject association.

    Sharing records its readers: the colleagues who would read it now
    (`selectors.visit_share_candidates`: never administration), narrowed to the
    staff ids in `readers` when given (those the teacher was shown), so nobody
    who joins the association later is added. Sharing a debrief already shared
    adds nobody; stopping forgets the readers."""
    locked = LessonVisit.objects.select_for_update(of=("self",)).select_related("observed").get(pk=visit.pk)
    if not shared:
        VisitShareReader.objects.filter(visit=locked).delete()
    elif not locked.shared_with_association:
        candidates = visit_share_candidates(visit=locked)
        if readers is not None:
            candidates = candidates.filter(pk__in=list(readers))
        VisitShareReader.objects.bulk_create(
            [VisitShareReader(visit=locked, staff=staff) for staff in candidates.only("pk")]
        )
    LessonVisit.objects.filter(pk=locked.pk).update(shared_with_association=bool(shared))
    visit.shared_with_association = bool(shared)
    return visit


def _recipients(visit, *, skip_submitted=False):
    """(user, their school) of the observers, the observed teacher and the group's
    curator who have accounts; a network pair's people hear in their own school."""
    observers = [link.staff for link in visit.observer_links.all()]
    if skip_submitted:
        done = {f.observer_id for f in visit.feedback.all() if f.submitted_at is not None}
        observers = [person for person in observers if person.pk not in done]
    people = [*observers, visit.observed]
    if visit.group_id:
        people.append(visit.group.curator)
    seen, recipients = set(), []
    for person in people:
        if person.user_id and person.user_id not in seen and person.user.is_active:
            seen.add(person.user_id)
            recipients.append((person.user, person.school))
    return recipients


def _visit_queryset():
    return LessonVisit.objects.select_related(
        "school", "observed__user", "observed__school", "group__curator__user", "group__curator__school"
    ).prefetch_related("observer_links__staff__user", "observer_links__staff__school", "feedback")


def visits_deadline_sweep(*, now=None, batch=500):
    """Beat-driven, idempotent: the database holds every deadline, this catches up.

    1. Planned visits whose lesson has ended become "held, awaiting debrief",
       and so does their entry on the pair's schedule (a conditional UPDATE of
       the planned entries of visits whose lesson took place, which also catches
       up entries left planned before), so it does not wait to be marked.
    2. Visits still awaiting a debrief past `debrief_due_at` become overdue, each
       exactly once: rows are claimed with SELECT … FOR UPDATE SKIP LOCKED and a
       conditional UPDATE, so two sweeps at once never take the same row; the
       observers, the observed teacher and the curator are notified.
    3. Reminders 24 h and 4 h before the deadline, each exactly once (a unique
       constraint on the notification's user, kind and key).
    Returns counts for the logs.
    """
    now = now or timezone.now()
    with transaction.atomic():
        held = LessonVisit.objects.filter(status=LessonVisit.Status.PLANNED, ends_at__lte=now).update(
            status=LessonVisit.Status.HELD
        )
        GroupEvent.objects.filter(
            status=GroupEvent.Status.PLANNED,
            ends_at__lte=now,
            lesson_visit__status__in=LessonVisit.LESSON_HELD_STATUSES,
        ).update(status=GroupEvent.Status.HELD)
    overdue = 0
    while True:
        with transaction.atomic():
            ids = list(
                LessonVisit.objects.past_due(now)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            LessonVisit.objects.filter(pk__in=ids, status__in=LessonVisit.AWAITING).update(
                status=LessonVisit.Status.OVERDUE, overdue_at=now
            )
            for visit in _visit_queryset().filter(pk__in=ids):
                _notify_deadline(visit, Notification.Kind.DEBRIEF_OVERDUE)
            overdue += len(ids)
    reminders = 0
    # Only the nearest window counts: after downtime a visit 3 hours from its
    # deadline gets the 4-hour reminder, not both.
    windows = [(REMINDERS[1][0], None, REMINDERS[1][1]), (REMINDERS[0][0], REMINDERS[1][0], REMINDERS[0][1])]
    for before, after, kind in windows:
        due_soon = _visit_queryset().filter(
            status=LessonVisit.Status.HELD, debrief_due_at__gt=now, debrief_due_at__lte=now + before
        )
        if after is not None:
            due_soon = due_soon.filter(debrief_due_at__gt=now + after)
        already = Notification.objects.filter(kind=kind, key=Concat(Value("visit:"), Cast(OuterRef("pk"), CharField())))
        for visit in due_soon.exclude(Exists(already)).order_by("debrief_due_at")[:batch]:
            with transaction.atomic():
                reminders += _notify_deadline(visit, kind)
    return {"held": held, "overdue": overdue, "reminders": reminders}


def _notify_deadline(visit, kind):
    with translation.override("ru"):
        due = timezone.localtime(visit.debrief_due_at, visit.school.tzinfo).strftime("%d.%m.%Y %H:%M")
        titles = {
            Notification.Kind.DEBRIEF_OVERDUE: _("Debrief overdue: %(teacher)s, %(grade)s, %(topic)s"),
            Notification.Kind.DEBRIEF_REMINDER_24H: _("Debrief due within a day: %(teacher)s, %(grade)s"),
            Notification.Kind.DEBRIEF_REMINDER_4H: _("Debrief due within 4 hours: %(teacher)s, %(grade)s"),
        }
        title = titles[kind] % {
            "teacher": visit.observed.short_name,
            "grade": visit.grade,
            "topic": quoted(visit.topic),
        }
        body = _("The debrief of the lesson is held no later than %(due)s.") % {"due": due}
    sent = 0
    reminder = kind != Notification.Kind.DEBRIEF_OVERDUE
    for user, school in _recipients(visit, skip_submitted=reminder):
        if notification_send(
            user=user,
            school=school,
            kind=kind,
            key=f"visit:{visit.pk}",
            title=title,
            body=body,
            url=reverse("visits:detail", args=[visit.pk]),
        ):
            sent += 1
    return sent


def evaluative_words_for(*, school):
    """The evaluative words a feedback form or a comment points out: the school's list,
    or the default one while the school has none. Only read: the defaults are written
    when the list is first edited (`evaluative_words_ensure`), never by a page showing a form."""
    return evaluative_words(school=school) or list(DEFAULT_EVALUATIVE_WORDS)


def evaluative_words_ensure(*, school):
    """The default list of grading words, once per school."""
    if EvaluativeWord.objects.for_school(school).exists():
        return
    EvaluativeWord.objects.bulk_create(
        [EvaluativeWord(school=school, word=word) for word in DEFAULT_EVALUATIVE_WORDS], ignore_conflicts=True
    )


DEFAULT_EVALUATIVE_WORDS = [
    "молодец",
    "умница",
    "плохо",
    "хорошо",
    "отлично",
    "ужасно",
    "прекрасно",
    "неудачно",
    "слабо",
    "замечательно",
    "безобразно",
    "провал",
    "хороший урок",
    "отличная работа",
    "так держать",
]

DEFAULT_PROTOCOLS = [
    (
        "Взаимопосещение: один аспект урока",
        "Наблюдатель смотрит один узкий аспект, а не весь урок.",
        [
            ("prompt", "Что делали ученики, когда учитель … (опишите факты, без оценок)"),
            ("prompt", "Какие вопросы задавал учитель? Запишите дословно 2–3 вопроса."),
            ("prompt", "Что продвинуло урок к его цели?"),
            ("check", "Цель урока сформулирована вместе с учениками"),
            ("check", "Учитель проверил понимание после объяснения"),
        ],
    ),
    (
        "Исследование урока (Lesson Study)",
        "Группа наблюдает за несколькими учениками, а не за учителем.",
        [
            ("prompt", "Ученик А: что он делал на каждом этапе урока?"),
            ("prompt", "Где ученики затруднились? Что им помогло?"),
            ("check", "Наблюдение за выбранными учениками велось весь урок"),
        ],
    ),
    (
        "Обратное посещение",
        "Наблюдаемый посещает урок наблюдавшего по тому же протоколу.",
        [
            ("prompt", "Какие приёмы коллеги можно перенести на свой урок?"),
            ("prompt", "Какой вопрос вы зададите коллеге на обсуждении?"),
        ],
    ),
]


def protocols_ensure_defaults(*, school):
    """A few Russian protocols for a school that has none yet. Checked outside a
    transaction: the planning form and the catalog open it on every view."""
    if ObservationProtocol.objects.for_school(school).exists():
        return
    _protocols_create_defaults(school=school)


@transaction.atomic
def _protocols_create_defaults(*, school):
    for name, description, items in DEFAULT_PROTOCOLS:
        protocol = ObservationProtocol.objects.create(school=school, name=name, description=description)
        ProtocolItem.objects.bulk_create(
            ProtocolItem(protocol=protocol, kind=kind, text=text, position=i) for i, (kind, text) in enumerate(items)
        )
