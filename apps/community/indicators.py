"""Indicators of collective work kept by the community app (apps.core.indicators):
materials shared with colleagues, and comments their authors marked as helpful."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.indicator_rules import LocalDate, one
from apps.core.indicators import Evidence, Indicator
from apps.core.tenancy import Circle
from apps.core.typography import quoted

from .models import Material, MaterialComment


def materials_shared(*, school_id, start, end):
    """The school's people's own materials shared beyond their author (a draft, or a
    material taken back to a draft, does not count), on the day first shared."""
    rows = (
        Material.objects.filter(school_id=school_id, author__school_id=school_id, published_at__isnull=False)
        .exclude(circle=Circle.DRAFT)
        .annotate(on=LocalDate(F("published_at"), F("author__school__time_zone")))
        .filter(on__range=(start, end))
        .values("pk", "author_id", "title", "on")
        .order_by("on", "pk")
    )
    return [
        Evidence(
            staff_id=row["author_id"],
            units=one(),
            label=_("Material %(title)s shared") % {"title": quoted(row["title"])},
            on=row["on"],
            url=reverse("community:material_detail", args=[row["pk"]]),
        )
        for row in rows
    ]


def comments_helped(*, school_id, start, end):
    """Comments on a colleague's material that its author marked as helpful, on the
    day marked. A comment on one's own material never counts."""
    rows = (
        MaterialComment.objects.filter(school_id=school_id, author__school_id=school_id, helped_at__isnull=False)
        .exclude(author_id=F("material__author_id"))
        .annotate(on=LocalDate(F("helped_at"), F("author__school__time_zone")))
        .filter(on__range=(start, end))
        .values("pk", "author_id", "material_id", "on", title=F("material__title"))
        .order_by("on", "pk")
    )
    return [
        Evidence(
            staff_id=row["author_id"],
            units=one(),
            label=_("Comment on %(title)s marked as helpful") % {"title": quoted(row["title"])},
            on=row["on"],
            url=reverse("community:material_detail", args=[row["material_id"]]),
        )
        for row in rows
    ]


INDICATORS = (
    Indicator(
        key="community.materials_shared",
        label=gettext_lazy("Materials shared with colleagues"),
        unit=gettext_lazy("materials"),
        reads=frozenset(
            {
                "community.Material.school",
                "community.Material.author",
                "community.Material.circle",
                "community.Material.published_at",
                "community.Material.title",
                "staff.StaffMember.school",
                "accounts.School.time_zone",
            }
        ),
        compute=materials_shared,
        order=70,
    ),
    Indicator(
        key="community.comments_helped",
        label=gettext_lazy("Comments on colleagues' materials marked as helpful"),
        unit=gettext_lazy("comments"),
        reads=frozenset(
            {
                "community.MaterialComment.school",
                "community.MaterialComment.author",
                "community.MaterialComment.material",
                "community.MaterialComment.helped_at",
                "community.Material.author",
                "community.Material.title",
                "staff.StaffMember.school",
                "accounts.School.time_zone",
            }
        ),
        compute=comments_helped,
        order=71,
    ),
)
