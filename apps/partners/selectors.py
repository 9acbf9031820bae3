"""Reads of the social partnership, scoped to a school, in a fixed number of queries."""

import datetime
import functools
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.choices import choice_labels
from apps.core.dates import academic_year_bounds, school_today
from apps.core.json_rows import JSONRow, row_columns, row_objects, set_prefetched
from apps.core.links import row_link
from apps.core.paging import prepared_page
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.search import search_words
from apps.core.typography import quoted
from apps.staff.models import StaffMember

from .markup import activity_card_html, card_words, partner_row_html
from .models import Agreement, JointActivity, PartnerContact, PartnerDirection, PartnerOrganisation, StageChange

EXPIRY_DAYS = 60


class AgreementStatus:
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NONE = "none"


def direction_list(*, school):
    return PartnerDirection.objects.for_school(school).order_by("name", "pk")


def partner_status_values(on):
    """The values a prepared query built on `partner_queryset(on=Param("on"),
    expiring_until=Param("expiring_until"))` runs with for the date `on`."""
    return {"on": on, "expiring_until": _expiring_until(on)}


def _expiring_until(on):
    # An agreement ending within EXPIRY_DAYS of today is expiring.
    return on + datetime.timedelta(days=EXPIRY_DAYS)


def partner_queryset(*, school, on=None, expiring_until=None):
    """The school's partners with the end of their latest agreement, its status
    (active / expiring within 60 days / expired / none) and the number of joint
    activities, all computed in SQL. A prepared query passes `on` and
    `expiring_until` as Params (their values: `partner_status_values`)."""
    on = on or school_today(school)
    if expiring_until is None:
        expiring_until = _expiring_until(on)
    latest_until = Agreement.objects.filter(partner=OuterRef("pk")).order_by("-valid_until").values("valid_until")[:1]
    activities = (
        JointActivity.partners.through.objects.filter(partnerorganisation_id=OuterRef("pk"))
        .order_by()
        .values("partnerorganisation_id")
        .annotate(n=Count("jointactivity_id"))
        .values("n")
    )
    return (
        PartnerOrganisation.objects.for_school(school)
        .select_related("direction")
        .annotate(
            agreement_until=Subquery(latest_until),
            activities_count=Coalesce(Subquery(activities, output_field=IntegerField()), 0),
        )
        .annotate(
            agreement_status=Case(
                When(agreement_until__isnull=True, then=Value(AgreementStatus.NONE)),
                When(agreement_until__lt=on, then=Value(AgreementStatus.EXPIRED)),
                When(
                    agreement_until__lte=expiring_until,
                    then=Value(AgreementStatus.EXPIRING),
                ),
                default=Value(AgreementStatus.ACTIVE),
                output_field=CharField(),
            )
        )
    )


def partner_list(*, school, on=None, direction=None, kind="", stage="", agreement="", query="", active=True):
    """The registry with its filters. Each filter is optional; `query` searches
    name, address and notes word by word."""
    partners = partner_queryset(school=school, on=on)
    if direction is not None:
        partners = partners.filter(direction=direction)
    if kind:
        partners = partners.filter(kind=kind)
    if stage:
        partners = partners.filter(stage=stage)
    if agreement:
        partners = partners.filter(agreement_status=agreement)
    if active is not None:
        partners = partners.filter(is_active=active)
    return partners_matching(partners, search_words(query)).order_by("name", "pk")


def partners_matching(partners, words):
    """The partners whose name, address or notes contain each of `words`."""
    for word in words:
        partners = partners.filter(Q(name__icontains=word) | Q(address__icontains=word) | Q(notes__icontains=word))
    return partners


def _teacher_full_names():
    """The names of an activity's teachers (StaffMember.full_name, in the order of the
    staff list) as an array column: a prefetch would cost a query and its machinery."""
    # The separator is written into the SQL: a space as a parameter would be refused by
    # a prepared query (apps.core.prepared), which cannot tell it from a varying label.
    name = Func(
        NullIf("last_name", Value("")),
        NullIf("first_name", Value("")),
        NullIf("patronymic", Value("")),
        template="CONCAT_WS(' ', %(expressions)s)",
        output_field=CharField(),
    )
    return ArraySubquery(
        StaffMember.objects.filter(partner_activities=OuterRef("pk"))
        .order_by("last_name", "first_name", "pk")
        .values_list(name)
    )


def _activity_rows(*, school):
    """Joint activities with what their cards show but their partners."""
    return (
        JointActivity.objects.for_school(school)
        .select_related("responsible", "problem_day")
        .annotate(teacher_full_names=_teacher_full_names())
    )


# The order of an activity's partners on its card.
_PARTNER_ORDER = ("name", "pk")


def activity_queryset(*, school):
    """Joint activities with their partners and `teacher_full_names`."""
    return _activity_rows(school=school).prefetch_related(
        Prefetch("partners", queryset=PartnerOrganisation.objects.order_by(*_PARTNER_ORDER))
    )


@prepared_query
def _partners_of_activities():
    # The prefetch of `activity_queryset` for the activities `ids`, each row with its `activity_pk`.
    return (
        PartnerOrganisation.objects.filter(activities__pk__any=ParamList("ids"))
        .annotate(activity_pk=F("activities__pk"))
        .order_by(*_PARTNER_ORDER)
    )


def _attach_partners(activities):
    """`activity.partners.all()` of each of `activities` (of a prepared query), as
    `activity_queryset` prefetches them: one query, compiled once per process."""
    if not activities:
        return activities
    found = {activity.pk: [] for activity in activities}
    for partner in _partners_of_activities.rows(ids=list(found)):
        found[partner.activity_pk].append(partner)
    for activity in activities:
        set_prefetched(activity, "partners", PartnerOrganisation, found[activity.pk], using=activity._state.db)
    return activities


def _linked_ids(relation):
    field = JointActivity._meta.get_field(relation)
    through = field.remote_field.through
    return ArraySubquery(
        through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")}).values(field.m2m_reverse_name())
    )


@functools.cache
def _activity_linked_ids():
    """Built once per process: each query resolves its own copy."""
    return {"partner_ids": _linked_ids("partners"), "teacher_ids": _linked_ids("teachers")}


def activity_edit_queryset(*, school):
    """An activity to correct, with the ids of its partners and teachers (the
    form's ticks) as array columns: the form reading them would cost two queries
    of whole rows. See `activity_linked_known`."""
    return JointActivity.objects.for_school(school).select_related("responsible").annotate(**_activity_linked_ids())


@prepared_query
def _partner_of_school():
    return PartnerOrganisation.objects.for_school(Param("school_id")).filter(pk=Param("pk"))


def partner_of_school(*, school, pk):
    """The partner `pk` of `school` (a plain row), or None."""
    return _partner_of_school.first(school_id=school.pk, pk=pk)


@prepared_query
def _activity_to_edit():
    return activity_edit_queryset(school=Param("school_id")).filter(pk=Param("pk"))


def activity_to_edit(*, school, pk):
    """The activity `pk` of `school` as `activity_edit_queryset` gives it, or None
    (a prepared query: its array columns cost a compile of their own)."""
    return _activity_to_edit.first(school_id=school.pk, pk=pk)


def activity_linked_known(activity):
    """`activity.partners.all()` and `.teachers.all()` answered from the ids read by
    `activity_edit_queryset` (objects with only their id: the form needs no more)."""
    for relation, ids in (("partners", activity.partner_ids), ("teachers", activity.teacher_ids)):
        model = JointActivity._meta.get_field(relation).related_model
        set_prefetched(activity, relation, model, [model.from_db(activity._state.db, ("id",), (pk,)) for pk in ids])
    return activity


def partner_detail_queryset(*, school):
    """The partner page: contacts, agreements, stage history and the timeline of
    joint activities (latest first; their cards there do not list the partners).
    The agreement's status: `partner_agreement_status`."""
    return _partner_page_rows(school=school).prefetch_related(Prefetch("activities", queryset=_timeline(school=school)))


def _timeline(*, school):
    return _activity_rows(school=school).order_by("-starts_on", "-pk")


def _partner_page_rows(*, school):
    partners = PartnerPageQuerySet(PartnerOrganisation).for_school(school)
    return partners.select_related("direction").annotate(**_partner_arrays())


@prepared_query
def _partner_page():
    return _partner_page_rows(school=Param("school_id")).filter(pk=Param("pk"))


@prepared_query
def _partner_timeline():
    return _timeline(school=Param("school_id")).filter(partners__pk=Param("partner_id"))


def partner_page(*, school, pk):
    """The partner `pk` of `school` as `partner_detail_queryset` gives it (or None),
    from two prepared queries: the partner with its array columns, and its timeline."""
    partner = _partner_page.first(school_id=school.pk, pk=pk)
    if partner is not None:
        timeline = _partner_timeline.rows(school_id=school.pk, partner_id=partner.pk)
        set_prefetched(partner, "activities", JointActivity, timeline, using=partner._state.db)
    return partner


# The partner page's contacts, agreements and stage history come as array columns
# of the partner's query, read back into model objects as if prefetched
# (`partner.contacts.all()` reads no more): three prefetches cost three queries
# and their compile. annotation: (relation, model, ordering).
_PARTNER_ARRAYS = {
    "contact_rows": ("contacts", PartnerContact, ("name", "pk")),
    "agreement_rows": ("agreements", Agreement, ("-valid_until", "-pk")),
    "stage_rows": ("stage_changes", StageChange, ("-changed_on", "-pk")),
}
# Who changed a stage: the page shows their name or e-mail.
_CHANGED_BY_FIELDS = ("id", "first_name", "last_name", "patronymic", "email")


@functools.cache
def _changed_by_columns():
    return row_columns(StageChange._meta.get_field("changed_by").related_model, _CHANGED_BY_FIELDS)


@functools.cache
def _partner_arrays():
    """The array columns (built once per process: each query resolves its own copy)."""
    arrays = {}
    for annotation, (_relation, model, order) in _PARTNER_ARRAYS.items():
        columns = {name: name for name in row_columns(model)}
        if model is StageChange:
            columns |= {f"changed_by__{name}": f"changed_by__{name}" for name in _changed_by_columns()}
        arrays[annotation] = ArraySubquery(
            model.objects.filter(partner=OuterRef("pk")).order_by(*order).values(row=JSONRow(**columns))
        )
    return arrays


class PartnerPageQuerySet(type(PartnerOrganisation.objects.all())):
    """Partners that come with the relations read as array columns (see `_PARTNER_ARRAYS`)."""

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and isinstance(self._result_cache[0], PartnerOrganisation):
            for partner in self._result_cache:
                for annotation, (relation, model, _order) in _PARTNER_ARRAYS.items():
                    rows = partner.__dict__.get(annotation)
                    if rows is not None:
                        _attach_partner_rows(partner, relation, model, rows, self.db)


def _attach_partner_rows(partner, relation, model, rows, using):
    objects = row_objects(model, rows, names=row_columns(model), using=using)
    user_model = StageChange._meta.get_field("changed_by").related_model
    for item, row in zip(objects, rows, strict=True):
        item._state.fields_cache["partner"] = partner
        if model is StageChange:
            item._state.fields_cache["changed_by"] = (
                row_objects(user_model, [row], names=_changed_by_columns(), prefix="changed_by__", using=using)[0]
                if row["changed_by_id"] is not None
                else None
            )
    set_prefetched(partner, relation, model, objects, using=using)


def agreement_status(until, *, on):
    """As partner_queryset's `agreement_status`, for an agreement ending `until` (None: none)."""
    if until is None:
        return AgreementStatus.NONE
    if until < on:
        return AgreementStatus.EXPIRED
    if until <= _expiring_until(on):
        return AgreementStatus.EXPIRING
    return AgreementStatus.ACTIVE


def partner_agreement_status(partner, *, on):
    """The status of a partner of partner_detail_queryset, from its prefetched
    agreements (latest end first): no subqueries in the page's query."""
    latest = next(iter(partner.agreements.all()), None)
    partner.agreement_until = latest.valid_until if latest else None
    partner.agreement_status = agreement_status(partner.agreement_until, on=on)
    return partner


def partner_page_links(partner):
    """The links of the rows of a partner's page (contacts and agreements)."""
    contact_edit, contact_delete = row_link("partners:contact_edit"), row_link("partners:contact_delete")
    scan, agreement_edit = row_link("partners:agreement_scan"), row_link("partners:agreement_edit")
    for contact in partner.contacts.all():
        contact.edit_url, contact.delete_url = contact_edit(pk=contact.pk), contact_delete(pk=contact.pk)
    for agreement in partner.agreements.all():
        agreement.scan_url = scan(pk=agreement.pk) if agreement.scan else ""
        agreement.edit_url = agreement_edit(pk=agreement.pk)
    return partner


def activity_cards(activities, *, user, can_manage, with_partners=True):
    """Joint activities, each with what its card shows, worked out once here
    rather than per card in the template: labels, period, links, the teachers'
    names and (`edit_url`) whether `user` may correct it: a manager, or the
    responsible teacher."""
    partner_link, day_link = row_link("partners:partner_detail"), row_link("problemdays:day_detail")
    file_link, edit_link = row_link("partners:activity_file"), row_link("partners:activity_edit")
    statuses, kinds = choice_labels(JointActivity, "status"), choice_labels(JointActivity, "kind")
    mechanisms = choice_labels(JointActivity, "mechanism")
    words = card_words()
    cards = list(activities)
    for activity in cards:
        ends = f" – {activity.ends_on:%d.%m.%Y}" if activity.ends_on else ""
        activity.period_text = f"{activity.starts_on:%d.%m.%Y}{ends}"
        activity.status_label = statuses.get(activity.status, activity.status)
        activity.kind_label = kinds.get(activity.kind, activity.kind)
        activity.mechanism_label = mechanisms.get(activity.mechanism, activity.mechanism) if activity.mechanism else ""
        day = activity.problem_day
        activity.problem_day_url = day_link(pk=day.pk) if day else ""
        activity.problem_day_title = quoted(day) if day else ""
        activity.file_url = file_link(pk=activity.pk) if activity.product_file else ""
        activity.teacher_names = ", ".join(activity.teacher_full_names)
        mine = activity.responsible.user_id == user.pk
        activity.edit_url = edit_link(pk=activity.pk) if can_manage or mine else ""
        if with_partners:
            for partner in activity.partners.all():
                partner.url = partner_link(pk=partner.pk)
        activity.card_html = activity_card_html(activity, words=words, show_partners=with_partners)
    return cards


AGREEMENT_BADGES = {
    AgreementStatus.ACTIVE: ("text-bg-success", _("agreement in force")),
    AgreementStatus.EXPIRING: ("text-bg-warning", _("agreement expiring")),
    AgreementStatus.EXPIRED: ("text-bg-secondary", _("agreement expired")),
    AgreementStatus.NONE: ("text-bg-light border", _("no agreement")),
}


def partner_labels(partner, *, kinds=None, stages=None):
    """A partner's agreement badge and labels, worked out once here rather than in
    the template (`kinds`, `stages`: the choices' labels, when a list has them)."""
    kinds = kinds or choice_labels(PartnerOrganisation, "kind")
    stages = stages or choice_labels(PartnerOrganisation, "stage")
    partner.badge_class, partner.badge_label = AGREEMENT_BADGES[partner.agreement_status]
    partner.kind_label = kinds.get(partner.kind, partner.kind)
    partner.stage_label = stages.get(partner.stage, partner.stage)
    partner.direction_name = (partner.direction.name if partner.direction else "") or _("no direction")
    return partner


def partner_rows(partners):
    """The registry's rows, each with its link, labels and count of joint activities."""
    detail = row_link("partners:partner_detail")
    kinds, stages = choice_labels(PartnerOrganisation, "kind"), choice_labels(PartnerOrganisation, "stage")
    activities = {}
    rows = list(partners)
    for partner in rows:
        partner_labels(partner, kinds=kinds, stages=stages)
        partner.url = detail(pk=partner.pk)
        count = partner.activities_count
        if count not in activities:
            activities[count] = ngettext("%(count)s joint activity", "%(count)s joint activities", count) % {
                "count": count
            }
        partner.activities_text = activities[count]
        partner.row_html = partner_row_html(partner)
    return rows


def activity_list(*, school, start=None, end=None, status=""):
    """Joint activities that touch the period [start, end] (either may be open)."""
    return _in_period(activity_queryset(school=school), start=start, end=end, status=status).order_by("starts_on", "pk")


def _in_period(activities, *, start, end, status):
    if start:
        activities = activities.filter(Q(ends_on__gte=start) | Q(ends_on__isnull=True, starts_on__gte=start))
    if end:
        activities = activities.filter(starts_on__lte=end)
    if status:
        activities = activities.filter(status=status)
    return activities


@prepared_query
def _activity_list_rows(*, start=False, end=False, status=False):
    rows = _in_period(
        _activity_rows(school=Param("school_id")),
        start=Param("start") if start else None,
        end=Param("end") if end else None,
        status=Param("status") if status else None,
    )
    return rows.order_by("starts_on", "pk").annotate(total_count=Window(Count("*")))


def activity_list_page(*, school, start, end, status, number, per_page):
    """A page of `activity_list` (from a prepared query), its partners attached."""
    given = {"start": start, "end": end, "status": status}
    page = prepared_page(
        _activity_list_rows,
        number=number,
        per_page=per_page,
        shape={name: bool(value) for name, value in given.items()},
        school_id=school.pk,
        **{name: value for name, value in given.items() if value},
    )
    _attach_partners(page.object_list)
    return page


def my_activities(*, school, user):
    """Activities where the user's card is responsible or among the teachers."""
    return _mine(activity_queryset(school=school), user.pk).order_by("-starts_on", "-pk")


def _mine(activities, user_id):
    mine = JointActivity.teachers.through.objects.filter(jointactivity_id=OuterRef("pk"), staffmember__user_id=user_id)
    return activities.filter(Q(responsible__user_id=user_id) | Exists(mine))


@prepared_query
def _my_activity_rows():
    rows = _mine(_activity_rows(school=Param("school_id")), Param("user_id"))
    return rows.order_by("-starts_on", "-pk").annotate(total_count=Window(Count("*")))


def my_activities_page(*, school, user, number, per_page):
    """A page of `my_activities` (from a prepared query), its partners attached."""
    page = prepared_page(_my_activity_rows, number=number, per_page=per_page, school_id=school.pk, user_id=user.pk)
    _attach_partners(page.object_list)
    return page


def agreements_expiring(*, on, days=EXPIRY_DAYS, school=None):
    """Agreements of active partners ending within `days` of `on` (both days
    included) that no later agreement of the same partner replaces. Used by the
    list page and by the notifications sweep (all schools when `school` is None)."""
    renewed = Agreement.objects.filter(partner=OuterRef("partner"), valid_until__gt=OuterRef("valid_until"))
    agreements = Agreement.objects.filter(
        valid_until__gte=on, valid_until__lte=on + datetime.timedelta(days=days), partner__is_active=True
    ).filter(~Exists(renewed))
    if school is not None:
        agreements = agreements.for_school(school)
    return agreements.select_related("partner", "partner__school").order_by("valid_until", "pk")


def agreement_rows(agreements):
    """The expiring agreements' rows, each with its partner's link, end date and a short subject."""
    detail = row_link("partners:partner_detail")
    rows = list(agreements)
    for agreement in rows:
        agreement.partner_url = detail(pk=agreement.partner_id)
        agreement.until_text = f"{agreement.valid_until:%d.%m.%Y}"
        agreement.subject_short = Truncator(agreement.subject).chars(80)
    return rows


@dataclass
class DirectionRow:
    direction: object  # PartnerDirection or None for partners without one
    name: str
    partners: int
    activities: int
    registry_url: str = ""  # the registry filtered by the direction
    rename_url: str = ""


def directions_overview(*, school, year):
    """Partners (active) and joint activities (not cancelled, starting in the
    school year beginning 1 September `year`) per direction. Two queries; an
    activity with partners of two directions counts in each."""
    start, end = academic_year_bounds(year)
    in_year = Q(activities__school=school, activities__starts_on__gte=start, activities__starts_on__lte=end) & ~Q(
        activities__status=JointActivity.Status.CANCELLED
    )
    # Both figures of every direction (None: partners without one) in one grouped query.
    counts = {
        row["direction"]: (row["partners"], row["activities"])
        for row in PartnerOrganisation.objects.for_school(school)
        .order_by()
        .values("direction")
        .annotate(
            partners=Count("pk", filter=Q(is_active=True), distinct=True),
            activities=Count("activities", filter=in_year, distinct=True),
        )
    }
    registry, rename = reverse("partners:registry"), row_link("partners:direction_rename")
    rows = []
    for direction in direction_list(school=school).only("pk", "name"):
        partners, activities = counts.get(direction.pk, (0, 0))
        rows.append(
            DirectionRow(
                direction=direction,
                name=direction.name,
                partners=partners,
                activities=activities,
                registry_url=f"{registry}?direction={direction.pk}",
                rename_url=rename(pk=direction.pk),
            )
        )
    partners, activities = counts.get(None, (0, 0))
    if partners or activities:
        rows.append(DirectionRow(None, "", partners, activities))
    return rows
