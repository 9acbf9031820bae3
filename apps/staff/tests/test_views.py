import datetime
import pathlib
import re

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.staff import services
from apps.staff.forms import NameForm
from apps.staff.models import CategoryAward, QualificationCategory, StaffMember, Subject, SubjectAssociation
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
    # The start page carries «Мои дела», a few queries per source (its exact count:
    # test_todos.py); the lists stay small.
    assert small <= (28 if name == "home" else 12)


# Each page's queries as counted by the test client (no two-factor step, no «Мои дела»
# badge cache): the registry reads its count, its rows with their subjects, and the two
# choice lists.
LIST_PAGE_QUERIES = {"staff:list": 6, "staff:attestations_due": 4, "staff:catalog": 5}


@pytest.mark.parametrize("name", LIST_PAGE_QUERIES)
def test_list_pages_run_a_pinned_number_of_queries(name, school, administrator):
    client = client_for(administrator)
    _populate(school, 5)
    assert _queries(client, reverse(name)) == LIST_PAGE_QUERIES[name]


@pytest.mark.parametrize("name", ["staff:list", "staff:attestations_due", "staff:catalog"])
def test_list_pages_render_the_same_templates_for_5_and_50_rows(name, school, administrator):
    # A template included per row costs a render each: a full page of the registry
    # spent a quarter of its time in them.
    client = client_for(administrator)
    _populate(school, 5)
    small = [template.name for template in client.get(reverse(name)).templates]
    _populate(school, 45)
    assert [template.name for template in client.get(reverse(name)).templates] == small


def test_registry_rows_link_each_card_and_show_what_the_card_holds(school, curator):
    maths = SubjectFactory(school=school, name="Математика")
    physics = SubjectFactory(school=school, name="Физика")
    two_years_ago = datetime.date.today() - datetime.timedelta(days=800)
    staff = StaffMemberFactory(
        school=school, subjects=[physics, maths], teaching_since=two_years_ago, hired_on=two_years_ago
    )
    category_award_create(
        staff=staff, category="first", awarded_on=datetime.date.today() - datetime.timedelta(days=100)
    )
    html = client_for(curator).get(reverse("staff:list")).content.decode()
    assert f'<a href="{reverse("staff:detail", args=[staff.pk])}" class="fw-semibold">{staff.full_name}</a>' in html
    assert '<td class="d-none d-lg-table-cell">Математика, Физика</td>' in html
    assert '<span class="badge text-bg-primary">первая категория</span>' in html
    assert '<td class="d-none d-md-table-cell">2 года</td>' in html
    assert '<span class="badge text-bg-info ms-1">молодой специалист</span>' in html


def test_registry_filter_form_keeps_the_choices_and_marks_a_wrong_value(school, curator):
    maths = SubjectFactory(school=school, name="Математика")
    html = (
        client_for(curator)
        .get(
            reverse("staff:list"),
            {"q": 'Соколова "М"', "subject": maths.pk, "early_career": "true", "category": "gold"},
        )
        .content.decode()
    )
    assert (
        '<input type="text" name="q" value="Соколова &quot;М&quot;" class="textinput form-control" id="id_q">' in html
    )
    assert f'<option value="{maths.pk}" selected>Математика</option>' in html
    assert '<option value="true" selected>' in html
    assert '<option value="active" selected>' in html
    assert (
        '<select name="category" class="select form-select is-invalid" aria-invalid="true"'
        ' aria-describedby="id_category_error" id="id_category">' in html
    )
    assert '<div id="id_category_error" class="invalid-feedback"><p id="error_1_id_category"><strong>' in html
    assert '<label for="id_early_career" class="form-label">' in html


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


# --- Dates: between 1940 and a year after the school's today -----------------------------

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # 23.11.2026 in the school


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def _card(**fields):
    return {
        "last_name": "Орлова",
        "first_name": "Вера",
        "position": "учитель",
        "teaching_since": "2011-09-01",
        "hired_on": "2012-08-30",
        **fields,
    }


@pytest.mark.parametrize("awarded_on", ["9999-01-01", "2027-11-24", "1939-12-31"])
def test_award_dates_out_of_range_are_form_errors(school, administrator, frozen_now, awarded_on):
    staff = StaffMemberFactory(school=school)
    response = client_for(administrator).post(
        reverse("staff:category_add", args=[staff.pk]), {"category": "first", "awarded_on": awarded_on}
    )
    assert response.status_code == 200
    assert "awarded_on" in response.context["form"].errors
    assert not CategoryAward.objects.exists()


def test_an_award_a_year_ahead_is_accepted(school, administrator, frozen_now):
    staff = StaffMemberFactory(school=school)
    response = client_for(administrator).post(
        reverse("staff:category_add", args=[staff.pk]), {"category": "first", "awarded_on": "2027-11-23"}
    )
    assert response.status_code == 302
    assert CategoryAward.objects.get().valid_until == D(2032, 11, 23)


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"category": "first", "category_awarded_on": "9998-01-01"}, "category_awarded_on"),
        ({"teaching_since": "1939-09-01"}, "teaching_since"),
        ({"hired_on": "9999-12-31"}, "hired_on"),
    ],
)
def test_card_dates_out_of_range_are_form_errors(school, administrator, frozen_now, fields, field):
    response = client_for(administrator).post(reverse("staff:create"), _card(**fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not StaffMember.objects.exists()


def test_achievement_and_leaving_dates_out_of_range_are_refused(school, administrator, frozen_now):
    staff = StaffMemberFactory(school=school)
    client = client_for(administrator)
    response = client.post(
        reverse("staff:achievement_add", args=[staff.pk]),
        {"kind": "contest", "title": "Учитель года", "date": "9999-01-01", "level": "school", "result": "winner"},
    )
    assert response.status_code == 200 and "date" in response.context["form"].errors
    response = client.post(reverse("staff:deactivate", args=[staff.pk]), {"left_on": "9999-01-01"}, follow=True)
    staff.refresh_from_db()
    assert staff.is_active
    assert "23.11.2027" in " ".join(str(m) for m in response.context["messages"])


def test_a_date_input_offers_only_the_allowed_range(school, administrator, frozen_now):
    staff = StaffMemberFactory(school=school)
    html = client_for(administrator).get(reverse("staff:category_add", args=[staff.pk])).content.decode()
    assert 'min="1940-01-01"' in html and 'max="2027-11-23"' in html


# --- The card form: its own errors on its own fields ------------------------------------


def test_hire_before_teaching_is_an_error_on_the_hire_date(school, administrator):
    client = client_for(administrator)
    client.cookies.load({"django_language": "en"})
    response = client.post(reverse("staff:create"), _card(teaching_since="2015-09-01", hired_on="2012-08-30"))
    form = response.context["form"]
    assert form.errors["hired_on"] == ["The hire date is earlier than the start of teaching."]
    assert not form.non_field_errors()


def test_an_account_with_a_card_in_this_school_is_an_error_on_user(school, administrator, teacher):
    StaffMemberFactory(school=school, user=teacher, last_name="Учителева")
    client = client_for(administrator)
    client.cookies.load({"django_language": "en"})
    response = client.post(reverse("staff:create"), _card(user=teacher.pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert "Учителева" in form.errors["user"][0]
    assert not form.non_field_errors()
    assert StaffMember.objects.count() == 1
    # Editing the card that already has the account is fine.
    own = StaffMember.objects.get(user=teacher)
    response = client.post(
        reverse("staff:edit", args=[own.pk]), _card(last_name="Учителева", user=teacher.pk, position="педагог")
    )
    assert response.status_code == 302


# --- Catalog names: the model's length, the service's errors, ё and е -------------------


@pytest.mark.parametrize("kind,limit", [("subject", 100), ("association", 200)])
def test_catalog_names_are_limited_to_the_model_field(school, administrator, kind, limit):
    client = client_for(administrator)
    response = client.post(reverse("staff:catalog"), {"kind": kind, f"{kind}-name": "Я" * (limit + 1)})
    assert response.status_code == 200
    assert response.context[f"{kind}_form"].errors["name"]
    response = client.post(reverse("staff:catalog"), {"kind": kind, f"{kind}-name": "Я" * limit})
    assert response.status_code == 302


def test_renaming_to_a_name_too_long_is_a_form_error(school, administrator):
    subject = SubjectFactory(school=school, name="Физика")
    response = client_for(administrator).post(reverse("staff:subject_rename", args=[subject.pk]), {"name": "Ф" * 101})
    assert response.status_code == 200 and response.context["form"].errors["name"]
    subject.refresh_from_db()
    assert subject.name == "Физика"


def test_name_form_takes_its_length_from_the_model():
    assert NameForm(model=Subject, school=None).fields["name"].max_length == 100
    assert NameForm(model=SubjectAssociation, school=None).fields["name"].max_length == 200


def test_a_service_error_in_the_catalog_is_shown_on_the_form(school, administrator, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"name": ["Refused by the service."]})

    monkeypatch.setattr(services, "subject_get_or_create", refuse)
    monkeypatch.setattr(services, "catalog_entry_rename", lambda **kwargs: refuse())
    client = client_for(administrator)
    response = client.post(reverse("staff:catalog"), {"kind": "subject", "subject-name": "Астрономия"})
    assert response.status_code == 200
    assert response.context["subject_form"].errors["name"] == ["Refused by the service."]
    subject = SubjectFactory(school=school)
    response = client.post(reverse("staff:subject_rename", args=[subject.pk]), {"name": "Астрономия"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Refused by the service."]


def test_catalog_treats_yo_and_ye_as_one_letter(school, administrator):
    SubjectFactory(school=school, name="Учёт")
    response = client_for(administrator).post(reverse("staff:catalog"), {"kind": "subject", "subject-name": "учет"})
    assert response.status_code == 200 and response.context["subject_form"].errors["name"]
    assert school.subjects.count() == 1


# --- The card shows a category as in force on its last day ------------------------------


def test_the_card_shows_a_category_in_force_on_its_last_day(school, curator, frozen_now):
    staff = StaffMemberFactory(school=school)
    category_award_create(staff=staff, category="first", awarded_on=D(2021, 11, 23))  # valid until 23.11.2026
    response = client_for(curator).get(reverse("staff:detail", args=[staff.pk]))
    assert response.context["staff"].current_category == "first"
    assert '<tr class="text-body-secondary">' not in response.content.decode()
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        response = client_for(curator).get(reverse("staff:detail", args=[staff.pk]))
    assert response.context["staff"].current_category == "none"
    assert '<tr class="text-body-secondary">' in response.content.decode()


# --- Templates ---------------------------------------------------------------------------


def test_every_aria_label_in_the_staff_templates_is_translated():
    templates = pathlib.Path(settings.BASE_DIR) / "templates" / "staff"
    untranslated = [
        f"{path.name}: {label}"
        for path in sorted(templates.glob("*.html"))
        for label in re.findall(r'aria-label="([^"]*)"', path.read_text())
        if not label.startswith("{% translate")
    ]
    assert untranslated == []


def test_breadcrumb_label_is_translatable(school, administrator):
    client = client_for(administrator)
    client.cookies.load({"django_language": "en"})
    assert 'aria-label="Breadcrumb"' in client.get(reverse("staff:catalog")).content.decode()


def test_attestations_due_lists_a_category_on_its_last_day(school, deputy_head, frozen_now):
    staff = StaffMemberFactory(school=school)
    category_award_create(staff=staff, category="first", awarded_on=D(2021, 11, 23))  # valid until 23.11.2026
    client = client_for(deputy_head)
    client.cookies.load({"django_language": "en"})
    response = client.get(reverse("staff:attestations_due"))
    assert list(response.context["page"].object_list) == [staff]
    assert "(the last day)" in response.content.decode()
