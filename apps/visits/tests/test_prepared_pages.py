"""The visits pages read their lists through prepared queries (apps.core.prepared),
compiled once per process: two people of two schools, one after the other, each
see their own rows only, and another school's visit stays not found."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory, SubjectFactory
from apps.visits.models import LessonVisit
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory
from conftest import client_for

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


def _person(school, role=Role.TEACHER):
    user = UserFactory()
    MembershipFactory(user=user, school=school, roles=[role])
    return user, StaffMemberFactory(school=school, user=user)


def _world(school):
    """A pair of `school` with its curator, and its visits: one awaiting the observer's
    feedback, one ahead, one debriefed with an agreed next step."""
    curator, curator_card = _person(school, Role.CURATOR)
    observed_user, observed = _person(school)
    observer_user, observer = _person(school)
    group = MentorGroupFactory(school=school, curator=curator_card, members=[observed, observer])
    now = timezone.now().replace(microsecond=0)

    def visit(ends_at, **fields):
        return LessonVisitFactory(
            school=school,
            group=group,
            observed=observed,
            observers=[observer],
            starts_at=ends_at - 45 * datetime.timedelta(minutes=1),
            ends_at=ends_at,
            created_by=curator,
            **fields,
        )

    awaiting = visit(now - H)
    ahead = visit(now + 24 * H, status=LessonVisit.Status.PLANNED)
    done = visit(now - 48 * H, status=LessonVisit.Status.DEBRIEFED)
    LessonVisit.objects.filter(pk=done.pk).update(debriefed_at=done.ends_at + H)
    FeedbackFactory(visit=done, observer=observer, next_step="Следующий шаг")
    return {
        "curator": curator,
        "observed": observed_user,
        "observer": observer_user,
        "visits": {awaiting.pk, ahead.pk, done.pk},
        "awaiting": awaiting,
        "done": done,
    }


def _ids(rows):
    return {visit.pk for visit in rows}


def test_each_school_s_people_see_their_own_rows_through_the_same_compiled_queries(school, other_school):
    one, two = _world(school), _world(other_school)
    for world, other in ((one, two), (two, one)):
        observer = client_for(world["observer"]).get(reverse("visits:my")).context
        assert _ids(observer["awaiting"]) == {world["awaiting"].pk}
        assert _ids(observer["upcoming"]) <= world["visits"] and observer["upcoming"]
        observed = client_for(world["observed"]).get(reverse("visits:my")).context
        assert _ids(observed["received"].object_list) == {world["done"].pk}
        assert [step["next_step"] for step in observed["next_steps"]] == ["Следующий шаг"]
        board = client_for(world["curator"]).get(reverse("visits:deadlines")).context
        assert _ids(board["page"].object_list) == {world["awaiting"].pk}
        assert [f.visit_id for f in board["next_steps"]] == [world["done"].pk]
        page = client_for(world["curator"]).get(reverse("visits:detail", args=[world["done"].pk]))
        assert page.status_code == 200
        assert [f.next_step for f in page.context["feedback"]] == ["Следующий шаг"]
        # The other school's visit, through the same compiled query: not found.
        assert client_for(world["curator"]).get(reverse("visits:detail", args=[other["done"].pk])).status_code == 404
        feedback = reverse("visits:feedback", args=[other["awaiting"].pk])
        assert client_for(world["observer"]).get(feedback).status_code == 404


def test_a_visit_number_no_database_holds_is_not_found(school):
    user, _card = _person(school)
    assert client_for(user).get(reverse("visits:detail", args=[2**70])).status_code == 404
    assert client_for(user).get(reverse("visits:create") + f"?answers={2**70}").status_code == 200


def _offered(form, name):
    return {value for value, _label in form.fields[name].choices if value != ""}


def test_each_school_s_planning_form_offers_its_own_people_subjects_visits_and_pairs(school, other_school):
    one, two = _world(school), _world(other_school)
    SubjectFactory(school=school), SubjectFactory(school=other_school)
    for world, place in ((one, school), (two, other_school), (one, school)):
        form = client_for(world["curator"]).get(reverse("visits:create")).context["form"]
        people = set(place.staff.filter(is_active=True).values_list("pk", flat=True))
        assert _offered(form, "observed") == _offered(form, "observers") == people
        assert _offered(form, "subject") == set(place.subjects.values_list("pk", flat=True))
        assert _offered(form, "answers_visit") <= world["visits"] and _offered(form, "answers_visit")
        assert _offered(form, "group") == {world["awaiting"].group_id}
