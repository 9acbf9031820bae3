"""A curator's visits end where she can follow them: whoever planned a visit opens it
and finds it again (its facts, never its feedback unless she is one of its
readers), and the sweep that marks a lesson held marks its entry on the pair's
schedule too, so the board does not ask her to mark it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.mentoring.models import GroupEvent
from apps.visits import services
from apps.visits.models import LessonVisit
from apps.visits.tests.test_pages import pair, person  # noqa: F401  (fixture)
from conftest import client_for

H = datetime.timedelta(hours=1)
SECRET = "СЕКРЕТНЫЙ-ФАКТ-ПЛАНИРОВЩИКУ"


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def _outside_visit_data(observed, observer):
    return {
        "kind": LessonVisit.Kind.CURATOR_VISIT,
        "group": "",
        "observed": observed.pk,
        "observers": [observer.pk],
        "day": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        "start": "10:00",
        "end": "10:45",
        "grade": "5А",
        "topic": "Дроби",
        "observed_aspect": "Вопросы учеников",
    }


def test_curator_who_plans_a_visit_outside_her_groups_opens_it_and_finds_it(school, pair):  # noqa: F811
    _observed_user, observed = person(school)
    _observer_user, observer = person(school)
    client = client_for(pair["curator"])

    response = client.post(reverse("visits:create"), _outside_visit_data(observed, observer), follow=True)

    assert response.status_code == 200
    visit = LessonVisit.objects.get()
    assert visit.group is None and visit.created_by == pair["curator"]
    assert response.context["visit"] == visit
    my = client.get(reverse("visits:my"))
    assert [v.pk for v in my.context["planned"]] == [visit.pk]
    assert f'href="{reverse("visits:detail", args=[visit.pk])}"' in my.content.decode()
    board = client.get(reverse("visits:deadlines"))
    assert visit.pk in [line.pk for line in board.context["upcoming"]]


def test_the_planner_who_is_not_a_reader_sees_the_facts_never_the_feedback(school, pair):  # noqa: F811
    _observed_user, observed = person(school)
    _observer_user, observer = person(school)
    ends = timezone.now().replace(second=0, microsecond=0) - 3 * H
    visit = services.visit_create(
        school=school,
        kind=LessonVisit.Kind.CURATOR_VISIT,
        observed=observed,
        observers=[observer],
        starts_at=ends - datetime.timedelta(minutes=45),
        ends_at=ends,
        grade="5А",
        topic="Дроби",
        observed_aspect="Вопросы учеников",
        created_by=pair["curator"],
    )
    LessonVisit.objects.filter(pk=visit.pk).update(status=LessonVisit.Status.HELD)
    services.feedback_submit(visit=visit, observer=observer, facts=SECRET, debrief_held_at=ends + H)

    response = client_for(pair["curator"]).get(reverse("visits:detail", args=[visit.pk]))

    assert response.status_code == 200
    assert response.context["can_read"] is False
    html = response.content.decode()
    assert "Дроби" in html and SECRET not in html
    # A colleague who neither planned it nor takes part still gets nothing.
    stranger, _card = person(school, Role.CURATOR)
    assert client_for(stranger).get(reverse("visits:detail", args=[visit.pk])).status_code == 403


def _group_visit(pair, *, ended_ago):  # noqa: F811
    ends = timezone.now().replace(second=0, microsecond=0) - ended_ago
    return services.visit_create(
        school=pair["group"].school,
        kind=LessonVisit.Kind.PAIR_VISIT,
        group=pair["group"],
        observed=pair["observed"],
        observers=[pair["observer"]],
        starts_at=ends - datetime.timedelta(minutes=45),
        ends_at=ends,
        grade="7Б",
        topic="Причастный оборот",
        observed_aspect="Вопросы учителя",
        created_by=pair["curator"],
    )


def test_the_sweep_marks_a_held_visit_s_schedule_entry_held(school, pair):  # noqa: F811
    ended = _group_visit(pair, ended_ago=H)
    coming = _group_visit(pair, ended_ago=-24 * H)
    client = client_for(pair["curator"])
    assert [e.pk for e in client.get(reverse("mentoring:board")).context["due"]] == [ended.event_id]

    services.visits_deadline_sweep()

    ended.refresh_from_db()
    assert ended.status == LessonVisit.Status.HELD
    assert GroupEvent.objects.get(pk=ended.event_id).status == GroupEvent.Status.HELD
    assert GroupEvent.objects.get(pk=coming.event_id).status == GroupEvent.Status.PLANNED
    assert client.get(reverse("mentoring:board")).context["due"] == []


def test_the_sweep_catches_up_entries_of_visits_held_before(school, pair):  # noqa: F811
    """Entries left planned by earlier sweeps (or with the workers off) are caught up;
    a cancelled visit's entry stays cancelled."""
    held = _group_visit(pair, ended_ago=60 * H)
    LessonVisit.objects.filter(pk=held.pk).update(status=LessonVisit.Status.OVERDUE, overdue_at=timezone.now())
    cancelled = _group_visit(pair, ended_ago=H)
    services.visit_cancel(visit=cancelled, reason="Урок перенесён.")

    services.visits_deadline_sweep()
    services.visits_deadline_sweep()

    assert GroupEvent.objects.get(pk=held.event_id).status == GroupEvent.Status.HELD
    assert GroupEvent.objects.get(pk=cancelled.event_id).status == GroupEvent.Status.CANCELLED
