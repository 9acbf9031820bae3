import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.staff.models import CategoryAward, QualificationCategory, StaffMember
from apps.staff.services import category_award_create
from apps.staff.tests.factories import (
    AchievementFactory,
    CategoryAwardFactory,
    StaffMemberFactory,
    SubjectAssociationFactory,
    SubjectFactory,
)
from conftest import client_for

D = datetime.date


def _populate(school, size):
    """`size` staff with subjects, an association, a category due soon and an achievement."""
    today = datetime.date.today()
    for _ in range(size):
        staff = StaffMemberFactory(
            school=school, subjects=[SubjectFactory(school=school), SubjectFactory(school=school)]
        )
        CategoryAwardFactory(staff=staff, awarded_on=today.replace(year=today.year - 5) + datetime.timedelta(days=30))
        AchievementFactory(staff=staff)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


LIST_PAGES = ["staff:list", "staff:attestations_due", "staff:catalog", "home"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_run_the_same_number_of_queries_for_5_and_50_rows(name, school, administrator):
    client = client_for(administrator)
    url = reverse(name)
    _populate(school, 5)
    small = _queries(client, url)
    _populate(school, 45)
    large = _queries(client, url)
    assert small == large
    assert small <= 12


def test_staff_card_runs_the_same_number_of_queries_with_long_history(school, administrator):
    client = client_for(administrator)
    staff = StaffMemberFactory(school=school)
    CategoryAwardFactory(staff=staff, awarded_on=D(2020, 1, 10))
    AchievementFactory(staff=staff)
    url = reverse("staff:detail", args=[staff.pk])
    small = _queries(client, url)
    for year in range(1990, 2020):
        CategoryAwardFactory(staff=staff, awarded_on=D(year, 3, 1))
        AchievementFactory(staff=staff)
    assert _queries(client, url) == small


def test_export_runs_a_fixed_number_of_queries(school, administrator):
    client = client_for(administrator)
    _populate(school, 5)
    small = _queries(client, reverse("staff:export"))
    _populate(school, 45)
    assert _queries(client, reverse("staff:export")) == small


def test_search_and_filters_narrow_the_list(school, curator):
    maths = SubjectFactory(school=school, name="Математика")
    sokolova = StaffMemberFactory(school=school, last_name="Соколова", subjects=[maths])
    category_award_create(staff=sokolova, category=QualificationCategory.HIGHEST, awarded_on=D(2024, 5, 1))
    young = StaffMemberFactory(
        school=school,
        last_name="Белова",
        teaching_since=datetime.date.today() - datetime.timedelta(days=400),
        hired_on=datetime.date.today() - datetime.timedelta(days=400),
    )
    StaffMemberFactory(school=school, last_name="Егоров")
    client = client_for(curator)

    def names(**params):
        response = client.get(reverse("staff:list"), params)
        assert response.status_code == 200
        return [s.last_name for s in response.context["page"].object_list]

    assert names() == ["Белова", "Егоров", "Соколова"]
    assert names(q="сокол") == ["Соколова"]
    assert names(subject=maths.pk) == ["Соколова"]
    assert names(category="highest") == ["Соколова"]
    assert names(category="none") == ["Белова", "Егоров"]
    assert names(early_career="true") == ["Белова"]
    assert names(association=young.association_id) == ["Белова"]


def test_bad_filter_values_give_an_empty_list_not_an_error(school, curator, other_school):
    StaffMemberFactory(school=school)
    foreign_subject = SubjectFactory(school=other_school)
    client = client_for(curator)
    for params in ({"subject": "abc"}, {"subject": foreign_subject.pk}, {"category": "golden"}, {"page": "999"}):
        response = client.get(reverse("staff:list"), params)
        assert response.status_code == 200


def test_list_paginates_by_25(school, curator):
    for _ in range(30):
        StaffMemberFactory(school=school)
    client = client_for(curator)
    assert len(client.get(reverse("staff:list")).context["page"].object_list) == 25
    assert len(client.get(reverse("staff:list"), {"page": 2}).context["page"].object_list) == 5


def test_left_staff_are_hidden_unless_asked_for(school, curator):
    StaffMemberFactory(school=school, last_name="Ушедшая", is_active=False, left_on=D(2024, 6, 30))
    StaffMemberFactory(school=school, last_name="Работает")
    client = client_for(curator)
    assert [s.last_name for s in client.get(reverse("staff:list")).context["page"].object_list] == ["Работает"]
    left = client.get(reverse("staff:list"), {"status": "left"}).context["page"].object_list
    assert [s.last_name for s in left] == ["Ушедшая"]


def test_administrator_adds_a_teacher_with_a_category(school, administrator):
    association = SubjectAssociationFactory(school=school)
    subject = SubjectFactory(school=school)
    response = client_for(administrator).post(
        reverse("staff:create"),
        {
            "last_name": "Орлова",
            "first_name": "Вера",
            "patronymic": "Михайловна",
            "position": "учитель",
            "subjects": [subject.pk],
            "association": association.pk,
            "teaching_since": "2011-09-01",
            "hired_on": "2012-08-30",
            "category": "first",
            "category_awarded_on": "2023-12-20",
            "order_number": "№ 12-к",
        },
    )
    staff = StaffMember.objects.get(last_name="Орлова")
    assert response["Location"] == reverse("staff:detail", args=[staff.pk])
    assert staff.school == school
    award = CategoryAward.objects.get(staff=staff)
    assert (award.category, award.valid_until) == ("first", D(2028, 12, 20))


def test_invalid_card_keeps_what_was_typed_and_says_what_is_wrong(school, administrator):
    response = client_for(administrator).post(
        reverse("staff:create"),
        {
            "last_name": "Орлова",
            "first_name": "Вера",
            "patronymic": "Михайловна",
            "position": "учитель",
            "teaching_since": "2015-09-01",
            "hired_on": "2012-08-30",
            "category": "first",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert "category_awarded_on" in form.errors
    html = response.content.decode()
    assert 'value="Орлова"' in html and 'value="Михайловна"' in html
    assert not StaffMember.objects.exists()


def test_hire_before_teaching_is_a_form_error_not_a_500(school, administrator):
    response = client_for(administrator).post(
        reverse("staff:create"),
        {
            "last_name": "Орлова",
            "first_name": "Вера",
            "position": "учитель",
            "teaching_since": "2015-09-01",
            "hired_on": "2012-08-30",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() or response.context["form"].errors
    assert not StaffMember.objects.exists()


def test_form_offers_only_this_schools_subjects_and_users(school, other_school, administrator, outsider):
    mine, foreign = SubjectFactory(school=school), SubjectFactory(school=other_school)
    form = client_for(administrator).get(reverse("staff:create")).context["form"]
    assert list(form.fields["subjects"].queryset) == [mine]
    assert outsider not in form.fields["user"].queryset
    response = client_for(administrator).post(
        reverse("staff:create"),
        {
            "last_name": "Х",
            "first_name": "Y",
            "position": "учитель",
            "subjects": [foreign.pk],
            "teaching_since": "2010-09-01",
            "hired_on": "2012-08-30",
        },
    )
    assert response.status_code == 200 and "subjects" in response.context["form"].errors


def test_duplicate_award_date_is_a_form_error(school, administrator):
    staff = StaffMemberFactory(school=school)
    category_award_create(staff=staff, category="first", awarded_on=D(2024, 3, 1))
    response = client_for(administrator).post(
        reverse("staff:category_add", args=[staff.pk]), {"category": "highest", "awarded_on": "2024-03-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert CategoryAward.objects.filter(staff=staff).count() == 1


def test_deactivation_keeps_the_person_with_history(school, administrator):
    staff = StaffMemberFactory(school=school, hired_on=D(2015, 9, 1))
    client = client_for(administrator)
    client.post(reverse("staff:deactivate", args=[staff.pk]), {"left_on": "2014-01-01"})
    staff.refresh_from_db()
    assert staff.is_active  # before the hire date: refused with a message
    client.post(reverse("staff:deactivate", args=[staff.pk]), {"left_on": "not a date"})
    staff.refresh_from_db()
    assert staff.is_active
    client.post(reverse("staff:deactivate", args=[staff.pk]), {"left_on": "2025-06-30"})
    staff.refresh_from_db()
    assert (staff.is_active, staff.left_on) == (False, D(2025, 6, 30))


def test_catalog_adds_and_renames_without_duplicates(school, administrator):
    client = client_for(administrator)
    client.post(reverse("staff:catalog"), {"kind": "subject", "subject-name": "Астрономия"})
    response = client.post(reverse("staff:catalog"), {"kind": "subject", "subject-name": "астрономия"})
    assert response.status_code == 200 and response.context["subject_form"].errors
    subject = school.subjects.get()
    client.post(reverse("staff:subject_rename", args=[subject.pk]), {"name": "Астрономия и физика"})
    subject.refresh_from_db()
    assert subject.name == "Астрономия и физика"


def test_staff_card_shows_history_in_order(school, curator):
    staff = StaffMemberFactory(school=school)
    category_award_create(staff=staff, category="first", awarded_on=D(2012, 3, 1))
    category_award_create(staff=staff, category="highest", awarded_on=D(2017, 2, 1))
    response = client_for(curator).get(reverse("staff:detail", args=[staff.pk]))
    awards = list(response.context["staff"].category_awards.all())
    assert [a.awarded_on for a in awards] == [D(2017, 2, 1), D(2012, 3, 1)]
