"""Indicators of collective work kept by the mentoring app (apps.core.indicators):
months in a pair or triad at work, by role, and the network pairs' results."""

import datetime
import functools
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, CharField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.indicator_rules import LocalDate, months_in, one
from apps.core.indicators import Evidence, Indicator
from apps.core.typography import quoted

from .models import MentorGroup, MentorGroupMember, MentorGroupStatusChange, NetworkPairResult, group_name

# A group stops being at work when it is completed, dissolved or paused, on the day
# of that change; a paused group is at work again from the day it resumes. One still
# at work counts up to its planned end. It is at work from its start date (it may be
# activated later in the app than the day its work began).
_STOPPED = (MentorGroup.Status.COMPLETED, MentorGroup.Status.DISSOLVED, MentorGroup.Status.PAUSED)

_SPAN_READS = frozenset(
    {
        "mentoring.MentorGroup.school",
        "mentoring.MentorGroup.partner_school",
        "mentoring.MentorGroup.kind",
        "mentoring.MentorGroup.status",
        "mentoring.MentorGroup.starts_on",
        "mentoring.MentorGroup.planned_end_on",
        "mentoring.MentorGroupStatusChange.group",
        "mentoring.MentorGroupStatusChange.to_status",
        "mentoring.MentorGroupStatusChange.changed_at",
        "accounts.School.time_zone",
        "staff.StaffMember.school",
    }
)


def _local_day(prefix=""):
    return LocalDate(F(f"{prefix}changed_at"), F(f"{prefix}group__school__time_zone"))


def _span_end(prefix):
    """The last day a group (at `prefix`) was at work: the day it last stopped, or its
    planned end; a coarse bound that lets the database skip long-closed groups."""
    stopped_on = (
        MentorGroupStatusChange.objects.filter(group=OuterRef(f"{prefix}pk"), to_status=OuterRef(f"{prefix}status"))
        .order_by("-changed_at", "-pk")
        .values(on=_local_day())[:1]
    )
    return Case(
        When(
            **{f"{prefix}status__in": _STOPPED},
            then=Coalesce(Subquery(stopped_on), F(f"{prefix}planned_end_on")),
        ),
        default=F(f"{prefix}planned_end_on"),
    )


def _history(prefix):
    """A group's status changes in order, as "status YYYY-MM-DD" (the school's day)."""
    return ArraySubquery(
        MentorGroupStatusChange.objects.filter(group=OuterRef(f"{prefix}pk"))
        .order_by("changed_at", "pk")
        .values(change=Concat(F("to_status"), Value(" "), Cast(_local_day(), CharField())))
    )


def at_work(starts_on, planned_end_on, history):
    """The spans (first day, last day) a group was at work, from its start date and
    its status history: stopped by a pause, a completion or a dissolution, resumed
    by becoming active again after a pause."""
    spans, since = [], starts_on
    for change in history:
        status, day = change.split(" ")
        day = datetime.date.fromisoformat(day)
        if status in _STOPPED and since is not None:
            spans.append((since, day))
            since = None
        elif status == MentorGroup.Status.ACTIVE and since is None:
            since = max(day, starts_on)
    if since is not None:
        spans.append((since, planned_end_on))
    return spans


def _of_school(prefix, school_id):
    """A group of the school, or a network pair the school is a partner in."""
    return Q(**{f"{prefix}school_id": school_id}) | Q(**{f"{prefix}partner_school_id": school_id})


def _month_evidence(rows, *, start, end, label):
    for row in rows:
        counted = months_in(at_work(row["starts_on"], row["planned_end_on"], row["history"]), start=start, end=end)
        if counted:
            yield Evidence(
                staff_id=row["staff_id"],
                units=Decimal(len(counted)),
                label=label(row),
                on=max(row["starts_on"], start),
                url=reverse("mentoring:group_detail", args=[row["group_id"]]),
            )


def curator_months(*, school_id, start, end):
    """Months the school's people curated a pair or triad at work."""
    rows = (
        MentorGroup.objects.worked()
        .filter(_of_school("", school_id), curator__school_id=school_id, starts_on__lte=end)
        .annotate(ends_on=_span_end(""))
        .filter(ends_on__gte=start)
        .values("kind", "starts_on", "planned_end_on", staff_id=F("curator_id"), group_id=F("pk"), history=_history(""))
        .order_by("pk")
    )
    return list(
        _month_evidence(
            rows,
            start=start,
            end=end,
            label=lambda row: _("Curator of %(group)s") % {"group": group_name(row["kind"], row["group_id"])},
        )
    )


_ROLE_LABELS = {
    MentorGroupMember.Role.MENTOR: gettext_lazy("Mentor in %(group)s"),
    MentorGroupMember.Role.MENTEE: gettext_lazy("Mentee in %(group)s"),
    MentorGroupMember.Role.PEER: gettext_lazy("Peer in %(group)s"),
}


def member_months(*, school_id, start, end, role):
    """Months the school's people were members of a pair or triad at work in `role`."""
    rows = (
        MentorGroupMember.objects.filter(
            _of_school("group__", school_id),
            group__in=MentorGroup.objects.worked().values("pk"),
            role=role,
            staff__school_id=school_id,
            group__starts_on__lte=end,
        )
        .annotate(ends_on=_span_end("group__"))
        .filter(ends_on__gte=start)
        .values(
            "staff_id",
            "group_id",
            kind=F("group__kind"),
            starts_on=F("group__starts_on"),
            planned_end_on=F("group__planned_end_on"),
            history=_history("group__"),
        )
        .order_by("group_id", "staff_id")
    )
    label = _ROLE_LABELS[role]
    return list(
        _month_evidence(
            rows,
            start=start,
            end=end,
            label=lambda row: str(label) % {"group": group_name(row["kind"], row["group_id"])},
        )
    )


def network_results(*, school_id, start, end):
    """A network pair's results, one for each of its members of the school, on the
    day the result was presented (put on the pair's page)."""
    rows = (
        NetworkPairResult.objects.filter(group__partner_school__isnull=False)
        .filter(_of_school("group__", school_id))
        .annotate(
            staff_id=F("group__members__staff_id"),
            staff_school_id=F("group__members__staff__school_id"),
            on=LocalDate(F("created_at"), F("group__members__staff__school__time_zone")),
        )
        .filter(staff_school_id=school_id, on__range=(start, end))
        .values("staff_id", "group_id", "on", "title", "year", "quarter", kind=F("group__kind"))
        .order_by("on", "pk", "staff_id")
    )
    return [
        Evidence(
            staff_id=row["staff_id"],
            units=one(),
            label=_("%(title)s: result of %(group)s for quarter %(quarter)s of %(year)s")
            % {
                "title": quoted(row["title"]),
                "group": group_name(row["kind"], row["group_id"]),
                "quarter": row["quarter"],
                "year": row["year"],
            },
            on=row["on"],
            url=reverse("mentoring:group_detail", args=[row["group_id"]]),
        )
        for row in rows
    ]


_ROLE_READS = _SPAN_READS | {
    "mentoring.MentorGroupMember.group",
    "mentoring.MentorGroupMember.staff",
    "mentoring.MentorGroupMember.role",
}


def _role_indicator(role, label, order):
    """Months in a pair or triad at work in one member's role."""
    return Indicator(
        key=f"mentoring.months_as_{role}",
        label=label,
        unit=gettext_lazy("months"),
        reads=_ROLE_READS,
        compute=functools.partial(member_months, role=MentorGroupMember.Role(role)),
        order=order,
    )


INDICATORS = (
    Indicator(
        key="mentoring.months_as_curator",
        label=gettext_lazy("Months as curator of a pair or triad at work"),
        unit=gettext_lazy("months"),
        reads=_SPAN_READS | {"mentoring.MentorGroup.curator"},
        compute=curator_months,
        order=10,
    ),
    _role_indicator("mentor", gettext_lazy("Months as mentor in a pair or triad at work"), 11),
    _role_indicator("mentee", gettext_lazy("Months as mentee in a pair or triad at work"), 12),
    _role_indicator("peer", gettext_lazy("Months as peer in a triad at work"), 13),
    Indicator(
        key="mentoring.network_results",
        label=gettext_lazy("Results of network pairs presented"),
        unit=gettext_lazy("results"),
        reads=frozenset(
            {
                "mentoring.NetworkPairResult.group",
                "mentoring.NetworkPairResult.title",
                "mentoring.NetworkPairResult.year",
                "mentoring.NetworkPairResult.quarter",
                "mentoring.NetworkPairResult.created_at",
                "mentoring.MentorGroup.school",
                "mentoring.MentorGroup.partner_school",
                "mentoring.MentorGroup.kind",
                "mentoring.MentorGroupMember.group",
                "mentoring.MentorGroupMember.staff",
                "staff.StaffMember.school",
                "accounts.School.time_zone",
            }
        ),
        compute=network_results,
        order=60,
    ),
)
