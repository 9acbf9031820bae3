"""Writes of problem-theme days: creating and copying a day, moving it through
its stages, theme ideas and the children's choice, preparation roles, the
activity plan (with clash warnings) and the reflection."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.dates import add_years, school_today
from apps.core.typography import quoted
from apps.staff.selectors import staff_for_user

from .models import DayActivity, DayStageChange, PreparationRole, ProblemDay, Reflection, ThemeIdea
from .selectors import activity_queryset, clashes_between, planner_queryset, stage_checks

DAY_FIELDS = ("date", "working_title", "theme", "problem_question", "goal", "grades")


def problem_question_for(theme):
    """The problem question a chosen theme suggests: a theme the children put as
    a question is the question itself; any other asks what it means to them."""
    theme = " ".join(str(theme).split())
    if not theme:
        return ""
    if theme.endswith("?"):
        return theme
    return _("What does %(theme)s mean for us today?") % {"theme": quoted(theme)}


def question_for_theme(*, theme, question, old_theme="", suggested=""):
    """The problem question once the theme becomes `theme`: the theme's
    suggestion when the question is empty or is still the suggestion of the
    previous theme (`old_theme`, or the `suggested` text a form offered);
    a question someone wrote stays."""
    suggestion = problem_question_for(theme)
    current = question.strip()
    if suggestion and (not current or current in {problem_question_for(old_theme), suggested.strip()}):
        return suggestion
    return question


def _fill_question(day, *, old_theme):
    day.problem_question = question_for_theme(theme=day.theme, question=day.problem_question, old_theme=old_theme)


def _each_row(save, rows):
    """All rows saved or none: the error of a row says which one (`error.row`,
    counted from 0), so the form can show it next to that row."""
    saved = []
    with transaction.atomic():
        for index, row in enumerate(rows):
            try:
                saved.append(save(**row))
            except ValidationError as error:
                error.row = index
                raise
    return saved


def _bounded_lines(lines, limit):
    """The lines one a line, as many whole lines as fit in `limit` characters (then "…")."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    return text[: limit - 2].rsplit("\n", 1)[0] + "\n…"


def _check_people(school, people, field):
    """Duties go to working teachers of the day's school (the forms offer no one else)."""
    for person in people:
        if person.school_id != school.pk:
            raise ValidationError({field: _("%(name)s works in another school.") % {"name": person}})
        if not person.is_active:
            raise ValidationError({field: _("%(name)s no longer works here.") % {"name": person}})


@transaction.atomic
def _check_date(school, date):
    """A problem-theme day is planned within two years back and three ahead."""
    today = school_today(school)
    if not add_years(today, -2) <= date <= add_years(today, 3):
        raise ValidationError({"date": _("Choose a date within two years back and three years ahead.")})


def day_create(*, school, date, working_title, organisers=(), created_by=None, copied_from=None, **fields):
    """A new day in preparation; whoever creates it becomes an organiser."""
    _check_date(school, date)
    organisers = list(organisers)
    _check_people(school, organisers, "organisers")
    day = ProblemDay(school=school, date=date, working_title=working_title, copied_from=copied_from, **fields)
    day.full_clean()
    day.save()
    creator = staff_for_user(school=school, user=created_by) if created_by else None
    if creator and creator not in organisers:
        organisers.append(creator)
    day.organisers.set(organisers)
    return day


@transaction.atomic
def day_update(*, day, organisers=None, **fields):
    """Change a day; a new date moves its activities with it (same local times);
    a new theme fills an empty problem question (see `_fill_question`)."""
    old_date, old_theme = ProblemDay.objects.values_list("date", "theme").get(pk=day.pk)
    if "date" in fields and fields["date"] != old_date:
        _check_date(day.school, fields["date"])
    for name in DAY_FIELDS:
        if name in fields:
            setattr(day, name, fields[name])
    if day.theme != old_theme:
        _fill_question(day, old_theme=old_theme)
    day.full_clean()
    day.save()
    if day.date != old_date:
        zone = day.school.tzinfo
        for activity in DayActivity.objects.filter(day=day):
            start, end = activity.starts_at.astimezone(zone), activity.ends_at.astimezone(zone)
            activity.starts_at = datetime.datetime.combine(day.date, start.time(), tzinfo=zone)
            activity.ends_at = datetime.datetime.combine(day.date, end.time(), tzinfo=zone)
            activity.save(update_fields=["starts_at", "ends_at"])
    if organisers is not None:
        _check_people(day.school, organisers, "organisers")
        day.organisers.set(organisers)
    return day


@transaction.atomic
def stage_move(*, day, to_status, changed_by=None, confirmed_clashes=None):
    """Move a day one stage forward or back and record who did it (the day's
    stage history and the audit trail). Returns the warnings ("what is still
    missing") of the new stage; raises ValidationError when a blocking item is
    missing (planning needs a chosen theme; ready needs activities, each with a
    responsible teacher). A plan with clashes becomes ready only when every
    clash the stage panel lists is among `confirmed_clashes`: the confirmation
    is recorded with the clashes it covered."""
    order = ProblemDay.ORDER
    if to_status not in order:
        raise ValidationError({"to_status": _("Unknown stage.")})
    locked = ProblemDay.objects.select_for_update().get(pk=day.pk)
    day.status = locked.status
    current, target = order.index(day.status), order.index(to_status)
    if abs(target - current) != 1:
        raise ValidationError({"to_status": _("A day moves one stage at a time.")})
    warnings, clashes = [], []
    if target > current:
        loaded = planner_queryset(school=day.school).get(pk=day.pk)
        checks = stage_checks(loaded)[to_status]
        blocking = [c.message for c in checks if c.blocking]
        if blocking:
            raise ValidationError(blocking)
        clashes = [c.message for c in checks if c.clash]
        unconfirmed = [c for c in clashes if c not in set(confirmed_clashes or ())]
        if unconfirmed:
            raise ValidationError(
                [_("The plan has clashes: confirm that the day is ready with them, or remove them first.")]
                + unconfirmed,
                code="clashes_unconfirmed",
            )
        warnings = [c.message for c in checks]
    from_status = day.status
    day.status = to_status
    day.save(update_fields=["status"])
    DayStageChange.objects.create(
        day=day,
        from_status=from_status,
        to_status=to_status,
        changed_by=changed_by,
        confirmed_clashes=_bounded_lines(clashes, DayStageChange._meta.get_field("confirmed_clashes").max_length),
    )
    changes = {"status": [ProblemDay.Status(from_status).label, ProblemDay.Status(to_status).label]}
    if clashes:
        # The clashes name teachers: the trail keeps how many, the day's history which.
        changes["clashes_confirmed"] = len(clashes)
    audit_record(
        action=AuditEvent.Action.PROBLEM_DAY_STAGE_CHANGED,
        school=day.school,
        target=day,
        actor=changed_by,
        changes=changes,
    )
    return warnings


def idea_save(*, day, idea=None, **fields):
    """Record or change a theme idea. Renaming the chosen idea renames the day's
    theme (and its question, while that is still the theme's suggestion)."""
    idea = idea or ThemeIdea(day=day)
    for name, value in fields.items():
        setattr(idea, name, value)
    idea.full_clean()
    idea.save()
    if idea.is_chosen and day.theme != idea.title:
        old_theme, day.theme = day.theme, idea.title
        _fill_question(day, old_theme=old_theme)
        day.save(update_fields=["theme", "problem_question"])
    return idea


def ideas_add(*, day, rows):
    """Several ideas at once (the gathering's list): all or none."""
    return _each_row(lambda **row: idea_save(day=day, **row), rows)


@transaction.atomic
def idea_choose(*, idea):
    """The children's choice: this idea is chosen (the others are kept) and
    becomes the day's theme; it fills an empty problem question."""
    day = ProblemDay.objects.select_for_update().get(pk=idea.day_id)
    ThemeIdea.objects.filter(day=day, is_chosen=True).exclude(pk=idea.pk).update(is_chosen=False)
    idea.is_chosen = True
    idea.save(update_fields=["is_chosen"])
    old_theme, day.theme = day.theme, idea.title
    _fill_question(day, old_theme=old_theme)
    day.save(update_fields=["theme", "problem_question"])
    return idea


def role_save(*, day, role=None, kind, staff, when=None, place=""):
    """Assign or change a teacher's part in the theme-selection gathering; the
    teacher works in the day's school."""
    _check_people(day.school, [staff], "staff")
    role = role or PreparationRole(day=day)
    role.kind, role.staff, role.when, role.place = kind, staff, when, place
    role.full_clean()
    role.save()
    return role


def roles_add(*, day, rows):
    """Several roles at once: all or none."""
    return _each_row(lambda **row: role_save(day=day, **row), rows)


def _check_on_day(day, starts_at, ends_at):
    tz = day.school.tzinfo
    errors = {}
    if starts_at.astimezone(tz).date() != day.date:
        errors["starts_at"] = _("The activity must start on the day itself (%(date)s).") % {
            "date": day.date.strftime("%d.%m.%Y")
        }
    if ends_at <= starts_at:
        errors["ends_at"] = _("The activity must end after it starts.")
    elif ends_at.astimezone(tz).date() != day.date:
        errors["ends_at"] = _("The activity must end on the day itself (%(date)s).") % {
            "date": day.date.strftime("%d.%m.%Y")
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_save(*, day, activity=None, responsible=(), partners=(), subjects=(), **fields):
    """Create or change an activity of the day. It must fit in the day's date (in
    the school's time zone). Returns (activity, clash warnings): a teacher or a
    place in two activities at once is flagged, never blocked."""
    _check_on_day(day, fields["starts_at"], fields["ends_at"])
    responsible, partners, subjects = list(responsible), list(partners), list(subjects)
    _check_people(day.school, responsible, "responsible")
    for item, field in [(p, "partners") for p in partners] + [(s, "subjects") for s in subjects]:
        if item.school_id != day.school_id:
            raise ValidationError({field: _("%(name)s belongs to another school.") % {"name": item}})
    activity = activity or DayActivity(day=day)
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    activity.responsible.set(responsible)
    activity.partners.set(partners)
    activity.subjects.set(subjects)
    loaded = activity_queryset().get(pk=activity.pk)
    others = activity_queryset().filter(day=day).exclude(pk=activity.pk)
    return activity, clashes_between(loaded, others)


def activities_add(*, day, rows):
    """Several activities at once: all or none. Returns their clash warnings."""
    saved = _each_row(lambda **row: activity_save(day=day, **row), rows)
    return [clash for _activity, clashes in saved for clash in clashes]


def reflection_save(*, day, **fields):
    reflection = Reflection.objects.filter(day=day).first() or Reflection(day=day)
    photo = fields.pop("photo", None)
    for name, value in fields.items():
        setattr(reflection, name, value)
    if photo:
        reflection.photo = photo
    elif photo is False:
        reflection.photo = ""
    reflection.full_clean()
    reflection.save()
    return reflection


@transaction.atomic
def day_copy(*, source, date, working_title="", created_by=None):
    """A new day in preparation from a past day's plan: its goal, question, grades,
    organisers and activities (shifted to the new date, same local times, with
    their people, partners and subjects). Ideas, roles and the reflection stay
    with the old day."""
    _check_date(source.school, date)
    organisers = [p for p in source.organisers.all() if p.is_active]
    day = day_create(
        school=source.school,
        date=date,
        working_title=working_title or source.title,
        problem_question=source.problem_question,
        goal=source.goal,
        grades=source.grades,
        organisers=organisers,
        created_by=created_by,
        copied_from=source,
    )
    tz = source.school.tzinfo
    for old in activity_queryset().filter(day=source):
        start, end = old.starts_at.astimezone(tz), old.ends_at.astimezone(tz)
        new_start = datetime.datetime.combine(date, start.time(), tzinfo=tz)
        new = DayActivity.objects.create(
            day=day,
            title=old.title,
            kind=old.kind,
            starts_at=new_start,
            ends_at=new_start + (end - start),
            place=old.place,
            grades=old.grades,
            parents_involved=old.parents_involved,
        )
        new.responsible.set([p for p in old.responsible.all() if p.is_active])
        new.partners.set(old.partners.all())
        new.subjects.set(old.subjects.all())
    return day
