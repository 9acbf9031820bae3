"""Reads of the staff registry, always scoped to one school.

Derived facts (current category, early-career, attestation due) are computed in
SQL, so lists filter and count by them without loading rows into Python.
"""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce

from apps.core.dates import add_months, add_years, school_today
from apps.core.json_rows import set_prefetched
from apps.core.prepared import Param, prepared_query

from .models import (
    EARLY_CAREER_YEARS,
    Achievement,
    CategoryAward,
    QualificationCategory,
    StaffMember,
    Subject,
    SubjectAssociation,
)


def staff_for_user(*, school, user):
    """The user's active card in this school, or None. A page reads it as
    `request.staff` (apps/staff/middleware.py), looked up once per request, by a
    prepared query (apps.core.prepared): its build and compile cost more than its run."""
    if school is None:
        return None
    return _staff_for_user.first(school_id=school.pk, user_id=user.pk)


@prepared_query
def _staff_for_user():
    # Asked on most signed-in pages: compiled once per process.
    return _card_of_user()


def staff_id_for_user(*, school, user):
    """The id of `staff_for_user`'s card, or None, for a page that needs only which card is the
    user's (no card object to build)."""
    if school is None:
        return None
    return _staff_id_for_user.first(school_id=school.pk, user_id=user.pk)


@prepared_query
def _staff_id_for_user():
    return _card_of_user().values_list("pk", flat=True)


def _card_of_user():
    # At most one row (`staff_one_record_per_user_and_school`); the order is what `.first()` gave.
    return (
        StaffMember.objects.for_school(Param("school_id"))
        .filter(user_id=Param("user_id"), is_active=True)
        .order_by(*StaffMember._meta.ordering)[:1]
    )


@prepared_query
def _staff_of_school():
    return StaffMember.objects.for_school(Param("school_id")).filter(pk=Param("pk"))


def staff_of_school(*, school, pk):
    """The card `pk` of `school` (a plain row), or None."""
    return _staff_of_school.first(school_id=school.pk, pk=pk)


@prepared_query
def school_subjects():
    """The school's subjects as `Subject.objects.for_school` lists them (`rows(school_id=...)`)."""
    return Subject.objects.for_school(Param("school_id")).order_by(*Subject._meta.ordering)


@prepared_query
def school_associations():
    """The school's associations as `SubjectAssociation.objects.for_school` lists them."""
    return SubjectAssociation.objects.for_school(Param("school_id")).order_by(*SubjectAssociation._meta.ordering)


def own_card_subquery(*, school, user):
    """The user's active card in this school as a subquery, for filters that must not
    pay a query of their own (the navbar's to-do badge): at most one row, by
    `staff_one_record_per_user_and_school`; NULL, matching nothing, without one."""
    return Subquery(StaffMember.objects.filter(school=school, user=user, is_active=True).values("pk")[:1])


def _award_in_force(on: datetime.date):
    """The awards in force on `on`, latest first: valid from `awarded_on` to `valid_until`,
    both days included."""
    return CategoryAward.objects.filter(staff=OuterRef("pk"), awarded_on__lte=on, valid_until__gte=on).order_by(
        "-awarded_on"
    )


def staff_derived_values(on: datetime.date):
    """The values a prepared query built on `staff_with_derived(on=Param("on"),
    early_career_since=Param("early_career_since"))` runs with for the date `on`."""
    return {"on": on, "early_career_since": _early_career_since(on)}


def _early_career_since(on):
    # Early-career: started teaching within the last EARLY_CAREER_YEARS, after this day.
    return add_years(on, -EARLY_CAREER_YEARS)


def staff_with_derived(*, school, on: datetime.date | None = None, award_details=False, early_career_since=None):
    """The school's staff with `current_category`, `category_valid_until` and
    `is_early_career` computed in SQL for the date `on` (today by default); with
    `award_details`, also the award's `category_awarded_on` and `category_order_number`
    (the export's columns: each is a subquery every page would compile and run).
    A prepared query passes `on` and `early_career_since` as Params (their values:
    `staff_derived_values`)."""
    on = on or school_today(school)
    in_force = _award_in_force(on)
    if early_career_since is None:
        early_career_since = _early_career_since(on)
    award = {
        "current_category": Coalesce(
            Subquery(in_force.values("category")[:1]), Value(QualificationCategory.NONE.value)
        ),
        "category_valid_until": Subquery(in_force.values("valid_until")[:1], output_field=DateField()),
    }
    if award_details:
        award["category_awarded_on"] = Subquery(in_force.values("awarded_on")[:1], output_field=DateField())
        award["category_order_number"] = Subquery(in_force.values("order_number")[:1])
    return (
        StaffMember.objects.for_school(school)
        .annotate(**award)
        .annotate(
            experience_years=Func(
                on if isinstance(on, Param) else Value(on, output_field=DateField()),
                F("teaching_since"),
                template="CAST(date_part('year', age(%(expressions)s)) AS integer)",
                output_field=IntegerField(),
            ),
            is_early_career=ExpressionWrapper(Q(teaching_since__gt=early_career_since), output_field=BooleanField()),
        )
    )


def _subject_names():
    """The names of a card's subjects in alphabetical order, as an array column."""
    return ArraySubquery(Subject.objects.filter(teachers=OuterRef("pk")).order_by("name").values("name"))


def staff_list(*, school, on=None, award_details=False, early_career_since=None):
    """The registry list in one query: each row with `subject_names`, the names of its
    subjects in alphabetical order (a prefetch would cost a second query and its machinery)."""
    return (
        staff_with_derived(school=school, on=on, award_details=award_details, early_career_since=early_career_since)
        .select_related("association")
        .annotate(subject_names=_subject_names())
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


# The order of a card's history: its categories and its achievements.
_AWARD_ORDER = ("-awarded_on",)
_ACHIEVEMENT_ORDER = ("-date", "pk")


def staff_detail(*, school):
    """Staff cards with `subject_names` and their history prefetched; the view picks one by id."""
    return _card_rows(school=school).prefetch_related(
        Prefetch("category_awards", queryset=CategoryAward.objects.order_by(*_AWARD_ORDER)),
        Prefetch("achievements", queryset=Achievement.objects.order_by(*_ACHIEVEMENT_ORDER)),
    )


def _card_rows(*, school, on=None, early_career_since=None):
    return (
        staff_with_derived(school=school, on=on, early_career_since=early_career_since)
        .select_related("association", "user")
        .annotate(subject_names=_subject_names())
    )


@prepared_query
def _card():
    rows = _card_rows(school=Param("school_id"), on=Param("on"), early_career_since=Param("early_career_since"))
    return rows.select_related("erasure").filter(pk=Param("pk"))


@prepared_query
def _card_awards():
    return CategoryAward.objects.filter(staff_id=Param("staff_id")).order_by(*_AWARD_ORDER)


@prepared_query
def _card_achievements():
    return Achievement.objects.filter(staff_id=Param("staff_id")).order_by(*_ACHIEVEMENT_ORDER)


def staff_card(*, school, pk, on):
    """The card `pk` of `school` as `staff_detail` gives it on the day `on`, with its
    `erasure` (or None): three prepared queries, the history as if prefetched."""
    card = _card.first(school_id=school.pk, pk=pk, **staff_derived_values(on))
    if card is not None:
        for relation, model, query in (
            ("category_awards", CategoryAward, _card_awards),
            ("achievements", Achievement, _card_achievements),
        ):
            rows = query.rows(staff_id=card.pk)
            for row in rows:
                row._state.fields_cache["staff"] = card
            set_prefetched(card, relation, model, rows, using=card._state.db)
    return card


def staff_attestations_due(*, school, on=None, months=6):
    """Active staff whose category in force runs out within `months` from `on`.

    A teacher already re-attested (a newer award in force past the window) does
    not appear: only the award in force on `on` counts.
    """
    on = on or school_today(school)
    return _attestations_due(staff_with_derived(school=school, on=on), on=on, until=add_months(on, months))


def _attestations_due(staff, *, on, until):
    return (
        staff.select_related("association")
        .filter(is_active=True, category_valid_until__gte=on, category_valid_until__lte=until)
        .exclude(current_category=QualificationCategory.NONE)
        .order_by("category_valid_until", "last_name", "pk")
    )


ATTESTATION_MONTHS = 6


def attestations_due_values(*, school, on):
    """The values `attestations_due_rows` runs with for the school on the day `on`."""
    return {"school_id": school.pk, "until": add_months(on, ATTESTATION_MONTHS), **staff_derived_values(on)}


@prepared_query
def attestations_due_rows():
    """`staff_attestations_due` as the attestations page lists it (`attestations_due_values`):
    only the columns shown, and `total_count` on each row."""
    on = Param("on")
    staff = staff_with_derived(school=Param("school_id"), on=on, early_career_since=Param("early_career_since"))
    return (
        _attestations_due(staff, on=on, until=Param("until"))
        .only("pk", "last_name", "first_name", "patronymic", "association__name")
        .annotate(total_count=Window(Count("*")))
    )


def _active_staff_facts(*, school, on):
    """(pk, user_id, position, teaching_since, category in force, its end) of each
    active card: a plain list the start page counts in Python, cheaper to build
    and plan than an aggregate over the annotated registry."""
    in_force = _award_in_force(on)
    return list(
        StaffMember.objects.for_school(school)
        .filter(is_active=True)
        .order_by()
        .annotate(
            award_category=Subquery(in_force.values("category")[:1]),
            award_valid_until=Subquery(in_force.values("valid_until")[:1], output_field=DateField()),
        )
        .values_list("pk", "user_id", "position", "teaching_since", "award_category", "award_valid_until")
    )


def _overview_counts(facts, on):
    until = add_months(on, 6)
    overview = {"active": len(facts), "early_career": 0, "highest": 0, "first": 0, "attestations_due": 0}
    for _pk, _user_id, _position, teaching_since, category, valid_until in facts:
        category = category or QualificationCategory.NONE
        overview["early_career"] += _early_career(teaching_since, on)
        overview["highest"] += category == QualificationCategory.HIGHEST
        overview["first"] += category == QualificationCategory.FIRST
        overview["attestations_due"] += (
            category != QualificationCategory.NONE and valid_until is not None and on <= valid_until <= until
        )
    return overview


def staff_overview(*, school, on=None):
    """Counts for the start page over the active staff, in one query."""
    on = on or school_today(school)
    return _overview_counts(_active_staff_facts(school=school, on=on), on)


def staff_own_card(*, school, user, on=None):
    """The signed-in person's own active registry record in this school, if any, with
    what the start page shows of it: `position`, `teaching_since`, `current_category`,
    `category_valid_until` and `is_early_career` (only these columns are read)."""
    on = on or school_today(school)
    in_force = _award_in_force(on)
    card = (
        StaffMember.objects.for_school(school)
        .filter(user=user, is_active=True)
        .only("pk", "position", "teaching_since")
        .annotate(
            current_category=Coalesce(
                Subquery(in_force.values("category")[:1]), Value(QualificationCategory.NONE.value)
            ),
            category_valid_until=Subquery(in_force.values("valid_until")[:1], output_field=DateField()),
        )
        .first()
    )
    if card is not None:
        card.is_early_career = _early_career(card.teaching_since, on)
    return card


def _early_career(teaching_since, on):
    # As staff_with_derived's `is_early_career`.
    return teaching_since is not None and teaching_since > _early_career_since(on)


def staff_home(*, school, user, on=None, with_overview=False):
    """The start page's (overview, own card): with the overview, both in one query (the
    own card is one of the active staff it counts), else only the own card."""
    on = on or school_today(school)
    if not with_overview:
        return None, staff_own_card(school=school, user=user, on=on)
    facts = _active_staff_facts(school=school, on=on)
    overview = _overview_counts(facts, on)
    own = next((row for row in facts if row[1] == user.pk), None)
    if own is None:
        return overview, None
    pk, _user_id, position, teaching_since, category, valid_until = own
    card = StaffMember(pk=pk, school=school, position=position, teaching_since=teaching_since)
    card.current_category = category or QualificationCategory.NONE.value
    card.category_valid_until = valid_until
    card.is_early_career = _early_career(card.teaching_since, on)
    return overview, card


def own_card_q(prefix, user):
    """Rows whose staff card at `prefix` is the user's own, active, at a school they
    still work in (a card left behind by a person who has left the school counts
    for nothing: their calendar feed, say)."""
    return Q(
        **{
            f"{prefix}__user": user,
            f"{prefix}__is_active": True,
            f"{prefix}__school__memberships__user": user,
        }
    )


def own_cards(user):
    """The user's own active cards at schools they still work in (`own_card_q`'s rule)."""
    return StaffMember.objects.filter(user=user, is_active=True, school__memberships__user=user)


def subject_list(*, school):
    """The school's subjects with how many active teachers teach each."""
    return (
        Subject.objects.for_school(school)
        .annotate(teacher_count=Count("teachers", filter=Q(teachers__is_active=True)))
        .order_by("name")
    )


def association_list(*, school):
    """The school's subject associations with their active member counts."""
    return (
        SubjectAssociation.objects.for_school(school)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )


@prepared_query
def _subject_rows():
    return subject_list(school=Param("school_id"))


@prepared_query
def _association_rows():
    return association_list(school=Param("school_id"))


def catalog_lists(*, school):
    """(`subject_list`, `association_list`) of the catalog page, from prepared queries."""
    return _subject_rows.rows(school_id=school.pk), _association_rows.rows(school_id=school.pk)
