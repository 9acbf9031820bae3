"""The registry's prepared queries (compiled once per process, apps.core.prepared)
give each school and each person their own rows, whichever ran first."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.core.dates import school_today
from apps.core.paging import prepared_page
from apps.staff.filters import StaffFilter
from apps.staff.models import QualificationCategory
from apps.staff.selectors import (
    attestations_due_rows,
    attestations_due_values,
    staff_attestations_due,
    staff_card,
    staff_for_user,
    staff_id_for_user,
    staff_list,
)
from apps.staff.tests.factories import (
    AchievementFactory,
    CategoryAwardFactory,
    StaffMemberFactory,
    SubjectFactory,
)
from conftest import client_for

pytestmark = pytest.mark.django_db


def _administrator(school):
    return MembershipFactory(school=school, roles=[Role.ADMINISTRATOR], user=UserFactory()).user


def _registry(client, query=""):
    response = client.get(reverse("staff:list") + query)
    assert response.status_code == 200
    return response.context["page"]


def test_a_persons_card_in_each_of_their_schools(school, other_school):
    user = UserFactory()
    here = StaffMemberFactory(school=school, user=user)
    there = StaffMemberFactory(school=other_school, user=user)
    StaffMemberFactory(school=school, user=UserFactory())
    assert staff_for_user(school=school, user=user) == here
    assert staff_for_user(school=other_school, user=user) == there
    assert staff_for_user(school=school, user=UserFactory()) is None
    # Only which card: the same answers as an id.
    assert staff_id_for_user(school=school, user=user) == here.pk
    assert staff_id_for_user(school=other_school, user=user) == there.pk
    assert staff_id_for_user(school=school, user=UserFactory()) is None
    there.is_active, there.left_on = False, datetime.date(2026, 1, 1)
    there.save()
    assert staff_for_user(school=other_school, user=user) is None
    assert staff_id_for_user(school=other_school, user=user) is None
    assert staff_for_user(school=None, user=user) is None
    assert staff_id_for_user(school=None, user=user) is None


@pytest.mark.parametrize(
    "query",
    ["", "?q=Ив", "?q=иван+учит", "?status=left", "?status=all", "?status=", "?category=first", "?early_career=true"],
)
def test_each_schools_registry_shows_its_own_staff_as_the_filters_choose(school, other_school, query):
    for place in (school, other_school):
        today = datetime.date.today()
        StaffMemberFactory(school=place, last_name="Иванова", teaching_since=today, hired_on=today)
        CategoryAwardFactory(staff=StaffMemberFactory(school=place, position="учитель музыки"))
        StaffMemberFactory(school=place, is_active=False, left_on=datetime.date(2025, 6, 1))
    for place in (school, other_school, school):
        page = _registry(client_for(_administrator(place)), query)
        plain = StaffFilter(QueryDict(query.lstrip("?")), queryset=staff_list(school=place), school=place)
        assert plain.is_valid()
        assert [row.pk for row in page.object_list] == [row.pk for row in plain.qs]
        assert {row.school_id for row in page.object_list} <= {place.pk}
        assert page.paginator.count == plain.qs.count()


def test_a_subject_of_another_school_filters_nothing_in(school, other_school):
    mine, theirs = SubjectFactory(school=school), SubjectFactory(school=other_school)
    teacher = StaffMemberFactory(school=school, subjects=[mine])
    StaffMemberFactory(school=school, subjects=[])
    client = client_for(_administrator(school))
    assert [row.pk for row in _registry(client, f"?subject={mine.pk}").object_list] == [teacher.pk]
    response = client.get(reverse("staff:list") + f"?subject={theirs.pk}")
    assert response.context["page"].paginator.count == 0
    assert response.context["filter_fields"][1]["errors"]


def test_a_card_page_shows_the_card_of_its_school_only(school, other_school):
    mine = StaffMemberFactory(school=school, teaching_since=datetime.date(2005, 9, 1))
    CategoryAwardFactory(staff=mine, category=QualificationCategory.HIGHEST)
    AchievementFactory(staff=mine)
    theirs = StaffMemberFactory(school=other_school)
    CategoryAwardFactory(staff=theirs)
    client = client_for(_administrator(school))
    response = client.get(reverse("staff:detail", args=[mine.pk]))
    card = response.context["staff"]
    assert [a.staff_id for a in card.category_awards.all()] == [mine.pk]
    assert len(card.achievements.all()) == 1
    assert card.current_category == QualificationCategory.HIGHEST
    assert client.get(reverse("staff:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("staff:edit", args=[theirs.pk])).status_code == 404
    other = client_for(_administrator(other_school)).get(reverse("staff:detail", args=[theirs.pk]))
    assert [a.staff_id for a in other.context["staff"].category_awards.all()] == [theirs.pk]


def test_the_card_counts_its_facts_for_the_day_it_is_asked_for(school):
    today = school_today(school)
    since = today.replace(year=today.year - 2)
    card = StaffMemberFactory(school=school, teaching_since=since, hired_on=since)
    CategoryAwardFactory(staff=card, awarded_on=today.replace(year=today.year - 5), valid_until=today)
    now = staff_card(school=school, pk=card.pk, on=today)
    later = staff_card(school=school, pk=card.pk, on=today + datetime.timedelta(days=1))
    assert (now.current_category, now.is_early_career) == (QualificationCategory.FIRST, True)
    assert later.current_category == QualificationCategory.NONE
    assert staff_card(school=school, pk=card.pk, on=today.replace(year=today.year + 2)).is_early_career is False


def test_each_schools_catalog_lists_its_own_subjects_and_associations(school, other_school):
    for place in (school, other_school):
        SubjectFactory(school=place, name=f"Физика {place.pk}")
    for place in (other_school, school):
        response = client_for(_administrator(place)).get(reverse("staff:catalog"))
        assert [s.name for s in response.context["subjects"]] == [f"Физика {place.pk}"]
        assert response.context["subjects"][0].teacher_count == 0


def test_each_schools_registry_filters_offer_its_own_subjects_and_associations(school, other_school):
    for place in (school, other_school):
        StaffMemberFactory(school=place)  # a subject and an association of its school
    for place in (other_school, school, other_school):
        response = client_for(_administrator(place)).get(reverse("staff:list"))
        fields = {field["name"]: field for field in response.context["filter_fields"]}
        subjects = {value for value, _label, _selected in fields["subject"]["options"] if value}
        associations = {value for value, _label, _selected in fields["association"]["options"] if value}
        assert subjects == {str(pk) for pk in place.subjects.values_list("pk", flat=True)} != set()
        assert associations == {str(pk) for pk in place.associations.values_list("pk", flat=True)} != set()


def test_each_schools_attestations_page_lists_its_own_due_categories(school, other_school):
    today = datetime.date(2026, 11, 23)
    due = {}
    for place in (school, other_school):
        due[place.pk] = StaffMemberFactory(school=place, last_name="Сроков")
        CategoryAwardFactory(
            staff=due[place.pk],
            category=QualificationCategory.FIRST,
            awarded_on=datetime.date(2022, 1, 10),
            valid_until=datetime.date(2027, 1, 10),
        )
        CategoryAwardFactory(  # ends beyond the six months
            staff=StaffMemberFactory(school=place),
            category=QualificationCategory.HIGHEST,
            awarded_on=datetime.date(2022, 9, 1),
            valid_until=datetime.date(2027, 9, 1),
        )
    for place in (school, other_school, school):
        page = prepared_page(
            attestations_due_rows, number=1, per_page=25, **attestations_due_values(school=place, on=today)
        )
        assert [row.pk for row in page.object_list] == [due[place.pk].pk]
        assert [row.pk for row in page.object_list] == [
            row.pk for row in staff_attestations_due(school=place, on=today)
        ]
        assert page.paginator.count == 1
