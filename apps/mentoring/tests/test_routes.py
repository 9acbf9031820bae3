"""Individual development routes: services (same-school rules, completion dates,
evidence), selectors (overdue steps for the boards) and pages (who sees and
changes what, bad input, query counts)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory
from apps.core.dates import school_today
from apps.mentoring.models import DevelopmentRoute, GroupEvent, RouteStep
from apps.mentoring.route_selectors import route_list, route_steps_overdue
from apps.mentoring.route_services import (
    development_route_create,
    development_route_update,
    route_step_create,
    route_step_update,
)
from apps.mentoring.tests.factories import GroupEventFactory, MentorGroupFactory
from apps.mentoring.tests.route_factories import (
    DevelopmentRouteFactory,
    EarlyCareerTeacherFactory,
    RouteStepFactory,
)
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

D = datetime.date
DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4 protocol of a visited lesson"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def today(school):
    return school_today(school)


@pytest.fixture
def young(school, teacher):
    """The teacher persona's registry record: early-career."""
    return EarlyCareerTeacherFactory(school=school, user=teacher)


@pytest.fixture
def mentor(school, curator):
    """The curator persona's registry record, mentor of the route."""
    return StaffMemberFactory(school=school, user=curator)


@pytest.fixture
def route(school, young, mentor, today):
    return DevelopmentRouteFactory(school=school, teacher=young, mentor=mentor, starts_on=today - 60 * DAY)


def _error_keys(excinfo):
    return set(excinfo.value.error_dict)


# --- services -----------------------------------------------------------------------------------


def test_route_is_opened_for_an_early_career_teacher(school, young, mentor, today):
    route = development_route_create(
        school=school, teacher=young, mentor=mentor, goals="  Освоить формирующее оценивание  ", starts_on=today
    )
    assert route.school == school
    assert route.goals == "Освоить формирующее оценивание"


def test_route_is_refused_for_a_teacher_with_three_years_of_teaching(school, mentor, today):
    seasoned = StaffMemberFactory(school=school, teaching_since=D(2012, 8, 30))
    with pytest.raises(ValidationError) as excinfo:
        development_route_create(school=school, teacher=seasoned, mentor=mentor, goals="Цели", starts_on=today)
    assert _error_keys(excinfo) == {"teacher"}
    assert not DevelopmentRoute.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "mentor"])
def test_route_people_must_work_in_the_route_school(who, school, other_school, young, mentor, today):
    people = {"teacher": young, "mentor": mentor}
    people[who] = (EarlyCareerTeacherFactory if who == "teacher" else StaffMemberFactory)(school=other_school)
    with pytest.raises(ValidationError) as excinfo:
        development_route_create(school=school, goals="Цели", starts_on=today, **people)
    assert _error_keys(excinfo) == {who}


def test_route_mentor_is_someone_other_than_the_teacher(school, young, today):
    with pytest.raises(ValidationError) as excinfo:
        development_route_create(school=school, teacher=young, mentor=young, goals="Цели", starts_on=today)
    assert _error_keys(excinfo) == {"mentor"}


def test_route_mentor_who_left_is_refused(school, young, today):
    left = StaffMemberFactory(school=school, is_active=False, left_on=D(2024, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        development_route_create(school=school, teacher=young, mentor=left, goals="Цели", starts_on=today)
    assert _error_keys(excinfo) == {"mentor"}


def test_new_mentor_takes_over_the_open_steps_of_the_previous_one(school, route, mentor):
    open_step = RouteStepFactory(route=route)
    done_step = RouteStepFactory(route=route, status=RouteStep.Status.DONE)
    colleague_step = RouteStepFactory(route=route, responsible=StaffMemberFactory(school=school))
    successor = StaffMemberFactory(school=school)

    development_route_update(route=route, mentor=successor)

    open_step.refresh_from_db(), done_step.refresh_from_db(), colleague_step.refresh_from_db()
    assert route.mentor == successor
    assert open_step.responsible == successor
    assert done_step.responsible == mentor
    assert colleague_step.responsible != successor


def test_route_cannot_start_after_its_steps_are_due(route):
    step = RouteStepFactory(route=route)
    with pytest.raises(ValidationError) as excinfo:
        development_route_update(route=route, starts_on=step.due_on + DAY)
    assert _error_keys(excinfo) == {"starts_on"}


def test_route_mentor_from_another_school_is_refused_on_update(route, other_school):
    with pytest.raises(ValidationError) as excinfo:
        development_route_update(route=route, mentor=StaffMemberFactory(school=other_school))
    assert _error_keys(excinfo) == {"mentor"}


def test_step_is_added_with_the_route_mentor_responsible(route, mentor, today):
    step = route_step_create(route=route, title="Провести открытый урок", due_on=today + 10 * DAY, responsible=mentor)
    assert step.status == RouteStep.Status.PLANNED
    assert step.completed_on is None


@pytest.mark.parametrize(
    "case,field",
    [("other_school", "responsible"), ("the_teacher", "responsible"), ("before_start", "due_on")],
)
def test_step_bad_input_is_refused_by_field(case, field, route, mentor, other_school, today):
    kwargs = {"route": route, "title": "Шаг", "due_on": today, "responsible": mentor}
    if case == "other_school":
        kwargs["responsible"] = StaffMemberFactory(school=other_school)
    elif case == "the_teacher":
        kwargs["responsible"] = route.teacher
    else:
        kwargs["due_on"] = route.starts_on - DAY
    with pytest.raises(ValidationError) as excinfo:
        route_step_create(**kwargs)
    assert _error_keys(excinfo) == {field}
    assert not RouteStep.objects.exists()


def test_done_step_is_dated_by_the_school_s_today(school, young, mentor):
    # 21:30 UTC on 1 March is already 2 March in Samara (UTC+4).
    with time_machine.travel(datetime.datetime(2026, 3, 1, 21, 30, tzinfo=datetime.UTC), tick=False):
        route = DevelopmentRouteFactory(school=school, teacher=young, mentor=mentor, starts_on=D(2026, 2, 1))
        step = RouteStepFactory(route=route, due_on=D(2026, 3, 10))
        route_step_update(step=step, status=RouteStep.Status.DONE)
    assert step.completed_on == D(2026, 3, 2)


def test_done_step_keeps_its_first_completion_date(route):
    step = RouteStepFactory(route=route)
    route_step_update(step=step, status=RouteStep.Status.DONE, on=D(2026, 3, 2))
    route_step_update(step=step, status=RouteStep.Status.DONE, evidence_link="https://example.org/a", on=D(2026, 4, 1))
    step.refresh_from_db()
    assert step.completed_on == D(2026, 3, 2)


@pytest.mark.parametrize("status", [RouteStep.Status.IN_PROGRESS, RouteStep.Status.PLANNED, RouteStep.Status.CANCELLED])
def test_reopening_or_cancelling_a_done_step_clears_its_completion_date(status, route):
    step = RouteStepFactory(route=route)
    route_step_update(step=step, status=RouteStep.Status.DONE, on=D(2026, 3, 2))
    route_step_update(step=step, status=status)
    step.refresh_from_db()
    assert step.status == status
    assert step.completed_on is None


def _visit(route, *, kind=GroupEvent.Kind.LESSON_VISIT, member=True, **extra):
    members = [route.mentor, route.teacher] if member else None
    group = MentorGroupFactory(school=route.school, members=members)
    return GroupEventFactory(group=group, kind=kind, **extra)


def test_a_lesson_visit_of_the_teacher_s_pair_is_evidence(route):
    step = RouteStepFactory(route=route)
    visit = _visit(route)
    reverse_visit = _visit(route, kind=GroupEvent.Kind.REVERSE_VISIT)
    route_step_update(step=step, evidence_event=visit)
    route_step_update(step=step, evidence_event=reverse_visit)
    assert step.evidence_event == reverse_visit


@pytest.mark.parametrize("case", ["meeting", "not_a_member", "cancelled"])
def test_evidence_visit_must_be_a_visit_of_the_teacher_s_group(case, route):
    step = RouteStepFactory(route=route)
    if case == "meeting":
        event = _visit(route, kind=GroupEvent.Kind.MEETING)
    elif case == "not_a_member":
        event = _visit(route, member=False)
    else:
        event = _visit(route, status=GroupEvent.Status.CANCELLED)
    with pytest.raises(ValidationError) as excinfo:
        route_step_update(step=step, evidence_event=event)
    assert _error_keys(excinfo) == {"evidence_event"}


def test_a_step_of_a_mentor_who_left_can_still_be_closed(route, school):
    step = RouteStepFactory(route=route)
    step.responsible.is_active, step.responsible.left_on = False, D(2026, 1, 31)
    step.responsible.save()
    route_step_update(step=step, status=RouteStep.Status.DONE, responsible=step.responsible, on=D(2026, 2, 2))
    assert step.status == RouteStep.Status.DONE


def test_replaced_evidence_file_is_deleted_after_commit(route, django_capture_on_commit_callbacks):
    step = RouteStepFactory(route=route)
    route_step_update(step=step, evidence_file=SimpleUploadedFile("first.pdf", PDF))
    first = step.evidence_file.name
    storage = step.evidence_file.storage
    with django_capture_on_commit_callbacks(execute=True):
        route_step_update(step=step, evidence_file=SimpleUploadedFile("second.pdf", PDF))
    assert storage.exists(step.evidence_file.name)
    assert not storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        route_step_update(step=step, evidence_file=None)
    step.refresh_from_db()
    assert not step.evidence_file


# --- selectors ----------------------------------------------------------------------------------


def test_overdue_steps_are_open_steps_due_before_the_day(route, today):
    planned = RouteStepFactory(route=route, due_on=today - 3 * DAY)
    started = RouteStepFactory(route=route, due_on=today - DAY, status=RouteStep.Status.IN_PROGRESS)
    RouteStepFactory(route=route, due_on=today)  # due today: not yet overdue
    RouteStepFactory(route=route, due_on=today - 5 * DAY, status=RouteStep.Status.DONE)
    RouteStepFactory(route=route, due_on=today - 5 * DAY, status=RouteStep.Status.CANCELLED)
    assert list(route_steps_overdue(school=route.school, on=today)) == [planned, started]


def test_overdue_steps_for_the_mentor_s_and_the_curator_s_boards(school, route, mentor, today):
    other_route = DevelopmentRouteFactory(school=school, starts_on=route.starts_on)
    mine = RouteStepFactory(route=route, due_on=today - DAY)
    theirs = RouteStepFactory(route=other_route, due_on=today - DAY)
    DevelopmentRouteFactory(school=school)  # a route without steps changes nothing

    assert list(route_steps_overdue(school=school, on=today, responsible=mentor)) == [mine]
    assert list(route_steps_overdue(school=school, on=today, teachers=[other_route.teacher_id])) == [theirs]
    teachers = DevelopmentRoute.objects.filter(pk=route.pk).values("teacher")
    assert list(route_steps_overdue(school=school, on=today, teachers=teachers)) == [mine]


def test_overdue_steps_of_another_school_are_not_listed(other_school, route, today):
    RouteStepFactory(route=route, due_on=today - DAY)
    assert not route_steps_overdue(school=other_school, on=today).exists()


def test_route_list_counts_progress_and_scopes_to_the_person(school, route, teacher, today):
    RouteStepFactory(route=route, due_on=today - DAY)
    RouteStepFactory(route=route, due_on=today + 5 * DAY, status=RouteStep.Status.IN_PROGRESS)
    RouteStepFactory(route=route, due_on=today - 9 * DAY, status=RouteStep.Status.DONE)
    RouteStepFactory(route=route, due_on=today - 9 * DAY, status=RouteStep.Status.CANCELLED)
    someone_else = DevelopmentRouteFactory(school=school)

    rows = {row.pk: row for row in route_list(school=school, on=today)}
    assert set(rows) == {route.pk, someone_else.pk}
    row = rows[route.pk]
    assert (row.step_count, row.done_count, row.overdue_count) == (3, 1, 1)
    assert row.next_due_on == today - DAY
    assert [r.pk for r in route_list(school=school, on=today, user=teacher)] == [route.pk]
    assert [r.pk for r in route_list(school=school, on=today, overdue_only=True)] == [route.pk]


# --- pages --------------------------------------------------------------------------------------


def _other_teacher(school):
    """A teacher of the school with no part in the route."""
    return MembershipFactory(school=school, roles=[Role.TEACHER]).user


def test_teacher_sees_only_the_routes_they_take_part_in(school, route, teacher):
    DevelopmentRouteFactory(school=school)
    response = client_for(teacher).get(reverse("mentoring:route_list"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["page"].object_list] == [route.pk]


@pytest.mark.parametrize("persona", ["curator", "deputy_head", "administrator"])
def test_curators_and_administration_see_every_route(persona, request, school, route):
    DevelopmentRouteFactory(school=school)
    response = client_for(request.getfixturevalue(persona)).get(reverse("mentoring:route_list"))
    assert response.context["page"].paginator.count == 2


def test_a_teacher_who_mentors_sees_and_manages_the_route(school, young):
    mentor_user = _other_teacher(school)
    route = DevelopmentRouteFactory(school=school, mentor=StaffMemberFactory(school=school, user=mentor_user))
    client = client_for(mentor_user)
    assert [r.pk for r in client.get(reverse("mentoring:route_list")).context["page"].object_list] == [route.pk]
    assert client.get(reverse("mentoring:route_edit", args=[route.pk])).status_code == 200
    assert client.get(reverse("mentoring:route_step_add", args=[route.pk])).status_code == 200


def test_teacher_of_the_school_without_a_part_in_the_route_gets_403(school, route):
    client = client_for(_other_teacher(school))
    step = RouteStepFactory(route=route)
    assert client.get(reverse("mentoring:route_detail", args=[route.pk])).status_code == 403
    assert client.get(reverse("mentoring:route_step_edit", args=[step.pk])).status_code == 403


def test_route_s_teacher_cannot_edit_the_route_or_add_steps(route, teacher):
    client = client_for(teacher)
    assert client.get(reverse("mentoring:route_detail", args=[route.pk])).status_code == 200
    assert client.get(reverse("mentoring:route_edit", args=[route.pk])).status_code == 403
    assert client.post(reverse("mentoring:route_step_add", args=[route.pk]), {}).status_code == 403


@pytest.mark.parametrize(
    "name,kind",
    [
        ("mentoring:route_detail", "route"),
        ("mentoring:route_edit", "route"),
        ("mentoring:route_step_add", "route"),
        ("mentoring:route_step_edit", "step"),
        ("mentoring:route_step_evidence", "step"),
    ],
)
def test_user_of_other_school_gets_404_on_a_route(name, kind, other_school, curator, outsider):
    """Neither this school's curator nor the other school's administrator can reach it."""
    foreign = DevelopmentRouteFactory(school=other_school)
    obj = foreign if kind == "route" else RouteStepFactory(route=foreign)
    assert client_for(curator).get(reverse(name, args=[obj.pk])).status_code == 404
    own = DevelopmentRouteFactory(school=curator.memberships.get().school)
    obj = own if kind == "route" else RouteStepFactory(route=own)
    assert client_for(outsider).get(reverse(name, args=[obj.pk])).status_code == 404


def test_route_detail_marks_overdue_steps_and_shows_evidence(route, teacher, today):
    overdue = RouteStepFactory(route=route, due_on=today - DAY, title="Разработать технологическую карту урока")
    done = RouteStepFactory(
        route=route,
        due_on=today - 9 * DAY,
        status=RouteStep.Status.DONE,
        evidence_link="https://example.org/protokoly",
    )
    response = client_for(teacher).get(reverse("mentoring:route_detail", args=[route.pk]))
    steps = {step.pk: step for step in response.context["steps"]}
    assert steps[overdue.pk].is_overdue and not steps[done.pk].is_overdue
    assert response.context["overdue_count"] == 1
    content = response.content.decode()
    assert content.count('data-testid="overdue-badge"') == 1
    assert "https://example.org/protokoly" in content


def test_curator_opens_a_route_for_an_early_career_teacher(school, curator, young, mentor, today):
    response = client_for(curator).post(
        reverse("mentoring:route_create"),
        {"teacher": young.pk, "mentor": mentor.pk, "goals": "Выстроить дисциплину на уроке", "starts_on": today},
    )
    route = DevelopmentRoute.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:route_detail", args=[route.pk])
    assert (route.teacher, route.mentor, route.school) == (young, mentor, school)


def test_route_form_offers_only_early_career_teachers_working_here(school, curator, young, mentor, today):
    seasoned = StaffMemberFactory(school=school, teaching_since=D(2001, 9, 1), hired_on=D(2001, 9, 1))
    client = client_for(curator)
    form = client.get(reverse("mentoring:route_create")).context["form"]
    assert list(form.fields["teacher"].queryset) == [young]
    response = client.post(
        reverse("mentoring:route_create"),
        {"teacher": seasoned.pk, "mentor": mentor.pk, "goals": "Цели маршрута", "starts_on": today},
    )
    assert response.status_code == 200
    assert "teacher" in response.context["form"].errors
    assert not DevelopmentRoute.objects.exists()


@pytest.mark.parametrize("with_young", [True, False])
def test_route_form_reads_the_early_career_teachers_once(school, curator, mentor, with_young):
    """The drop-down's read also says whether there is anyone to open a route for."""
    if with_young:
        EarlyCareerTeacherFactory(school=school)
    with CaptureQueriesContext(connection) as captured:
        response = client_for(curator).get(reverse("mentoring:route_create"))
    html = response.content.decode()
    assert ("There are no early-career teachers" in html or "Сейчас в реестре кадров нет" in html) != with_young
    # The early-career rule (teaching since a date) is in one query's WHERE, not two.
    assert sum('"staff_staffmember"."teaching_since" >' in q["sql"] for q in captured) == 1


def test_bad_route_form_keeps_what_was_typed(curator, young, today):
    response = client_for(curator).post(
        reverse("mentoring:route_create"),
        {"teacher": young.pk, "mentor": young.pk, "goals": "Освоить смысловое чтение", "starts_on": "31.02.2026"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"mentor", "starts_on"}
    assert "Освоить смысловое чтение" in response.content.decode()
    assert not DevelopmentRoute.objects.exists()


def test_mentor_changes_the_route(school, curator, route):
    successor = StaffMemberFactory(school=school)
    response = client_for(curator).post(
        reverse("mentoring:route_edit", args=[route.pk]),
        {"mentor": successor.pk, "goals": "Новые цели", "starts_on": route.starts_on},
    )
    assert response.status_code == 302
    route.refresh_from_db()
    assert (route.mentor, route.goals) == (successor, "Новые цели")


def test_step_added_due_before_the_route_starts_is_a_form_error(curator, route, mentor):
    response = client_for(curator).post(
        reverse("mentoring:route_step_add", args=[route.pk]),
        {"title": "Провести открытый урок", "due_on": route.starts_on - DAY, "responsible": mentor.pk},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"due_on"}
    assert "Провести открытый урок" in response.content.decode()
    assert not RouteStep.objects.exists()


def test_mentor_adds_a_step(curator, route, mentor, today):
    response = client_for(curator).post(
        reverse("mentoring:route_step_add", args=[route.pk]),
        {"title": "Провести открытый урок", "due_on": today + 20 * DAY, "responsible": mentor.pk},
    )
    assert response.status_code == 302
    step = route.steps.get()
    assert (step.title, step.responsible, step.status) == ("Провести открытый урок", mentor, RouteStep.Status.PLANNED)


def test_route_s_teacher_reports_progress_with_evidence(route, teacher, today):
    step = RouteStepFactory(route=route, title="Посетить 4 урока наставника")
    visit = _visit(route)
    response = client_for(teacher).post(
        reverse("mentoring:route_step_edit", args=[step.pk]),
        {
            "title": "Другой шаг",  # not the teacher's to change: ignored
            "status": RouteStep.Status.DONE,
            "evidence_link": "https://example.org/protokoly",
            "evidence_file": SimpleUploadedFile("protokol.pdf", PDF),
            "evidence_event": visit.pk,
        },
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.title == "Посетить 4 урока наставника"
    assert (step.status, step.completed_on) == (RouteStep.Status.DONE, today)
    assert step.evidence_link == "https://example.org/protokoly"
    assert step.evidence_event == visit
    assert step.evidence_file.name.endswith(".pdf")


def test_route_s_teacher_cannot_cancel_a_step(route, teacher):
    step = RouteStepFactory(route=route)
    response = client_for(teacher).post(
        reverse("mentoring:route_step_edit", args=[step.pk]), {"status": RouteStep.Status.CANCELLED}
    )
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    step.refresh_from_db()
    assert step.status == RouteStep.Status.PLANNED


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("renamed.pdf", b"MZ\x90\x00 not a pdf"),
        SimpleUploadedFile("empty.pdf", b""),
    ],
    ids=["type", "content", "empty"],
)
def test_bad_evidence_file_is_a_form_error_and_nothing_changes(upload, route, teacher):
    step = RouteStepFactory(route=route)
    upload.seek(0)
    response = client_for(teacher).post(
        reverse("mentoring:route_step_edit", args=[step.pk]),
        {"status": RouteStep.Status.DONE, "evidence_link": "https://example.org/kept", "evidence_file": upload},
    )
    assert response.status_code == 200
    assert "evidence_file" in response.context["form"].errors
    assert "https://example.org/kept" in response.content.decode()
    step.refresh_from_db()
    assert (step.status, step.evidence_link, step.evidence_file.name) == (RouteStep.Status.PLANNED, "", "")


def test_evidence_file_over_20_mb_is_refused(route, teacher):
    step = RouteStepFactory(route=route)
    big = SimpleUploadedFile("video.webm", b"\x1a\x45\xdf\xa3" + b"\0" * (20 * 1024 * 1024))
    response = client_for(teacher).post(
        reverse("mentoring:route_step_edit", args=[step.pk]), {"status": "done", "evidence_file": big}
    )
    assert "evidence_file" in response.context["form"].errors


def test_evidence_file_is_downloaded_by_those_who_see_the_route(school, route, teacher, deputy_head):
    step = RouteStepFactory(route=route)
    route_step_update(step=step, evidence_file=SimpleUploadedFile("protokol.pdf", PDF))
    url = reverse("mentoring:route_step_evidence", args=[step.pk])
    for user in (teacher, deputy_head):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
    assert client_for(_other_teacher(school)).get(url).status_code == 403


def test_step_without_a_file_has_no_download(route, teacher):
    step = RouteStepFactory(route=route)
    assert client_for(teacher).get(reverse("mentoring:route_step_evidence", args=[step.pk])).status_code == 404


def test_evidence_file_can_be_removed(route, curator):
    step = RouteStepFactory(route=route)
    route_step_update(step=step, evidence_file=SimpleUploadedFile("protokol.pdf", PDF))
    response = client_for(curator).post(
        reverse("mentoring:route_step_edit", args=[step.pk]),
        {
            "title": step.title,
            "due_on": step.due_on,
            "responsible": step.responsible_id,
            "status": step.status,
            "remove_evidence_file": "on",
        },
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert not step.evidence_file


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _routes_with_steps(school, count, today):
    for _ in range(count):
        route = DevelopmentRouteFactory(school=school)
        RouteStepFactory(route=route, due_on=today - DAY)
        RouteStepFactory(route=route, due_on=today + DAY, status=RouteStep.Status.DONE)


def test_route_list_runs_the_same_number_of_queries_for_3_and_30_routes(school, deputy_head, today):
    client = client_for(deputy_head)
    url = reverse("mentoring:route_list")
    _routes_with_steps(school, 3, today)
    small = _queries(client, url)
    _routes_with_steps(school, 27, today)
    assert _queries(client, url) == small
    assert small <= 10


def test_route_detail_runs_the_same_number_of_queries_for_3_and_30_steps(route, teacher, today):
    client = client_for(teacher)
    url = reverse("mentoring:route_detail", args=[route.pk])

    def add_steps(count):
        for index in range(count):
            step = RouteStepFactory(route=route, due_on=today + (index - 2) * DAY)
            step.evidence_event = _visit(route)
            step.evidence_link = "https://example.org/evidence"
            step.save()

    add_steps(3)
    small = _queries(client, url)
    add_steps(27)
    assert _queries(client, url) == small
    assert small <= 10


def test_route_list_reads_its_page_and_the_total_in_one_query(school, route, administrator):
    """The total («N routes») comes with the page's rows, not from a COUNT of its own."""
    client = client_for(administrator)
    url = reverse("mentoring:route_list")

    def read():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        return response, [q["sql"] for q in captured]

    _response, few = read()
    for _ in range(27):
        DevelopmentRouteFactory(school=school)
    response, many = read()
    assert len(few) == len(many)
    assert any("COUNT(*) OVER ()" in sql and "mentoring_developmentroute" in sql for sql in many)
    assert "28 " in response.content.decode() and len(response.context["page"].object_list) == 25


def test_the_curator_of_the_teacher_s_pair_is_looked_up_once_on_the_route(school, route):
    """The curator of the teacher's pair manages the route, so may see it: their
    groups are asked about once, not once for seeing and again for managing."""
    user = MembershipFactory(school=school, roles=[Role.CURATOR]).user
    MentorGroupFactory(
        school=school,
        curator=StaffMemberFactory(school=school, user=user),
        members=[StaffMemberFactory(school=school), route.teacher],
    )
    with CaptureQueriesContext(connection) as captured:
        response = client_for(user).get(reverse("mentoring:route_detail", args=[route.pk]))
    assert response.status_code == 200
    assert response.context["can_manage"]
    curates = 'SELECT 1 AS "a" FROM "mentoring_mentorgroup"'
    assert sum(query["sql"].startswith(curates) for query in captured) == 1
