"""Indicators of collective work kept by the problem-theme days app
(apps.core.indicators): the roles teachers took in preparing a day, and the
activities of the day they were responsible for. A day counts once it was held;
its reflection is never read."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.indicator_rules import one
from apps.core.indicators import Evidence, Indicator
from apps.core.typography import quoted

from .models import DayActivity, PreparationRole, ProblemDay

# The day took place (and may have been reflected on since).
HELD = (ProblemDay.Status.HELD, ProblemDay.Status.REFLECTED)


def _day_title(row):
    return quoted(row["theme"] or row["working_title"])


def preparation_roles(*, school_id, start, end):
    """Roles in preparing a held day (leading questions, continuing in class,
    recording ideas), on the day's date."""
    rows = (
        PreparationRole.objects.filter(
            day__school_id=school_id, day__status__in=HELD, day__date__range=(start, end), staff__school_id=school_id
        )
        .values(
            "pk",
            "staff_id",
            "kind",
            "day_id",
            on=F("day__date"),
            theme=F("day__theme"),
            working_title=F("day__working_title"),
        )
        .order_by("on", "day_id", "pk")
    )
    kinds = dict(PreparationRole.Kind.choices)
    return [
        Evidence(
            staff_id=row["staff_id"],
            units=one(),
            label=_("Problem-theme day %(day)s: %(role)s")
            % {"day": _day_title(row), "role": kinds.get(row["kind"], row["kind"])},
            on=row["on"],
            url=f"{reverse('problemdays:day_detail', args=[row['day_id']])}#role-{row['pk']}",
        )
        for row in rows
    ]


def activities_led(*, school_id, start, end):
    """Activities of a held day the teacher was responsible for."""
    Responsible = DayActivity.responsible.through
    rows = (
        Responsible.objects.filter(
            dayactivity__day__school_id=school_id,
            dayactivity__day__status__in=HELD,
            dayactivity__day__date__range=(start, end),
            staffmember__school_id=school_id,
        )
        .values(
            activity_id=F("dayactivity_id"),
            staff_id=F("staffmember_id"),
            title=F("dayactivity__title"),
            day_id=F("dayactivity__day_id"),
            on=F("dayactivity__day__date"),
            theme=F("dayactivity__day__theme"),
            working_title=F("dayactivity__day__working_title"),
        )
        .order_by("on", "activity_id", "staff_id")
    )
    return [
        Evidence(
            staff_id=row["staff_id"],
            units=one(),
            label=_("Problem-theme day %(day)s: led %(activity)s")
            % {"day": _day_title(row), "activity": quoted(row["title"])},
            on=row["on"],
            url=f"{reverse('problemdays:day_detail', args=[row['day_id']])}#activity-{row['activity_id']}",
        )
        for row in rows
    ]


_DAY_READS = frozenset(
    {
        "problemdays.ProblemDay.school",
        "problemdays.ProblemDay.status",
        "problemdays.ProblemDay.date",
        "problemdays.ProblemDay.theme",
        "problemdays.ProblemDay.working_title",
        "staff.StaffMember.school",
    }
)

INDICATORS = (
    Indicator(
        key="problemdays.roles",
        label=gettext_lazy("Roles in preparing a problem-theme day"),
        unit=gettext_lazy("roles"),
        reads=_DAY_READS
        | {"problemdays.PreparationRole.day", "problemdays.PreparationRole.staff", "problemdays.PreparationRole.kind"},
        compute=preparation_roles,
        order=40,
    ),
    Indicator(
        key="problemdays.activities_led",
        label=gettext_lazy("Activities of a problem-theme day led"),
        unit=gettext_lazy("activities"),
        reads=_DAY_READS
        | {"problemdays.DayActivity.day", "problemdays.DayActivity.title", "problemdays.DayActivity.responsible"},
        compute=activities_led,
        order=41,
    ),
)
