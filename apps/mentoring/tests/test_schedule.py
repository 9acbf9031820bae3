"""The curator's schedule of pair work: events, double booking, calendars, the
board, similar problems, pair suggestions and network results."""

import datetime
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory
from apps.core.dates import school_today
from apps.mentoring.models import GroupEvent, MentorGroup, NetworkPairResult
from apps.mentoring.selectors import mentor_suggestions, similar_problems
from apps.mentoring.services import group_event_create
from apps.mentoring.tests.factories import GroupEventFactory, MentorGroupFactory, ProblemTagFactory
from apps.mentoring.tests.route_factories import DevelopmentRouteFactory, RouteStepFactory
from apps.staff.services import category_award_create
from apps.staff.tests.factories import StaffMemberFactory, SubjectFactory
from conftest import client_for

D = datetime.date
DAY = datetime.timedelta(days=1)
SAMARA = zoneinfo.ZoneInfo("Europe/Samara")


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SAMARA)


@pytest.fixture
def my_pair(school, curator, teacher):
    """A pair curated by the curator persona with the teacher persona in it."""
    return MentorGroupFactory(
        school=school,
        curator=StaffMemberFactory(school=school, user=curator, last_name="Соколова"),
        members=[StaffMemberFactory(school=school, user=teacher, last_name="Белова")],
    )


def test_curator_schedules_a_meeting_in_the_schools_time(my_pair, curator):
    response = client_for(curator).post(
        reverse("mentoring:event_create", args=[my_pair.pk]),
        {
            "kind": "meeting",
            "title": "Планирование взаимопосещений",
            "day": "2026-12-02",
            "start": "14:30",
            "end": "15:15",
            "participants": [m.staff_id for m in my_pair.members.all()] + [my_pair.curator_id],
        },
    )
    assert response.status_code == 302
    event = GroupEvent.objects.get()
    # Samara is UTC+4: 14:30 there is 10:30 UTC.
    assert event.starts_at == datetime.datetime(2026, 12, 2, 10, 30, tzinfo=datetime.UTC)
    assert event.participants.count() == 3


def test_event_form_errors_keep_input(my_pair, curator):
    response = client_for(curator).post(
        reverse("mentoring:event_create", args=[my_pair.pk]),
        {"kind": "meeting", "title": "Разбор урока", "day": "2026-12-02", "start": "15:00", "end": "14:00"},
    )
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    assert 'value="Разбор урока"' in response.content.decode()
    assert not GroupEvent.objects.exists()


def test_participants_outside_the_group_are_refused(my_pair, curator, school):
    stranger = StaffMemberFactory(school=school)
    response = client_for(curator).post(
        reverse("mentoring:event_create", args=[my_pair.pk]),
        {
            "kind": "meeting",
            "title": "Встреча",
            "day": "2026-12-02",
            "start": "14:00",
            "end": "15:00",
            "participants": [stranger.pk],
        },
    )
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors


def test_double_booking_of_a_person_is_flagged_not_refused(school, my_pair):
    member = my_pair.members.first().staff
    other_group = MentorGroupFactory(school=school, members=[member])
    first, conflicts = group_event_create(
        group=my_pair, kind="meeting", title="Встреча", starts_at=at(D(2026, 12, 2), 14), ends_at=at(D(2026, 12, 2), 15)
    )
    assert conflicts == []
    second, conflicts = group_event_create(
        group=other_group,
        kind="debrief",
        title="Урок",
        starts_at=at(D(2026, 12, 2), 14, 30),
        ends_at=at(D(2026, 12, 2), 15, 15),
    )
    assert conflicts == [first]
    _, conflicts = group_event_create(
        group=other_group,
        kind="meeting",
        title="Позже",
        starts_at=at(D(2026, 12, 2), 15),
        ends_at=at(D(2026, 12, 2), 16),
    )
    assert conflicts == [second]  # touching the end of the first is no clash


def test_calendar_flags_double_booking_and_shows_the_week(school, my_pair, teacher):
    member = my_pair.members.get(staff__user=teacher).staff
    other_group = MentorGroupFactory(school=school, members=[member])
    day = D(2026, 12, 2)
    group_event_create(group=my_pair, kind="meeting", title="Встреча пары", starts_at=at(day, 14), ends_at=at(day, 15))
    group_event_create(group=other_group, kind="meeting", title="Совещание", starts_at=at(day, 14), ends_at=at(day, 15))
    group_event_create(
        group=other_group,
        kind="meeting",
        title="Другая неделя",
        starts_at=at(D(2026, 12, 9), 9),
        ends_at=at(D(2026, 12, 9), 10),
    )
    response = client_for(teacher).get(reverse("mentoring:my_calendar"), {"view": "week", "date": "2026-12-03"})
    html = response.content.decode()
    assert "Встреча пары" in html and "Совещание" in html and "Другая неделя" not in html
    events = [e for week in response.context["weeks"] for cell in week for e in cell.events]
    assert all(e.is_double_booked for e in events)
    month = client_for(teacher).get(reverse("mentoring:my_calendar"), {"view": "month", "date": "2026-12-03"})
    assert "Другая неделя" in month.content.decode()


def test_calendar_flags_no_double_booking_against_a_cancelled_or_an_adjacent_event(school, my_pair, teacher):
    """Only another event, not cancelled, overlapping in time takes a person twice;
    a cancelled event is never flagged itself."""
    member = my_pair.members.get(staff__user=teacher).staff
    other_group = MentorGroupFactory(school=school, members=[member])
    day = D(2026, 12, 2)
    group_event_create(group=my_pair, kind="meeting", title="Встреча", starts_at=at(day, 14), ends_at=at(day, 15))
    # Right after it: adjacent, not overlapping.
    group_event_create(group=other_group, kind="meeting", title="Следом", starts_at=at(day, 15), ends_at=at(day, 16))
    cancelled, _conflicts = group_event_create(
        group=other_group, kind="meeting", title="Отменена", starts_at=at(day, 14), ends_at=at(day, 15)
    )
    cancelled.status = GroupEvent.Status.CANCELLED
    cancelled.save(update_fields=["status"])
    response = client_for(teacher).get(reverse("mentoring:my_calendar"), {"view": "week", "date": "2026-12-03"})
    flags = {e.title: e.is_double_booked for week in response.context["weeks"] for cell in week for e in cell.events}
    assert flags == {"Встреча": False, "Следом": False, "Отменена": False}
    cancelled.status = GroupEvent.Status.PLANNED
    cancelled.save(update_fields=["status"])
    response = client_for(teacher).get(reverse("mentoring:my_calendar"), {"view": "week", "date": "2026-12-03"})
    flags = {e.title: e.is_double_booked for week in response.context["weeks"] for cell in week for e in cell.events}
    assert flags == {"Встреча": True, "Следом": False, "Отменена": True}


def test_calendar_survives_bad_parameters(my_pair, teacher):
    response = client_for(teacher).get(reverse("mentoring:my_calendar"), {"view": "year", "date": "31.02.2026"})
    assert response.status_code == 200


def test_teacher_cannot_open_a_colleagues_calendar(school, teacher):
    StaffMemberFactory(school=school, user=teacher)
    colleague = StaffMemberFactory(school=school)
    assert client_for(teacher).get(reverse("mentoring:staff_calendar", args=[colleague.pk])).status_code == 403


def _populate(school, curator_staff, size):
    for _ in range(size):
        group = MentorGroupFactory(school=school, curator=curator_staff)
        tag = ProblemTagFactory(school=school)
        group.problem_tags.add(tag)
        GroupEventFactory(
            group=group,
            kind=GroupEvent.Kind.REVERSE_VISIT,
            status=GroupEvent.Status.HELD,
            starts_at=timezone.now() - datetime.timedelta(days=3),
            ends_at=timezone.now() - datetime.timedelta(days=3) + datetime.timedelta(hours=1),
        )
        GroupEventFactory(group=group)


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name,params",
    [
        ("mentoring:board", {}),
        ("mentoring:group_list", {}),
        ("mentoring:my_calendar", {"view": "month"}),
        ("mentoring:similar", {}),
        ("mentoring:tags", {}),
    ],
)
def test_boards_and_lists_run_a_fixed_number_of_queries(school, curator, deputy_head, name, params):
    curator_staff = StaffMemberFactory(school=school, user=curator)
    user = deputy_head if name == "mentoring:tags" else curator
    client = client_for(user)
    _populate(school, curator_staff, 3)
    small = _count(client, reverse(name), params)
    _populate(school, curator_staff, 20)
    assert _count(client, reverse(name), params) == small


def test_group_detail_and_suggestions_run_a_fixed_number_of_queries(school, administrator):
    client = client_for(administrator)
    group = MentorGroupFactory(school=school)
    mentee = StaffMemberFactory(school=school, teaching_since=D(2025, 9, 1), hired_on=D(2025, 9, 1))
    GroupEventFactory(group=group)
    small = (
        _count(client, reverse("mentoring:group_detail", args=[group.pk])),
        _count(client, reverse("mentoring:suggestions"), {"mentee": mentee.pk}),
    )
    for _ in range(15):
        GroupEventFactory(group=group)
        StaffMemberFactory(school=school)
    assert (
        _count(client, reverse("mentoring:group_detail", args=[group.pk])),
        _count(client, reverse("mentoring:suggestions"), {"mentee": mentee.pk}),
    ) == small


def test_board_fills_every_list_in_a_few_queries(school, curator):
    """A curator who is also in a pair, mentors a route and has her own: each list
    of the board gets its rows, and the board reads them in one query per kind."""
    today = school_today(school)
    me = StaffMemberFactory(school=school, user=curator, last_name="Соколова")
    curated = MentorGroupFactory(school=school, curator=me)
    mine = MentorGroupFactory(school=school, members=[me])
    past = timezone.now() - datetime.timedelta(days=2)
    soon = timezone.now() + datetime.timedelta(days=2)
    GroupEventFactory(group=curated, title="Не отмечено", starts_at=past, ends_at=past + datetime.timedelta(hours=1))
    GroupEventFactory(group=mine, title="Скоро", starts_at=soon, ends_at=soon + datetime.timedelta(hours=1))
    mentee = curated.members.first().staff
    theirs = RouteStepFactory(route=DevelopmentRouteFactory(school=school, teacher=mentee), due_on=today - DAY)
    mentored = RouteStepFactory(route=DevelopmentRouteFactory(school=school, mentor=me), due_on=today - DAY)
    mentored.responsible = me
    mentored.save()
    own_route = DevelopmentRouteFactory(school=school, teacher=me)
    own = RouteStepFactory(route=own_route, due_on=today - DAY)
    client = client_for(curator)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("mentoring:board"))
    context = response.context
    assert [g.pk for g in context["curated"]] == [curated.pk]
    assert [g.pk for g in context["mine"]] == [mine.pk]
    assert [e.title for e in context["due"]] == ["Не отмечено"]
    assert [e.title for e in context["upcoming"]] == ["Скоро"]
    assert [step.pk for step in context["curated_steps"]] == [theirs.pk]
    assert [step.pk for step in context["my_steps"]] == [mentored.pk]
    assert [step.pk for step in context["own_steps"]] == [own.pk]
    assert reverse("mentoring:route_detail", args=[own_route.pk]) in response.content.decode()
    # The request's own (session, membership, staff card, unread count: 4), the
    # groups with members (2: cards show no tags), events, steps, the own route.
    assert len(captured) == 4 + 2 + 3, [q["sql"][:60] for q in captured]


def test_board_lines_written_in_python_escape_what_people_typed(school, curator):
    """The board's lists are written in Python, not by the template's autoescape: an
    event's title, a step's title and a teacher's name typed with markup are shown as text."""
    today = school_today(school)
    me = StaffMemberFactory(school=school, user=curator)
    curated = MentorGroupFactory(school=school, curator=me)
    past = timezone.now() - datetime.timedelta(days=2)
    soon = timezone.now() + datetime.timedelta(days=2)
    GroupEventFactory(group=curated, title="<b>past</b>", starts_at=past, ends_at=past + datetime.timedelta(hours=1))
    GroupEventFactory(group=curated, title="<i>soon</i>", starts_at=soon, ends_at=soon + datetime.timedelta(hours=1))
    mentee = curated.members.first().staff
    mentee.last_name = "<u>Белова</u>"
    mentee.save()
    RouteStepFactory(
        route=DevelopmentRouteFactory(school=school, teacher=mentee), title="<s>step</s>", due_on=today - DAY
    )
    page = client_for(curator).get(reverse("mentoring:board")).content.decode()
    for typed in ("<b>past</b>", "<i>soon</i>", "<u>Белова</u>", "<s>step</s>"):
        assert typed not in page
    for shown in ("&lt;b&gt;past&lt;/b&gt;", "&lt;i&gt;soon&lt;/i&gt;", "&lt;u&gt;Белова&lt;/u&gt;", "&lt;s&gt;step"):
        assert shown in page


def test_group_list_shows_a_group_once_with_its_overdue_events_counted_once(school, curator):
    """A curator's pair with two past events still planned: one card, two overdue
    events (not one per member of the pair)."""
    me = StaffMemberFactory(school=school, user=curator)
    group = MentorGroupFactory(school=school, curator=me)
    past = timezone.now() - datetime.timedelta(days=2)
    for _ in range(2):
        GroupEventFactory(group=group, starts_at=past, ends_at=past + datetime.timedelta(hours=1))
    response = client_for(curator).get(reverse("mentoring:group_list"))
    cards = list(response.context["page"].object_list)
    assert [card.pk for card in cards] == [group.pk]
    assert cards[0].overdue_events == 2


def test_board_shows_due_events_and_reverse_visits(school, my_pair, curator):
    past = timezone.now() - datetime.timedelta(days=2)
    GroupEventFactory(
        group=my_pair, title="Урок без отметки", starts_at=past, ends_at=past + datetime.timedelta(hours=1)
    )
    response = client_for(curator).get(reverse("mentoring:board"))
    assert [e.title for e in response.context["due"]] == ["Урок без отметки"]
    card = response.context["curated"][0]
    assert card.reverse_visit_held is False and card.overdue_events == 1


def test_similar_problems_across_groups(school):
    tag, lonely = ProblemTagFactory(school=school, name="Смысловое чтение"), ProblemTagFactory(school=school)
    first, second = MentorGroupFactory(school=school), MentorGroupFactory(school=school)
    first.problem_tags.add(tag, lonely)
    second.problem_tags.add(tag)
    MentorGroupFactory(school=school, status=MentorGroup.Status.DISSOLVED).problem_tags.add(lonely)
    problems = similar_problems(school=school)
    assert [p.tag for p in problems] == [tag]
    assert len(problems[0].teachers) == 4
    assert {group for _staff, group in problems[0].teachers} == {first.pk, second.pk}


def test_mentor_suggestions_prefer_higher_status_other_subject_and_light_load(school):
    school.max_active_groups_per_teacher = 1
    school.save()
    history = SubjectFactory(school=school, name="История")
    maths = SubjectFactory(school=school, name="Математика")
    mentee = StaffMemberFactory(school=school, subjects=[history], teaching_since=D(2025, 9, 1), hired_on=D(2025, 9, 1))
    other_subject = StaffMemberFactory(
        school=school, subjects=[maths], last_name="Другой", teaching_since=D(2000, 9, 1), hired_on=D(2001, 9, 1)
    )
    same_subject = StaffMemberFactory(
        school=school, subjects=[history], last_name="Такой", teaching_since=D(2000, 9, 1), hired_on=D(2001, 9, 1)
    )
    busy = StaffMemberFactory(
        school=school, subjects=[maths], last_name="Занятой", teaching_since=D(2000, 9, 1), hired_on=D(2001, 9, 1)
    )
    junior = StaffMemberFactory(school=school, subjects=[maths], teaching_since=D(2025, 10, 1), hired_on=D(2025, 10, 1))
    for person in (other_subject, same_subject, busy):
        category_award_create(staff=person, category="highest", awarded_on=D(2024, 1, 10))
    MentorGroupFactory(school=school, members=[busy])

    with translation.override("en"):
        ranked = mentor_suggestions(school=school, mentee=mentee)
    names = [s.staff.last_name for s in ranked]
    assert names[:3] == ["Другой", "Такой", "Занятой"]
    assert junior not in [s.staff for s in ranked]
    assert any(r.startswith("another subject") for r in ranked[0].reasons)
    assert "same subject" in ranked[1].reasons
    assert any("double load" in r for r in ranked[2].reasons)


def test_network_result_with_file_checks_type_and_is_downloadable_by_members(school, teacher, administrator):
    school.network = SchoolNetworkFactory()
    school.save()
    partner = SchoolFactory(network=school.network)
    me = StaffMemberFactory(school=school, user=teacher)
    group = MentorGroupFactory(school=school, partner_school=partner, members=[me, StaffMemberFactory(school=partner)])
    client = client_for(teacher)
    url = reverse("mentoring:result_create", args=[group.pk])
    fake = SimpleUploadedFile("programme.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(url, {"year": 2026, "quarter": 4, "form": "programme", "title": "Программа", "file": fake})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    good = SimpleUploadedFile("programme.pdf", b"%PDF-1.4 programme")
    response = client.post(url, {"year": 2026, "quarter": 4, "form": "programme", "title": "Программа", "file": good})
    assert response.status_code == 302
    result = NetworkPairResult.objects.get()
    download = client.get(reverse("mentoring:result_file", args=[result.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 programme"
    again = client.post(
        url, {"year": 2026, "quarter": 4, "form": "video", "title": "Ещё", "link": "https://v.example/1"}
    )
    assert again.status_code == 200  # one result a quarter
    assert NetworkPairResult.objects.count() == 1


def test_only_network_pairs_present_results(school, administrator):
    group = MentorGroupFactory(school=school)
    assert client_for(administrator).get(reverse("mentoring:result_create", args=[group.pk])).status_code == 403


def test_similar_problems_include_the_curators_own_debriefs_only(school, curator, administrator):
    from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory

    tag = ProblemTagFactory(school=school, name="Дисциплина на уроке")
    mine = StaffMemberFactory(school=school, user=curator)
    tagged_group = MentorGroupFactory(school=school)
    tagged_group.problem_tags.add(tag)
    my_group = MentorGroupFactory(school=school, curator=mine)
    observed = my_group.members.first().staff
    visit = LessonVisitFactory(school=school, group=my_group, observed=observed)
    FeedbackFactory(visit=visit).problem_tags.add(tag)

    as_curator = similar_problems(school=school, curator_user=curator)
    assert [p.tag for p in as_curator] == [tag]
    assert observed in [staff for staff, _group in as_curator[0].teachers]
    # The administration sees only the groups' own tags: one group, no similar pair.
    assert similar_problems(school=school, curator_user=administrator) == []


def test_a_lesson_visit_is_planned_only_as_a_visit_and_a_meeting_apart(my_pair, curator):
    """One way to plan a visit (with observers, feedback and its deadline); the
    schedule's own entry is for meetings and debriefs."""
    client = client_for(curator)
    for page in (reverse("mentoring:board"), reverse("mentoring:group_detail", args=[my_pair.pk])):
        html = client.get(page).content.decode()
        assert f'href="{reverse("visits:create")}?group={my_pair.pk}"' in html
        assert f'href="{reverse("mentoring:event_create", args=[my_pair.pk])}"' in html
        assert 'data-testid="arrange-meeting' in html and 'data-testid="plan-visit' in html
    form = client.get(reverse("mentoring:event_create", args=[my_pair.pk])).context["form"]
    assert {value for value, _label in form.fields["kind"].choices} == {"meeting", "debrief"}
    redirect = client.get(reverse("mentoring:event_create", args=[my_pair.pk]), {"kind": "lesson_visit"})
    assert redirect["Location"] == f"{reverse('visits:create')}?group={my_pair.pk}"
    posted = client.post(
        reverse("mentoring:event_create", args=[my_pair.pk]),
        {"kind": "lesson_visit", "title": "Урок", "day": "2026-12-02", "start": "10:00", "end": "10:45"},
    )
    assert posted.status_code == 200 and "kind" in posted.context["form"].errors
    with pytest.raises(ValidationError) as refused:
        group_event_create(
            group=my_pair,
            kind=GroupEvent.Kind.REVERSE_VISIT,
            title="Урок",
            starts_at=at(D(2026, 12, 2), 10),
            ends_at=at(D(2026, 12, 2), 11),
        )
    assert "kind" in refused.value.message_dict
    assert not GroupEvent.objects.exists()


def test_an_older_lesson_visit_entry_can_still_be_marked_held(my_pair, curator):
    # Mid-morning two days ago: an hour from the evening would end on the next day.
    past = timezone.localtime(timezone.now() - datetime.timedelta(days=2), SAMARA).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    event = GroupEventFactory(
        group=my_pair, kind=GroupEvent.Kind.LESSON_VISIT, starts_at=past, ends_at=past + datetime.timedelta(hours=1)
    )
    local = timezone.localtime(event.starts_at, SAMARA)
    response = client_for(curator).post(
        reverse("mentoring:event_edit", args=[event.pk]),
        {
            "kind": "lesson_visit",
            "title": event.title,
            "day": local.date().isoformat(),
            "start": local.strftime("%H:%M"),
            "end": timezone.localtime(event.ends_at, SAMARA).strftime("%H:%M"),
            "participants": [p.pk for p in event.participants.all()],
            "status": "held",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == GroupEvent.Status.HELD


def test_curator_s_calendar_and_board_show_the_same_events(school, my_pair, curator):
    """Her group's visit she does not attend is on both; another group's is on neither."""
    soon = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=1)
    not_attending = GroupEventFactory(group=my_pair, title="Урок без куратора", starts_at=soon)
    not_attending.participations.filter(staff=my_pair.curator).delete()
    later = soon + datetime.timedelta(hours=2)
    attending = GroupEventFactory(group=my_pair, title="Встреча с куратором", starts_at=later)
    GroupEventFactory(group=MentorGroupFactory(school=school), title="Чужая пара", starts_at=soon)

    client = client_for(curator)
    board = {e.pk for e in client.get(reverse("mentoring:board")).context["upcoming"]}
    local_day = timezone.localtime(soon, SAMARA).date()
    calendar = client.get(reverse("mentoring:my_calendar"), {"view": "month", "date": local_day.isoformat()})
    on_calendar = {
        e.pk for week in calendar.context["weeks"] for cell in week for e in cell.events if isinstance(e, GroupEvent)
    }
    assert board == {not_attending.pk, attending.pk}
    assert on_calendar == board


def test_double_booking_warning_names_who_is_booked_twice(school, my_pair, curator):
    member = my_pair.members.first().staff
    other = MentorGroupFactory(school=school, members=[member])
    day = D(2026, 12, 2)
    group_event_create(group=other, kind="meeting", title="Совещание", starts_at=at(day, 14), ends_at=at(day, 15))
    response = client_for(curator).post(
        reverse("mentoring:event_create", args=[my_pair.pk]),
        {
            "kind": "meeting",
            "title": "Встреча пары",
            "day": day.isoformat(),
            "start": "14:30",
            "end": "15:15",
            "participants": [member.pk, my_pair.curator_id],
        },
        follow=True,
    )
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert member.short_name in warnings[0] and "Совещание" in warnings[0]
    assert my_pair.curator.short_name not in warnings[0]  # she is free at that time


def test_calendar_page_does_not_read_participants_it_never_shows(my_pair, teacher):
    GroupEventFactory(group=my_pair, starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(hours=1))
    with CaptureQueriesContext(connection) as captured:
        response = client_for(teacher).get(reverse("mentoring:my_calendar"), {"view": "month"})
    assert response.status_code == 200
    assert not [q["sql"] for q in captured if "_prefetch_related_val_event_id" in q["sql"]]


def test_event_edit_reads_the_lesson_visit_with_the_event(my_pair, curator):
    event = GroupEventFactory(group=my_pair)
    with CaptureQueriesContext(connection) as captured:
        response = client_for(curator).get(reverse("mentoring:event_edit", args=[event.pk]))
    assert response.status_code == 200
    assert not [q["sql"] for q in captured if q["sql"].startswith('SELECT "visits_lessonvisit"')]
