import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.tests.compiles import compiled_models
from apps.partners.models import PartnerOrganisation
from apps.problemdays import selectors, services
from apps.problemdays.models import ProblemDay, ThemeIdea
from apps.problemdays.tests.factories import DayActivityFactory, ProblemDayFactory, ThemeIdeaFactory, at
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def day(school):
    return ProblemDayFactory(school=school)


def test_creator_becomes_organiser(school, deputy_head):
    me = StaffMemberFactory(school=school, user=deputy_head)
    response = client_for(deputy_head).post(
        reverse("problemdays:day_create"),
        {"date": "2027-05-09", "working_title": "День памяти", "grades": "1–11"},
    )
    day = ProblemDay.objects.get()
    assert response.status_code == 302
    assert list(day.organisers.all()) == [me]
    assert day.status == ProblemDay.Status.PREPARATION


def test_activity_is_on_the_day_in_the_school_time_zone(school, day):
    # 23:30 local time in Samara is the same day locally, the next day nowhere else that matters.
    activity, clashes = services.activity_save(
        day=day, title="Вечер", kind="other", starts_at=at(day, 22), ends_at=at(day, 23, 30)
    )
    assert activity.starts_at.astimezone(school.tzinfo).date() == day.date
    with pytest.raises(ValidationError) as error:
        services.activity_save(
            day=day,
            title="Ночь",
            kind="other",
            starts_at=at(day, 23),
            ends_at=at(day, 23) + datetime.timedelta(hours=2),
        )
    assert "ends_at" in error.value.error_dict


def test_votes_constraint_in_the_database(day):
    with pytest.raises(IntegrityError):
        ThemeIdea.objects.filter(pk=ThemeIdeaFactory(day=day).pk).update(votes=-1)


def test_clashes_are_flagged_not_blocked(school, deputy_head, day):
    teacher = StaffMemberFactory(school=school)
    DayActivityFactory(day=day, title="Урок мужества", place="Актовый зал", responsible=[teacher])
    activity, clashes = services.activity_save(
        day=day,
        title="Встреча с ветеранами",
        kind="community_meeting",
        starts_at=at(day, 10, 30),
        ends_at=at(day, 11, 15),
        place="актовый  зал",
        responsible=[teacher],
    )
    assert activity.pk and len(clashes) == 2
    response = client_for(deputy_head).get(reverse("problemdays:timetable", kwargs={"pk": day.pk}))
    assert response.content.decode().count('data-testid="clash"') == 4


def test_choosing_an_idea_sets_the_theme_and_keeps_the_others(day):
    first, second = ThemeIdeaFactory(day=day, title="Мы помним"), ThemeIdeaFactory(day=day, title="Космос")
    services.idea_choose(idea=first)
    services.idea_choose(idea=second)
    day.refresh_from_db()
    assert day.theme == "Космос"
    assert list(day.ideas.filter(is_chosen=True)) == [second]
    assert day.ideas.count() == 2


def test_stage_rules(school, day):
    day.status = ProblemDay.Status.THEME_SELECTION
    day.save()
    with pytest.raises(ValidationError, match="not chosen a theme"):
        services.stage_move(day=day, to_status="planning")
    services.idea_choose(idea=ThemeIdeaFactory(day=day))
    warnings = services.stage_move(day=day, to_status="planning")
    assert day.status == "planning" and isinstance(warnings, list)
    with pytest.raises(ValidationError, match="no activities"):
        services.stage_move(day=day, to_status="ready")
    activity = DayActivityFactory(day=day, title="Классный час")
    with pytest.raises(ValidationError, match="no responsible teacher"):
        services.stage_move(day=day, to_status="ready")
    activity.responsible.set([StaffMemberFactory(school=school)])
    services.stage_move(day=day, to_status="ready")
    with pytest.raises(ValidationError, match="one stage at a time"):
        services.stage_move(day=day, to_status="reflected")
    assert services.stage_move(day=day, to_status="held") == ["The day's date has not come yet."]
    services.stage_move(day=day, to_status="ready")
    assert day.status == "ready"


def test_teacher_sees_but_cannot_move_stages(school, teacher, day):
    response = client_for(teacher).post(reverse("problemdays:day_stage", kwargs={"pk": day.pk}), {"to_status": "ready"})
    assert response.status_code == 403


def test_my_duties(school, teacher, day):
    me = StaffMemberFactory(school=school, user=teacher)
    DayActivityFactory(day=day, title="Урок памяти", responsible=[me])
    past = ProblemDayFactory(school=school, date=datetime.date(2020, 5, 9))
    DayActivityFactory(day=past, title="Старое", responsible=[me])
    activities, _roles = selectors.my_duties(school=school, user=teacher)
    assert [a.title for a in activities] == ["Урок памяти"]
    response = client_for(teacher).get(reverse("problemdays:my_duties"))
    assert "Урок памяти" in response.content.decode()
    assert [a.title for a in selectors.duties_on(on=day.date)] == ["Урок памяти"]


def test_my_duties_take_the_same_queries_for_one_duty_or_many(school, teacher):
    me = StaffMemberFactory(school=school, user=teacher)
    client = client_for(teacher)
    counts = []
    for n in (1, 6):
        day = ProblemDayFactory(school=school, date=datetime.date(2099, 5, 9))
        for i in range(n):
            DayActivityFactory(day=day, title=f"Занятие {i}", responsible=[me, StaffMemberFactory(school=school)])
            day.roles.create(kind="recorder", staff=me)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("problemdays:my_duties")).status_code == 200
        counts.append(len(queries))
    assert counts == [5, 5]


def test_copy_shifts_activities(school, deputy_head):
    source = ProblemDayFactory(school=school, date=datetime.date(2024, 5, 9), status="reflected")
    partner = PartnerOrganisation.objects.create(school=school, name="Музей")
    activity = DayActivityFactory(day=source, responsible=[StaffMemberFactory(school=school)])
    activity.partners.set([partner])
    new_date = datetime.date(2027, 5, 8)
    response = client_for(deputy_head).post(
        reverse("problemdays:day_copy", kwargs={"pk": source.pk}), {"date": new_date.isoformat()}
    )
    assert response.status_code == 302
    day = ProblemDay.objects.exclude(pk=source.pk).get()
    copied = day.activities.get()
    assert day.copied_from == source and day.status == "preparation"
    assert copied.starts_at == at(day, 10) and list(copied.partners.all()) == [partner]
    assert copied.responsible.count() == 1


def test_reflection_saved(deputy_head, day):
    url = reverse("problemdays:reflection_edit", kwargs={"pk": day.pk})
    response = client_for(deputy_head).post(
        url,
        {
            "what_worked": "Дети вели",
            "students_count": 120,
            "teachers_count": 15,
            "parents_count": 10,
            "partners_count": 2,
        },
    )
    assert response.status_code == 302
    assert day.reflection.students_count == 120


def _fill(day, n):
    for i in range(n):
        activity = DayActivityFactory(day=day, responsible=[StaffMemberFactory(school=day.school)])
        activity.subjects.create(school=day.school, name=f"Предмет {day.pk}-{i}")
        activity.partners.add(PartnerOrganisation.objects.create(school=day.school, name=f"Партнёр {day.pk}-{i}"))
        ThemeIdeaFactory(day=day)
    day.roles.create(kind="recorder", staff=StaffMemberFactory(school=day.school))


# The planner's row forms (three roles, three ideas, two activities, maybe one
# being edited) share one load of the staff, partners and subjects (one query for the three lists);
# the stage moves that confirmed clashes, the organisers, ideas and roles come with the day.
@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("problemdays:day_detail", "", 7),
        ("problemdays:day_detail", "?edit=activity-{activity}", 7),
        ("problemdays:timetable", "", 6),
        ("problemdays:day_print", "", 5),
    ],
)
def test_query_counts_do_not_grow(school, deputy_head, name, query, expected):
    client = client_for(deputy_head)
    counts = []
    for n in (1, 6):
        day = ProblemDayFactory(school=school)
        _fill(day, n)
        url = reverse(name, kwargs={"pk": day.pk}) + query.format(activity=day.activities.first().pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [expected, expected]


def test_other_school_objects_are_not_found(other_school, deputy_head):
    day = ProblemDayFactory(school=other_school)
    assert client_for(deputy_head).get(reverse("problemdays:day_detail", kwargs={"pk": day.pk})).status_code == 404


def test_the_planner_reads_organisers_ideas_and_roles_with_the_day(school):
    """They come as columns of the day's query, read back as the objects a prefetch
    gave (the in-place forms edit them): times as stored, the teacher's name."""
    from apps.problemdays.models import PreparationRole

    organiser = StaffMemberFactory(school=school, last_name="Ведущая")
    day = ProblemDayFactory(school=school, organisers=[organiser])
    idea = ThemeIdeaFactory(day=day, votes=3)
    role = PreparationRole.objects.create(
        day=day, kind=PreparationRole.Kind.RECORDER, staff=organiser, when=at(day, 9, 30), place="каб. 12"
    )
    with CaptureQueriesContext(connection) as queries:
        loaded = selectors.planner_queryset(school=school).get(pk=day.pk)
        organisers, ideas, roles = list(loaded.organisers.all()), list(loaded.ideas.all()), list(loaded.roles.all())
        assert roles[0].staff.full_name == organiser.full_name
    assert len(queries) == 2  # the day, and its activities (none here)
    assert [p.pk for p in organisers] == [organiser.pk] and organisers[0].user_id == organiser.user_id
    assert [(i.pk, i.title, i.votes, i.day is loaded) for i in ideas] == [(idea.pk, idea.title, 3, True)]
    assert (roles[0].pk, roles[0].when, roles[0].place) == (role.pk, at(day, 9, 30), "каб. 12")
    # A query on them is the relation's own, as after a prefetch (the day form sets the organisers).
    assert list(loaded.ideas.filter(votes=3)) == [idea] and not loaded.ideas.filter(votes=4).exists()
    other = StaffMemberFactory(school=school)
    loaded.organisers.set([other])
    assert list(ProblemDay.objects.get(pk=day.pk).organisers.all()) == [other]


def test_prepared_queries_give_each_school_its_own_days(school, other_school, deputy_head, outsider):
    """The day pages' queries are compiled once per process and rerun with each
    request's values: one school's day, activities or ideas never reach another's page."""
    ours = ProblemDayFactory(school=school, working_title="Наш день")
    theirs = ProblemDayFactory(school=other_school, working_title="Чужой день")
    for day, title in ((ours, "Наше занятие"), (theirs, "Чужое занятие")):
        DayActivityFactory(day=day, title=title)
        ThemeIdeaFactory(day=day, title=f"Идея: {title}")
    for user, own, other in ((deputy_head, ours, theirs), (outsider, theirs, ours)):
        client = client_for(user)
        own_activity, other_activity = own.activities.get().title, other.activities.get().title
        for name in ("problemdays:day_detail", "problemdays:timetable"):
            page = client.get(reverse(name, args=[own.pk])).content.decode()
            assert own_activity in page
            assert other_activity not in page
            assert client.get(reverse(name, args=[other.pk])).status_code == 404
        page = client.get(reverse("problemdays:day_edit", args=[own.pk])).content.decode()
        assert f"Идея: {own_activity}" in page
        assert f"Идея: {other_activity}" not in page
        assert other.title not in client.get(reverse("problemdays:day_list")).content.decode()
        assert selectors.day_for_page(school=own.school, pk=other.pk, page="planner") is None
        found = selectors.day_for_page(school=own.school, pk=own.pk, page="planner")
        assert [a.title for a in found.activities.all()] == [own_activity]


def test_day_pages_compile_their_queries_once(school, deputy_head, monkeypatch, settings):
    """The day pages run prepared queries: after a first visit no day, activity or
    idea query is built and compiled again, 1–3 ms of Python each."""
    settings.PERSON_CACHE_SECONDS = 60  # the navbar's to-dos counted once, as in production
    day = ProblemDayFactory(school=school)
    DayActivityFactory(day=day, responsible=[StaffMemberFactory(school=school)])
    ThemeIdeaFactory(day=day)
    client = client_for(deputy_head)
    urls = [
        reverse(name, args=args)
        for name, args in (
            ("problemdays:day_detail", [day.pk]),
            ("problemdays:day_list", []),
            ("problemdays:day_edit", [day.pk]),
            ("problemdays:timetable", [day.pk]),
            ("problemdays:reflection_edit", [day.pk]),
        )
    ]
    compiled = compiled_models(client, urls, monkeypatch)
    assert not {label for label in compiled if label.startswith("problemdays.")}
