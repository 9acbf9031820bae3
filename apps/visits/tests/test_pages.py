"""The visits pages: my visits, planning, the visit, feedback with drafts, the
self-reflection, sharing and cancelling."""

import datetime
import json
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.mentoring.models import GroupEvent
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory, SubjectFactory
from apps.visits import services
from apps.visits.models import Feedback, LessonVisit, SelfReflection
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory
from conftest import client_for

H = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests read the English source of messages (the Russian is in the .po)."""
    settings.LANGUAGE_CODE = "en"


def person(school, *roles, **staff_fields):
    """A user with `roles` in `school` and their registry card."""
    user = UserFactory()
    MembershipFactory(user=user, school=school, roles=list(roles or [Role.TEACHER]))
    staff = StaffMemberFactory(school=school, user=user, last_name=user.last_name, **staff_fields)
    return user, staff


@pytest.fixture
def pair(school):
    """A pair with a curator: the mentor's lesson is observed by the mentee."""
    curator_user, curator_staff = person(school, Role.CURATOR)
    observed_user, observed = person(school)
    observer_user, observer = person(school)
    group = MentorGroupFactory(school=school, curator=curator_staff, members=[observed, observer])
    return {
        "group": group,
        "curator": curator_user,
        "observed_user": observed_user,
        "observed": observed,
        "observer_user": observer_user,
        "observer": observer,
    }


def held_visit(pair, *, ended_ago=H, **fields):
    ends_at = timezone.now().replace(microsecond=0) - ended_ago
    return LessonVisitFactory(
        school=pair["group"].school,
        group=pair["group"],
        observed=fields.pop("observed", pair["observed"]),
        observers=fields.pop("observers", [pair["observer"]]),
        starts_at=ends_at - datetime.timedelta(minutes=45),
        ends_at=ends_at,
        **fields,
    )


def local_input(moment):
    return timezone.localtime(moment, moment.tzinfo).strftime("%Y-%m-%dT%H:%M")


def feedback_data(visit, school, **overrides):
    held = timezone.localtime(visit.ends_at + H, school.tzinfo)
    data = {
        "facts": "Из 24 учеников 9 задали вопросы к тексту.",
        "toward_goal": "Ученики сами сформулировали цель.",
        "reconsider": "Самостоятельная работа — 4 минуты вместо 10.",
        "questions": "Что изменится, если ученики выберут вопрос сами?",
        "next_step": "Дать 10 минут на работу в парах.",
        "follow_up_on": "",
        "debrief_held_at": held.strftime("%Y-%m-%dT%H:%M"),
        "debrief_format": "online",
        "action": "submit",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# --- My visits -------------------------------------------------------------------------------


def test_my_visits_lists_awaiting_with_time_left_upcoming_and_received(school, pair):
    awaiting = held_visit(pair, topic="Урок ожидает отзыва")
    overdue = held_visit(pair, ended_ago=50 * H, topic="Просроченный разбор", status=LessonVisit.Status.OVERDUE)
    upcoming = held_visit(pair, ended_ago=-30 * H, topic="Будущий урок", status=LessonVisit.Status.PLANNED)
    received = held_visit(
        pair,
        ended_ago=80 * H,
        observed=pair["observer"],
        observers=[pair["observed"]],
        topic="Урок с отзывом",
        status=LessonVisit.Status.DEBRIEFED,
    )
    FeedbackFactory(visit=received)
    LessonVisit.objects.filter(pk=received.pk).update(debriefed_at=received.ends_at + 3 * H)

    response = client_for(pair["observer_user"]).get(reverse("visits:my"))
    html = response.content.decode()
    awaiting_part = html.split('data-testid="awaiting"')[1].split("</ul>")[0]
    assert "Урок ожидает отзыва" in awaiting_part and "Просроченный разбор" in awaiting_part
    assert awaiting_part.index("Просроченный разбор") < awaiting_part.index("Урок ожидает отзыва")
    assert 'data-overdue="1"' in awaiting_part  # shown in red
    due_local = timezone.localtime(awaiting.debrief_due_at, school.tzinfo).strftime("%d.%m.%Y %H:%M")
    assert due_local in awaiting_part  # in the school's time zone (Europe/Samara)
    assert reverse("visits:feedback", args=[overdue.pk]) in awaiting_part
    assert "Будущий урок" in html.split('data-testid="upcoming-visits"')[1].split("</ul>")[0]
    assert "Урок с отзывом" in html.split('data-testid="received"')[1].split("</ul>")[0]
    assert reverse("visits:detail", args=[upcoming.pk]) in html
    # The list never shows feedback text.
    assert "9 задали вопросы" not in html


@time_machine.travel(datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC))
def test_an_old_visit_shows_its_year_and_this_year_s_does_not(school, pair):
    """«Пн 08.12 10:00» of a visit held a year ago read as this December: outside the
    current academic year a short date carries its year, everywhere it is shown."""
    old = held_visit(pair, ended_ago=400 * 24 * H, topic="Давний урок", status=LessonVisit.Status.OVERDUE)
    LessonVisit.objects.filter(pk=old.pk).update(debrief_due_at=old.ends_at + 48 * H)
    html = client_for(pair["observer_user"]).get(reverse("visits:my")).content.decode()
    awaiting_part = html.split('data-testid="awaiting"')[1].split("</ul>")[0]
    starts = timezone.localtime(old.starts_at, school.tzinfo)
    assert starts.strftime("%d.%m.%Y %H:%M") in awaiting_part
    recent = timezone.localtime(held_visit(pair, topic="Недавний урок").starts_at, school.tzinfo)
    html = client_for(pair["observer_user"]).get(reverse("visits:my")).content.decode()
    awaiting_part = html.split('data-testid="awaiting"')[1].split("</ul>")[0]
    assert recent.strftime("%d.%m %H:%M") in awaiting_part
    assert recent.strftime("%d.%m.%Y") not in awaiting_part
    board = client_for(pair["curator"]).get(reverse("visits:deadlines")).content.decode()
    assert starts.strftime("%d.%m.%Y %H:%M") in board


def test_my_visits_without_a_registry_card(school, teacher):
    response = client_for(teacher).get(reverse("visits:my"))
    assert response.status_code == 200
    assert 'data-testid="awaiting"' not in response.content.decode()


@pytest.mark.parametrize("many", ["awaiting", "upcoming"])
def test_my_visits_caps_each_list_without_starving_the_other(pair, many):
    """Awaiting and upcoming come from one query, each capped: a long list of one
    kind shows its first twenty and leaves the other kind whole."""
    counts = {"awaiting": 3, "upcoming": 3, many: 23}
    for i in range(counts["awaiting"]):
        held_visit(pair, ended_ago=(i + 1) * H, topic=f"Ждёт {i:02d}")
    for i in range(counts["upcoming"]):
        held_visit(pair, ended_ago=-(i + 2) * 24 * H, topic=f"Впереди {i:02d}", status=LessonVisit.Status.PLANNED)
    submitted = held_visit(pair, ended_ago=2 * H, topic="Отзыв отправлен")
    FeedbackFactory(visit=submitted, observer=pair["observer"])
    html = client_for(pair["observer_user"]).get(reverse("visits:my")).content.decode()
    awaiting = html.split('data-testid="awaiting"')[1].split("</ul>")[0]
    upcoming = html.split('data-testid="upcoming-visits"')[1].split("</ul>")[0]
    # Awaiting by deadline, the earliest first (ended longest ago); upcoming by start, the nearest first.
    due_order = [f"Ждёт {i:02d}" for i in reversed(range(counts["awaiting"]))]
    start_order = [f"Впереди {i:02d}" for i in range(counts["upcoming"])]
    for part, order in ((awaiting, due_order), (upcoming, start_order)):
        assert part.count("<li") == min(len(order), 20)
        assert [topic for topic in order if topic in part] == order[:20]
        assert sorted(order[:20], key=part.index) == order[:20]
    assert "Отзыв отправлен" not in awaiting


def _populate_my_visits(pair, size):
    for i in range(size):
        held_visit(pair, ended_ago=(i + 1) * H)
        held_visit(pair, ended_ago=-(i + 2) * 24 * H, status=LessonVisit.Status.PLANNED)
        visit = held_visit(
            pair,
            ended_ago=(i + 60) * H,
            observed=pair["observer"],
            observers=[pair["observed"], StaffMemberFactory(school=pair["group"].school)],
            status=LessonVisit.Status.DEBRIEFED,
        )
        FeedbackFactory(visit=visit)
        LessonVisit.objects.filter(pk=visit.pk).update(debriefed_at=visit.ends_at + 3 * H)


def test_my_visits_runs_a_fixed_number_of_queries(pair):
    client = client_for(pair["observer_user"])
    url = reverse("visits:my")
    _populate_my_visits(pair, 2)
    small = count_queries(client, url)
    _populate_my_visits(pair, 30)
    assert count_queries(client, url) == small
    # The user, the card, the page's five lists in three queries (awaiting, upcoming and received together,
    # received with its count; next steps; planned by me), the unread notifications and the to-do count; no
    # observers, no per-list count query.
    assert small <= 7


@pytest.mark.parametrize(("number", "shown"), [("1", [3, 2]), ("2", [1]), ("9", [1]), ("x", [3, 2])])
def test_my_visits_pages_the_received_ones_and_keeps_the_other_lists(pair, number, shown):
    """The received lessons, the latest debrief first, are paged (a page beyond the last is the
    last); the awaiting and upcoming ones come with every page."""
    received = {}
    for i in (1, 2, 3):
        visit = held_visit(
            pair,
            ended_ago=(100 - i) * H,
            observed=pair["observer"],
            observers=[pair["observed"]],
            status=LessonVisit.Status.DEBRIEFED,
            topic=f"Полученный {i}",
        )
        LessonVisit.objects.filter(pk=visit.pk).update(debriefed_at=visit.ends_at + H)
        received[i] = visit.pk
    awaiting = held_visit(pair, topic="Ждёт отзыва")
    upcoming = held_visit(pair, ended_ago=-30 * H, status=LessonVisit.Status.PLANNED)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("apps.visits.page_views.PAGE_SIZE", 2)
        context = client_for(pair["observer_user"]).get(reverse("visits:my"), {"page": number}).context
    assert [visit.pk for visit in context["received"].object_list] == [received[i] for i in shown]
    assert context["received"].paginator.count == 3
    assert [visit.pk for visit in context["awaiting"]] == [awaiting.pk]
    assert [visit.pk for visit in context["upcoming"]] == [upcoming.pk]


def test_visit_page_runs_a_fixed_number_of_queries(school, pair):
    client = client_for(pair["curator"])
    visit = held_visit(pair)
    FeedbackFactory(visit=visit)
    services.self_reflection_save(visit=visit, text="Заметила, что торопила учеников.")
    url = reverse("visits:detail", args=[visit.pk])
    small = count_queries(client, url)
    for _ in range(6):
        colleague = StaffMemberFactory(school=school)
        visit.observer_links.create(staff=colleague)
        FeedbackFactory(visit=visit, observer=colleague)
    assert count_queries(client, url) == small
    assert small <= 12


def test_the_administration_s_visit_page_reads_no_feedback_text(school, pair, deputy_head):
    """The administration sees who submitted, never what: the page does not even load the
    feedback's text, its ticks or the self-reflection's text, nor ask whether a share opens it
    (administration never reads through sharing)."""
    visit = held_visit(pair, shared_with_association=True)
    FeedbackFactory(visit=visit)
    services.self_reflection_save(visit=visit, text="Заметила, что торопила учеников.")
    with CaptureQueriesContext(connection) as captured:
        response = client_for(deputy_head).get(reverse("visits:detail", args=[visit.pk]))
    assert response.status_code == 200
    assert 'data-testid="content-hidden"' in response.content.decode()
    assert 'aria-label="feedback submitted"' in response.content.decode()  # who submitted shows
    sql = "\n".join(query["sql"] for query in captured)
    assert '"visits_feedback"."facts"' not in sql
    assert "visits_feedbackcheck" not in sql
    assert "visits_visitsharereader" not in sql


def test_the_observed_teacher_s_visit_page_asks_no_share_question(school, pair):
    """Her own debrief she reads anyway: whether a share opens it to her is not asked; the
    readers she shared it with are listed (one query)."""
    visit = held_visit(pair, shared_with_association=True)
    with CaptureQueriesContext(connection) as captured:
        response = client_for(pair["observed_user"]).get(reverse("visits:detail", args=[visit.pk]))
    assert response.status_code == 200
    assert sum("visits_visitsharereader" in query["sql"] for query in captured) == 1


# --- Planning a visit ------------------------------------------------------------------------


def _populate_planning(school, pair, size):
    for i in range(size):
        observed_user, observed = person(school)
        mentee = StaffMemberFactory(school=school)
        SubjectFactory(school=school, name=f"Предмет {i} {observed.pk}")
        MentorGroupFactory(school=school, curator=StaffMemberFactory(school=school), members=[observed, mentee])
        held_visit(pair, ended_ago=(i + 2) * H, observers=[pair["observer"], mentee])


@pytest.mark.parametrize("query", ["", "?answers=", "?from_visit="])
def test_planning_form_runs_a_fixed_number_of_queries(school, pair, query):
    """Each list of choices is read once: the pairs (with their members), the people for
    both the select and the boxes, the subjects, the protocols, the visits to answer."""
    client = client_for(pair["curator"])
    source = held_visit(pair, status=LessonVisit.Status.DEBRIEFED)
    FeedbackFactory(visit=source)
    url = reverse("visits:create") + (f"{query}{source.pk}" if query else "")
    client.get(url)  # the default protocols made
    _populate_planning(school, pair, 1)
    small = count_queries(client, url)
    _populate_planning(school, pair, 8)
    assert count_queries(client, url) == small
    # The user, the card, the pairs, their members' names, the protocols, the people,
    # the subjects, the visits to answer, the unread notifications and the to-do count; and
    # the visit a reverse visit answers (with its observers) or the source of a next step
    # (with its observers and feedback; its ticks are not read).
    assert small <= {"": 10, "?answers=": 12, "?from_visit=": 13}[query]


def plan_data(pair, **overrides):
    data = {
        "kind": LessonVisit.Kind.PAIR_VISIT,
        "group": pair["group"].pk,
        "observed": pair["observed"].pk,
        "observers": [pair["observer"].pk],
        "day": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        "start": "10:00",
        "end": "10:45",
        "grade": "7Б",
        "topic": "Причастный оборот",
        "observed_aspect": "Вопросы учителя после объяснения",
    }
    data.update(overrides)
    return data


def test_curator_plans_a_visit_in_the_school_time_zone(school, pair):
    subject = SubjectFactory(school=school, name="Русский язык")
    response = client_for(pair["curator"]).post(reverse("visits:create"), plan_data(pair, subject=subject.pk))
    visit = LessonVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:detail", args=[visit.pk])
    local = timezone.localtime(visit.starts_at, school.tzinfo)
    assert (local.hour, local.minute) == (10, 0)
    assert visit.debrief_due_at == visit.ends_at + 48 * H
    assert list(visit.observers.all()) == [pair["observer"]]
    assert visit.subject == subject and visit.group == pair["group"]
    assert visit.created_by == pair["curator"]
    assert GroupEvent.objects.filter(group=pair["group"], title="Причастный оборот").exists()


def test_the_form_offers_the_school_s_protocols(school, pair):
    response = client_for(pair["curator"]).get(reverse("visits:create"))
    html = response.content.decode()
    assert "Взаимопосещение: один аспект урока" in html


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"end": "09:30"}, "end", "The lesson must end after it starts."),
        ({"observers": "OBSERVED"}, "observers", "The observed teacher cannot observe their own lesson."),
        ({"observers": []}, "observers", "Choose at least one observer."),
    ],
)
def test_bad_visit_input_comes_back_with_errors_and_the_input_kept(school, pair, overrides, field, message):
    if overrides.get("observers") == "OBSERVED":
        overrides["observers"] = [pair["observed"].pk, pair["observer"].pk]
    data = plan_data(pair, topic="Тема, которую нельзя терять", **overrides)
    response = client_for(pair["curator"]).post(reverse("visits:create"), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert "Тема, которую нельзя терять" in response.content.decode()
    assert not LessonVisit.objects.exists()


def test_a_teacher_plans_only_visits_they_take_part_in(school, pair):
    _other_user, other = person(school)
    _third_user, third = person(school)
    client = client_for(pair["observer_user"])
    data = plan_data(pair, group="", observed=other.pk, observers=[third.pk])
    response = client.post(reverse("visits:create"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not LessonVisit.objects.exists()
    # As an observer of a colleague's lesson (no pair), it works.
    response = client.post(reverse("visits:create"), plan_data(pair, group="", observed=other.pk))
    assert response.status_code == 302
    assert LessonVisit.objects.get().created_by == pair["observer_user"]


def test_a_teacher_may_use_their_own_pair_but_not_another(school, pair):
    foreign = MentorGroupFactory(school=school)
    form = client_for(pair["observer_user"]).get(reverse("visits:create")).context["form"]
    # Offered: only their own pair (a posted form validates against the same groups).
    assert [value for value, _label in form.fields["group"].choices if value] == [pair["group"].pk]
    response = client_for(pair["observer_user"]).post(reverse("visits:create"), plan_data(pair, group=foreign.pk))
    assert "group" in response.context["form"].errors


def test_prefill_from_a_group(school, pair):
    response = client_for(pair["curator"]).get(reverse("visits:create"), {"group": pair["group"].pk})
    initial = response.context["form"].initial
    assert initial["group"] == pair["group"].pk
    assert initial["observed_aspect"] == pair["group"].observed_aspect


def _debriefed_visit(pair):
    visit = held_visit(pair, ended_ago=60 * H, status=LessonVisit.Status.DEBRIEFED)
    FeedbackFactory(visit=visit, next_step="Проверить понимание через выходной билет")
    LessonVisit.objects.filter(pk=visit.pk).update(debriefed_at=visit.ends_at + 3 * H)
    return visit


def test_prefill_from_an_agreed_next_step(school, pair):
    visit = _debriefed_visit(pair)
    response = client_for(pair["observed_user"]).get(reverse("visits:create"), {"from_visit": visit.pk})
    initial = response.context["form"].initial
    # Shown beside the form, never copied into the visit's facts (which managers read).
    assert response.context["next_step_hint"] == "Проверить понимание через выходной билет"
    assert "выходной билет" not in initial["observed_aspect"]
    assert initial["group"] == pair["group"].pk
    assert initial["observed"] == pair["observed"].pk
    assert initial["observers"] == [pair["observer"].pk]


def test_the_next_step_is_not_prefilled_for_who_may_not_read_it(school, pair, deputy_head):
    visit = _debriefed_visit(pair)
    response = client_for(deputy_head).get(reverse("visits:create"), {"from_visit": visit.pk})
    assert "выходной билет" not in response.content.decode()


def test_plan_the_reverse_visit(school, pair):
    visit = _debriefed_visit(pair)
    client = client_for(pair["observed_user"])
    initial = client.get(reverse("visits:create"), {"answers": visit.pk}).context["form"].initial
    assert initial["kind"] == LessonVisit.Kind.REVERSE_VISIT
    assert initial["observed"] == pair["observer"].pk
    assert initial["observers"] == [pair["observed"].pk]
    data = plan_data(
        pair,
        kind=LessonVisit.Kind.REVERSE_VISIT,
        observed=pair["observer"].pk,
        observers=[pair["observed"].pk],
        answers_visit=visit.pk,
    )
    response = client.post(reverse("visits:create"), data)
    assert response.status_code == 302
    assert LessonVisit.objects.get(kind=LessonVisit.Kind.REVERSE_VISIT).answers_visit == visit


def test_a_reverse_visit_answers_a_visit_the_teacher_observed(school, pair):
    visit = _debriefed_visit(pair)
    _user, stranger = person(school)
    data = plan_data(pair, group="", observed=stranger.pk, observers=[pair["observed"].pk], answers_visit=visit.pk)
    response = client_for(pair["curator"]).post(reverse("visits:create"), data)
    assert "answers_visit" in response.context["form"].errors


# --- The visit page --------------------------------------------------------------------------


def test_visit_page_shows_facts_to_the_administration_and_content_to_the_curator(school, pair, administrator):
    visit = held_visit(pair, status=LessonVisit.Status.DEBRIEFED)
    FeedbackFactory(visit=visit, facts="Девять учеников задали вопросы.")
    LessonVisit.objects.filter(pk=visit.pk).update(debriefed_at=visit.ends_at + 3 * H)
    url = reverse("visits:detail", args=[visit.pk])

    html = client_for(administrator).get(url).content.decode()
    assert 'data-status="debriefed"' in html
    assert "Девять учеников" not in html
    assert 'data-testid="content-hidden"' in html

    html = client_for(pair["curator"]).get(url).content.decode()
    assert "Девять учеников" in html


def test_a_teacher_outside_the_visit_gets_403(school, pair, teacher):
    visit = held_visit(pair)
    assert client_for(teacher).get(reverse("visits:detail", args=[visit.pk])).status_code == 403


# --- Feedback --------------------------------------------------------------------------------


def test_the_feedback_form_shows_the_protocol_and_the_evaluative_words(school, pair):
    services.protocols_ensure_defaults(school=school)
    protocol = school.observation_protocols.get(name="Взаимопосещение: один аспект урока")
    visit = held_visit(pair, protocol=protocol)
    response = client_for(pair["observer_user"]).get(reverse("visits:feedback", args=[visit.pk]))
    html = response.content.decode()
    assert "Учитель проверил понимание после объяснения" in html  # a checklist item
    words = re.search(r'<script id="evaluative-words" type="application/json">(.*?)</script>', html).group(1)
    assert "молодец" in json.loads(words)
    assert response.context["form"].initial["debrief_held_at"].tzinfo is not None


def test_only_the_observers_give_feedback(school, pair, curator, administrator):
    visit = held_visit(pair)
    for user in (pair["observed_user"], pair["curator"], administrator):
        assert client_for(user).get(reverse("visits:feedback", args=[visit.pk])).status_code == 403
        assert client_for(user).post(reverse("visits:feedback_draft", args=[visit.pk])).status_code == 403


def test_a_draft_is_saved_and_seen_by_its_author_only(school, pair):
    visit = held_visit(pair)
    url = reverse("visits:feedback", args=[visit.pk])
    client = client_for(pair["observer_user"])
    response = client.post(url, {"facts": "ЧЕРНОВИК: 9 вопросов", "debrief_held_at": "не дата", "action": "draft"})
    assert response.status_code == 302 and response["Location"] == url
    feedback = Feedback.objects.get()
    assert feedback.facts == "ЧЕРНОВИК: 9 вопросов" and feedback.submitted_at is None
    assert "ЧЕРНОВИК" in client.get(url).content.decode()

    detail = reverse("visits:detail", args=[visit.pk])
    for user in (pair["observed_user"], pair["curator"]):
        assert "ЧЕРНОВИК" not in client_for(user).get(detail).content.decode()
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.HELD


def test_the_automatic_draft_answers_a_small_fragment(school, pair):
    visit = held_visit(pair)
    response = client_for(pair["observer_user"]).post(
        reverse("visits:feedback_draft", args=[visit.pk]),
        {"facts": "Автосохранение", "follow_up_on": "2026-13-45"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-draft-saved" in html and "<html" not in html
    local = timezone.localtime(Feedback.objects.get().updated_at, school.tzinfo).strftime("%H:%M")
    assert local in html
    assert Feedback.objects.get().facts == "Автосохранение"


def test_submit_debriefs_the_visit_on_time(school, pair):
    visit = held_visit(pair)
    response = client_for(pair["observer_user"]).post(
        reverse("visits:feedback", args=[visit.pk]), feedback_data(visit, school)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:detail", args=[visit.pk])
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.DEBRIEFED
    feedback = Feedback.objects.get()
    assert feedback.is_submitted and feedback.debrief_format == "online"
    assert feedback.debrief_held_at == (visit.ends_at + H).replace(second=0)  # entered in the school's zone
    # After the submit, the form sends back to the visit, and the browser copy is cleared there.
    assert client_for(pair["observer_user"]).get(reverse("visits:feedback", args=[visit.pk])).status_code == 302
    detail = client_for(pair["observer_user"]).get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert f'data-draft-clear="feedback:{visit.pk}:{pair["observer_user"].pk}"' in detail


def test_submit_after_the_deadline_debriefs_late(school, pair):
    visit = held_visit(pair, ended_ago=60 * H, status=LessonVisit.Status.OVERDUE)
    data = feedback_data(visit, school, debrief_held_at=local_input(timezone.localtime(visit.ends_at + 50 * H)))
    client_for(pair["observer_user"]).post(reverse("visits:feedback", args=[visit.pk]), data)
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.DEBRIEFED_LATE


def test_a_debrief_dated_before_the_lesson_comes_back_with_the_text_kept(school, pair):
    visit = held_visit(pair)
    before = local_input(timezone.localtime(visit.starts_at - H))
    data = feedback_data(visit, school, facts="Факты, которые нельзя терять", debrief_held_at=before)
    response = client_for(pair["observer_user"]).post(reverse("visits:feedback", args=[visit.pk]), data)
    assert response.status_code == 200
    assert "The debrief cannot be before the end of the lesson." in response.context["form"].errors["debrief_held_at"]
    assert "Факты, которые нельзя терять" in response.content.decode()
    # …and kept on the server as a draft too.
    feedback = Feedback.objects.get()
    assert feedback.facts == "Факты, которые нельзя терять" and not feedback.is_submitted
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.HELD


def test_facts_are_required_on_submit_but_not_in_a_draft(school, pair):
    visit = held_visit(pair)
    data = feedback_data(visit, school, facts="  ", questions="Вопрос, который нельзя терять")
    response = client_for(pair["observer_user"]).post(reverse("visits:feedback", args=[visit.pk]), data)
    assert response.status_code == 200
    assert "facts" in response.context["form"].errors
    assert "Вопрос, который нельзя терять" in response.content.decode()
    assert Feedback.objects.get().questions == "Вопрос, который нельзя терять"


def test_evaluative_words_give_a_warning_never_a_block(school, pair):
    visit = held_visit(pair)
    data = feedback_data(
        visit, school, toward_goal="Молодец, всё отлично!", reconsider="Слабовидящий ученик сидел сзади."
    )
    response = client_for(pair["observer_user"]).post(reverse("visits:feedback", args=[visit.pk]), data)
    assert response.status_code == 302
    assert Feedback.objects.get().is_submitted
    warnings = [m for m in messages_of(response) if "evaluative words" in m]
    assert len(warnings) == 1
    assert "«молодец»" in warnings[0] and "«отлично»" in warnings[0]
    assert "слабо" not in warnings[0]  # whole words only


def test_a_submit_after_the_session_expired_goes_to_login_and_back_to_the_form(school, pair):
    visit = held_visit(pair)
    url = reverse("visits:feedback", args=[visit.pk])
    response = client_for(None).post(url, feedback_data(visit, school))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert not Feedback.objects.exists()


def test_no_feedback_on_a_cancelled_visit(school, pair):
    visit = held_visit(pair, status=LessonVisit.Status.CANCELLED, cancel_reason="Карантин")
    response = client_for(pair["observer_user"]).get(reverse("visits:feedback", args=[visit.pk]))
    assert response.status_code == 302


# --- Self-reflection, sharing, cancelling ----------------------------------------------------


def test_the_observed_teacher_writes_a_self_reflection(school, pair):
    visit = held_visit(pair)
    url = reverse("visits:reflection", args=[visit.pk])
    client = client_for(pair["observed_user"])
    assert client.post(url, {"text": ""}).status_code == 200
    response = client.post(url, {"text": "Торопила учеников с ответами."})
    assert response.status_code == 302
    assert SelfReflection.objects.get(visit=visit).text == "Торопила учеников с ответами."
    assert "Торопила учеников" in client.get(url).content.decode()
    assert client_for(pair["observer_user"]).get(url).status_code == 403


def test_the_self_reflection_page_reads_no_feedback(school, pair):
    visit = held_visit(pair)
    for _ in range(3):
        FeedbackFactory(visit=visit, observer=StaffMemberFactory(school=school))
    services.self_reflection_save(visit=visit, text="Торопила учеников.")
    client = client_for(pair["observed_user"])
    # The user, the visit with its self-reflection, its observers, the unread notifications, the to-dos.
    assert count_queries(client, reverse("visits:reflection", args=[visit.pk])) <= 5


def test_only_the_observed_teacher_shares_the_debrief(school, pair):
    visit = held_visit(pair)
    url = reverse("visits:share", args=[visit.pk])
    assert client_for(pair["curator"]).post(url, {"shared": "1"}).status_code == 403
    client = client_for(pair["observed_user"])
    assert client.post(url, {"shared": "1"}).status_code == 302
    visit.refresh_from_db()
    assert visit.shared_with_association
    client.post(url, {"shared": "0"})
    visit.refresh_from_db()
    assert not visit.shared_with_association
    assert client.get(url).status_code == 405


def test_cancel_needs_a_reason(school, pair, administrator):
    visit = held_visit(pair)
    url = reverse("visits:cancel", args=[visit.pk])
    client = client_for(administrator)
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.HELD
    client.post(url, {"reason": "Урок перенесён"})
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.CANCELLED and visit.cancel_reason == "Урок перенесён"
    assert client_for(pair["observer_user"]).post(url, {"reason": "x"}).status_code == 403


def test_the_planner_may_cancel_their_visit(school, pair):
    visit = held_visit(pair, status=LessonVisit.Status.PLANNED, created_by=pair["observer_user"])
    client_for(pair["observer_user"]).post(reverse("visits:cancel", args=[visit.pk]), {"reason": "Болезнь"})
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.CANCELLED


def test_actions_shown_by_relation(school, pair, administrator):
    visit = held_visit(pair)
    url = reverse("visits:detail", args=[visit.pk])

    def testids(user):
        return set(re.findall(r'data-testid="([^"]+)"', client_for(user).get(url).content.decode()))

    assert {"give-feedback"} <= testids(pair["observer_user"])
    assert "share-toggle" not in testids(pair["observer_user"])
    assert {"share-toggle", "write-reflection"} <= testids(pair["observed_user"])
    assert "give-feedback" not in testids(pair["observed_user"])
    assert "cancel-visit" in testids(administrator)
    assert "cancel-visit" in testids(pair["curator"])
    assert "cancel-visit" not in testids(pair["observed_user"])


def test_my_agreed_next_steps_show_on_my_visits_for_me_only(school, teacher, curator):
    from apps.staff.tests.factories import StaffMemberFactory
    from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory

    me = StaffMemberFactory(school=school, user=teacher)
    visit = LessonVisitFactory(school=school, observed=me, status="debriefed")
    visit.debriefed_at = visit.ends_at
    visit.save()
    FeedbackFactory(visit=visit, next_step="Дать 10 минут на работу в парах")
    response = client_for(teacher).get(reverse("visits:my"))
    assert "Дать 10 минут на работу в парах" in response.content.decode()
    StaffMemberFactory(school=school, user=curator)
    assert "Дать 10 минут" not in client_for(curator).get(reverse("visits:my")).content.decode()


def test_visits_outside_a_pair_show_in_my_calendar(school, teacher):
    from apps.staff.tests.factories import StaffMemberFactory
    from apps.visits.tests.factories import LessonVisitFactory

    me = StaffMemberFactory(school=school, user=teacher)
    visit = LessonVisitFactory(school=school, observers=[me], kind="pedagogical_tour", topic="Педагогический тур")
    day = timezone.localtime(visit.starts_at, school.tzinfo).date()
    response = client_for(teacher).get(reverse("mentoring:my_calendar"), {"date": day.isoformat()})
    assert reverse("visits:detail", args=[visit.pk]) in response.content.decode()


def test_a_visit_on_the_pairs_schedule_is_not_moved_from_the_schedule(school, pair):
    data = plan_data(pair, topic="Урок с дедлайном")
    client_for(pair["curator"]).post(reverse("visits:create"), data)
    visit = LessonVisit.objects.get()
    response = client_for(pair["curator"]).get(reverse("mentoring:event_edit", args=[visit.event_id]))
    assert response["Location"] == reverse("visits:detail", args=[visit.pk])
