"""The navbar's count and the start page's «Мои дела» come from Redis between
changes: each entry is one person's in one school, a change made in the school or
a sweep drops it, and a Redis that is down only costs the count's query."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.core.todos import todos_changed
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.notifications.services import notification_send
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory
from apps.visits.tests.test_pages import feedback_data, held_visit
from collabschool.celery import record_sweep_run
from conftest import client_for

BADGE = 'data-testid="todos-badge">'


@pytest.fixture(autouse=True)
def _todos_cached(settings):
    settings.PERSON_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _teacher(school):
    user = UserFactory()
    MembershipFactory(user=user, school=school, roles=[Role.TEACHER])
    return user, StaffMemberFactory(school=school, user=user)


@pytest.fixture
def pair(school):
    curator = UserFactory()
    MembershipFactory(user=curator, school=school, roles=[Role.TEACHER, Role.CURATOR])
    observed_user, observed = _teacher(school)
    observer_user, observer = _teacher(school)
    group = MentorGroupFactory(
        school=school, curator=StaffMemberFactory(school=school, user=curator), members=[observed, observer]
    )
    return {"group": group, "observed": observed, "observer": observer, "observer_user": observer_user}


def _badge(client, url="/notifications/"):
    """(the badge's number or 0, whether the page counted the to-dos in the database)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    counted = any("UNION ALL" in query["sql"] for query in captured)
    if BADGE not in html:
        return 0, counted
    return int(html.split(BADGE, 1)[1].split("<", 1)[0]), counted


def test_the_badge_is_counted_once_then_read_from_the_cache(school, pair):
    held_visit(pair)
    held_visit(pair)
    client = client_for(pair["observer_user"])
    assert _badge(client) == (2, True)
    assert _badge(client) == (2, False)
    assert _badge(client, reverse("visits:my")) == (2, False)


def test_submitting_feedback_shows_on_the_next_page_at_once(school, pair):
    visit = held_visit(pair)
    held_visit(pair)
    client = client_for(pair["observer_user"])
    assert _badge(client) == (2, True)
    response = client.post(reverse("visits:feedback", args=[visit.pk]), feedback_data(visit, school))
    assert response.status_code == 302
    assert _badge(client) == (1, True)
    home = client.get(reverse("home"))
    assert [item.kind for item in home.context["todos"]] == ["feedback"]


def test_a_colleagues_change_in_the_school_drops_everyones_entries(school, pair):
    held_visit(pair)
    observer = client_for(pair["observer_user"])
    assert _badge(observer) == (1, True)
    held_visit(pair)
    # Made behind the app's back: the cached count stays until a change is made in the school...
    assert _badge(observer) == (1, False)
    other_user, _card = _teacher(school)
    client_for(other_user).post(reverse("notifications:read_all"))
    # ...by anyone working there.
    assert _badge(observer) == (2, True)


def test_a_change_in_another_school_leaves_the_entries(school, pair):
    held_visit(pair)
    observer = client_for(pair["observer_user"])
    _badge(observer)
    held_visit(pair)
    elsewhere = SchoolFactory()
    other_user, _card = _teacher(elsewhere)
    client_for(other_user).post(reverse("notifications:read_all"))
    assert _badge(observer) == (1, False)


def test_entries_are_each_persons_own(school, pair):
    held_visit(pair)
    observer = client_for(pair["observer_user"])
    assert _badge(observer)[0] == 1
    colleague_user, colleague = _teacher(school)
    colleague_client = client_for(colleague_user)
    assert _badge(colleague_client) == (0, True)
    LessonVisitFactory(school=school, observers=[colleague])
    LessonVisitFactory(school=school, observers=[colleague])
    todos_changed(school_id=school.pk)
    assert _badge(colleague_client)[0] == 2
    assert _badge(observer) == (1, True)
    assert _badge(observer) == (1, False)


def test_new_roles_are_counted_afresh(school, pair):
    visit = held_visit(pair)
    FeedbackFactory(visit=visit, observer=pair["observer"])
    curator_membership = pair["group"].curator.user.memberships.get(school=school)
    client = client_for(pair["group"].curator.user)
    assert _badge(client)[1] is True
    assert _badge(client)[1] is False
    curator_membership.roles = [Role.TEACHER, Role.CURATOR, Role.DEPUTY_HEAD]
    curator_membership.save(update_fields=["roles"])
    # Another key: the deputy head's figures are counted, not read from the curator's entry.
    assert _badge(client)[1] is True


def test_a_sweep_that_ran_drops_everyones_entries(school, pair):
    held_visit(pair)
    client = client_for(pair["observer_user"])
    _badge(client)
    held_visit(pair)
    assert _badge(client) == (1, False)

    class DeadlineSweep:
        name = "apps.visits.tasks.visits_deadline_sweep_task"

    record_sweep_run(sender=DeadlineSweep())
    assert _badge(client) == (2, True)


def test_without_the_cache_every_page_counts(settings, school, pair):
    settings.PERSON_CACHE_SECONDS = 0
    held_visit(pair)
    client = client_for(pair["observer_user"])
    assert _badge(client) == (1, True)
    assert _badge(client) == (1, True)


UNREAD = 'data-testid="unread-count">'


def _unread(client, url="/staff/erasures/"):
    """(the bell's number or 0, whether the page counted unread notifications in the database)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    html = response.content.decode()
    counted = any('"notifications_notification"' in q["sql"] and "COUNT(" in q["sql"] for q in captured)
    number = int(html.split(UNREAD, 1)[1].split("<", 1)[0]) if UNREAD in html else 0
    return number, counted


def test_the_bells_count_is_read_from_the_cache_until_a_notification_is_sent_or_read(
    school, teacher, django_capture_on_commit_callbacks
):
    client = client_for(teacher)
    page = reverse("mentoring:board")
    assert _unread(client, page) == (0, True)
    assert _unread(client, page) == (0, False)
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(user=teacher, school=school, kind="visit_planned", key="a", title="Визит")
        notification_send(user=teacher, school=school, kind="visit_planned", key="b", title="Визит")
    assert _unread(client, page) == (2, True)
    assert _unread(client, page) == (2, False)
    # Opening one (a GET) reads it: the bell counts afresh.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("notifications:open", args=[first.pk]))
    assert _unread(client, page) == (1, True)


def test_a_notification_for_someone_else_leaves_ones_count(
    school, teacher, curator, django_capture_on_commit_callbacks
):
    client = client_for(teacher)
    page = reverse("mentoring:board")
    _unread(client, page)
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(user=curator, school=school, kind="visit_planned", key="a", title="Визит")
    assert _unread(client, page) == (0, False)


def test_a_page_reads_the_persons_cached_figures_in_one_round_trip(school, pair, monkeypatch):
    held_visit(pair)
    client = client_for(pair["observer_user"])
    _badge(client)  # counted, and stored
    reads = []
    get_many = cache.get_many

    def counted(keys, *args, **kwargs):
        reads.append(sorted(key.split(":")[1] for key in keys if not key.startswith("todos:generation")))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    assert _badge(client, reverse("visits:my")) == (1, False)
    assert reads == [["count", "unread"]]
    # The start page's list of to-dos brings them along.
    reads.clear()
    client.get(reverse("home"))
    assert reads == [["count", "items", "unread"]]
