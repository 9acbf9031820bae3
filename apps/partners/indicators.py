"""Indicators of collective work kept by the partners app (apps.core.indicators):
the joint activities with partners a teacher was responsible for."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.indicator_rules import one
from apps.core.indicators import Evidence, Indicator
from apps.core.typography import quoted

from .models import JointActivity


def activities_responsible(*, school_id, start, end):
    """Joint activities of the school held in the period, for their responsible
    teacher, on the day they started."""
    rows = (
        JointActivity.objects.filter(
            school_id=school_id,
            status=JointActivity.Status.HELD,
            starts_on__range=(start, end),
            responsible__school_id=school_id,
        )
        .values("pk", "title", "starts_on", "responsible_id")
        .order_by("starts_on", "pk")
    )
    # Joint activities have no page of their own: the list of that day's activities shows it.
    activity_list = reverse("partners:activity_list")
    return [
        Evidence(
            staff_id=row["responsible_id"],
            units=one(),
            label=_("Joint activity %(title)s with partners") % {"title": quoted(row["title"])},
            on=row["starts_on"],
            url=f"{activity_list}?{urlencode({'start': row['starts_on'], 'end': row['starts_on']})}",
        )
        for row in rows
    ]


INDICATORS = (
    Indicator(
        key="partners.activities_responsible",
        label=gettext_lazy("Joint activities with partners as the responsible teacher"),
        unit=gettext_lazy("activities"),
        reads=frozenset(
            {
                "partners.JointActivity.school",
                "partners.JointActivity.status",
                "partners.JointActivity.starts_on",
                "partners.JointActivity.title",
                "partners.JointActivity.responsible",
                "staff.StaffMember.school",
            }
        ),
        compute=activities_responsible,
        order=50,
    ),
)
