"""Reads of the collective-work rating, each a fixed number of queries whatever the
school's size. Sheets come by name, never by points: nothing here ranks people."""

import collections
import dataclasses
from decimal import Decimal

from django.db.models import Count, Q, Subquery, Sum

from apps.accounts.capabilities import roles_with
from apps.accounts.models import Membership, User
from apps.core.indicators import INDICATORS
from apps.core.prepared import Param, prepared_query
from apps.core.shares import disclosed, disclosure_note
from apps.core.tenure import present_during
from apps.staff.models import StaffMember

from .models import (
    CommissionMember,
    Criterion,
    EvidenceItem,
    ManualEntry,
    PeriodCriterion,
    RatingPeriod,
    Remark,
    Sheet,
    SheetLine,
)
from .points import ZERO


def criteria_of_school(*, school):
    return list(Criterion.objects.filter(school=school).order_by("position", "pk"))


def indicator_choices():
    """(key, label) of the catalogue, in its order."""
    return [(indicator.key, str(indicator.label)) for indicator in INDICATORS.ordered()]


def _managers(*, school):
    """The school's accounts on the commission by capability (`ratings.manage`)."""
    return Membership.objects.filter(school=school, roles__overlap=roles_with("ratings.manage"), user__is_active=True)


def commission_of_school(*, school):
    """The named members still at the school (with their cards) and the accounts on it
    by capability: the commission's page."""
    seats = list(CommissionMember.objects.filter(school=school).select_related("staff"))
    # Who left keeps the seat's row (off the commission until they come back): shown apart,
    # so the school removes it or knows a return restores it.
    members = [seat for seat in seats if seat.staff.is_active]
    departed = [seat for seat in seats if not seat.staff.is_active]
    managers = list(
        _managers(school=school).select_related("user").order_by("user__last_name", "user__first_name", "pk")
    )
    return {"members": members, "departed": departed, "managers": [membership.user for membership in managers]}


def commission_users(*, school):
    """The commission's accounts, told of remarks: the holders of `ratings.manage` and the
    named members still at the school."""
    managers = _managers(school=school).values("user")
    named = CommissionMember.objects.filter(school=school).serving().values("staff__user")
    return list(User.objects.filter(Q(pk__in=managers) | Q(pk__in=named), is_active=True).order_by("pk"))


def commission_names(*, school):
    """The commission's names for the protocol, by surname: a registry card's full name
    where the account has one in the school, else the account's name."""
    users = commission_users(school=school)
    cards = {
        card.user_id: card.full_name
        for card in StaffMember.objects.filter(school=school, user__in=users, is_active=True).order_by("pk")
    }
    names = {cards.get(user.pk) or user.get_full_name() or user.email for user in users}
    return sorted(names, key=str.lower)


def people_of_period(*, period):
    """Who gets a sheet, and about whom the commission may make an entry: the school's
    staff at work during the period (`apps.core.tenure`), by name."""
    return StaffMember.objects.filter(
        present_during(period.starts_on, period.ends_on), school_id=period.school_id
    ).order_by("last_name", "first_name", "patronymic", "pk")


def periods_of_school(*, school):
    """The school's periods, newest first, with their counts of sheets and open remarks."""
    return list(
        RatingPeriod.objects.filter(school=school).annotate(
            sheet_count=Count("sheets", distinct=True),
            remarks_open=Count("remarks", filter=Q(remarks__answered_at__isnull=True), distinct=True),
        )
    )


@dataclasses.dataclass
class ProtocolRow:
    sheet_id: int
    staff_id: int
    name: str
    points: list  # one Decimal per criterion, in the criteria's order
    total: Decimal


@dataclasses.dataclass
class Protocol:
    """The table of teachers × criteria of a period, by name: the commission's document,
    drawn the same on the period page, in the XLSX and in the PDF."""

    period: RatingPeriod
    criteria: list
    rows: list
    totals: list  # per criterion
    total: Decimal

    @property
    def commission(self):
        return [name for name in self.period.commission_names.splitlines() if name.strip()]


@prepared_query
def _period_criteria():
    return PeriodCriterion.objects.filter(period_id=Param("period_id")).order_by("position", "pk")


@prepared_query
def _period_sheets():
    return Sheet.objects.filter(period_id=Param("period_id")).order_by("staff_name", "pk")


@prepared_query
def _period_points():
    return SheetLine.objects.filter(period_id=Param("period_id")).values_list("sheet_id", "criterion_id", "points")


def protocol(*, period):
    """Three prepared queries: the criteria copies, the sheets, their lines' points."""
    criteria = _period_criteria.rows(period_id=period.pk)
    sheets = _period_sheets.rows(period_id=period.pk)
    points = {
        (sheet_id, criterion_id): value for sheet_id, criterion_id, value in _period_points.rows(period_id=period.pk)
    }
    rows = [
        ProtocolRow(
            sheet_id=sheet.pk,
            staff_id=sheet.staff_id,
            name=sheet.staff_name,
            points=[points.get((sheet.pk, c.pk), ZERO) for c in criteria],
            total=sheet.total,
        )
        for sheet in sheets
    ]
    totals = [sum((row.points[i] for row in rows), ZERO) for i in range(len(criteria))]
    return Protocol(period=period, criteria=criteria, rows=rows, totals=totals, total=sum(totals, ZERO))


@prepared_query
def _period_remarks():
    return (
        Remark.objects.filter(period_id=Param("period_id"))
        .select_related("sheet")
        .order_by("answered_at", "filed_at", "pk")
    )


def period_remarks(*, period):
    return _period_remarks.rows(period_id=period.pk)


@prepared_query
def _period_manual_entries():
    return (
        ManualEntry.objects.filter(period_id=Param("period_id"))
        .select_related("criterion", "staff")
        .order_by("on", "pk")
    )


def period_manual_entries(*, period):
    return _period_manual_entries.rows(period_id=period.pk)


@prepared_query
def _sheet_for_page():
    return Sheet.objects.filter(school_id=Param("school_id"), pk=Param("pk")).select_related("period", "staff")


def sheet_for_page(*, school, pk):
    """The school's sheet `pk` with its period and card, or None: one prepared query."""
    return _sheet_for_page.first(school_id=school.pk, pk=pk)


@prepared_query
def _sheet_lines():
    return (
        SheetLine.objects.filter(sheet_id=Param("sheet_id"))
        .select_related("criterion")
        .order_by("criterion__position", "criterion_id")
    )


@prepared_query
def _sheet_evidence():
    return EvidenceItem.objects.filter(line__sheet_id=Param("sheet_id")).order_by("on", "pk")


@prepared_query
def _sheet_remarks():
    return Remark.objects.filter(sheet_id=Param("sheet_id")).order_by("filed_at", "pk")


def sheet_detail(*, sheet):
    """The sheet's lines with their criteria and evidence (`line.items`, oldest first),
    and its remarks: three prepared queries (the page is opened by every teacher)."""
    lines = _sheet_lines.rows(sheet_id=sheet.pk)
    items = collections.defaultdict(list)
    for item in _sheet_evidence.rows(sheet_id=sheet.pk):
        items[item.line_id].append(item)
    for line in lines:
        line.items = items.get(line.pk, [])
    return {"lines": lines, "remarks": _sheet_remarks.rows(sheet_id=sheet.pk)}


def sheets_of_person(*, staff):
    """One's own sheets, newest period first, with the period (one query)."""
    if staff is None:
        return []
    return list(
        Sheet.objects.filter(staff=staff)
        .select_related("period")
        .annotate(remark_count=Count("remarks"))
        .order_by("-period__starts_on", "period__kind", "pk")
    )


@dataclasses.dataclass
class CriterionTotal:
    title: str
    people: int  # how many earned points by it
    points: Decimal | None  # None («—») when fewer than core.shares.SMALLEST_GROUP earned them


def school_totals_by_criterion(*, school):
    """The latest approved period's totals by criterion, for the participation dashboard:
    how many people earned points by each criterion, and the points, never a person's
    figure. One query; None when no period is approved."""
    latest = (
        RatingPeriod.objects.filter(school=school, status=RatingPeriod.Status.APPROVED)
        .order_by("-ends_on", "-pk")
        .values("pk")[:1]
    )
    rows = list(
        PeriodCriterion.objects.filter(period=Subquery(latest))
        .values("pk", "title", "position", "period__kind", "period__starts_on", "period__ends_on")
        .annotate(
            people=Count("lines", filter=Q(lines__points__gt=0)),
            points=Sum("lines__points"),
        )
        .order_by("position", "pk")
    )
    if not rows:
        return None
    first = rows[0]
    period = RatingPeriod(
        kind=first["period__kind"], starts_on=first["period__starts_on"], ends_on=first["period__ends_on"]
    )
    # One or two people's points would be their own sheet's line: shown as «—», and then the
    # total too, which would give the hidden figure back by difference.
    criteria = [
        CriterionTotal(row["title"], row["people"], disclosed(row["points"] or ZERO, people=row["people"]))
        for row in rows
    ]
    hidden = any(line.points is None for line in criteria)
    return {
        "period": period,
        "criteria": criteria,
        "total": None if hidden else sum((line.points for line in criteria), ZERO),
        "note": disclosure_note() if hidden else "",
    }
