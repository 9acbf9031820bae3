"""Sharing a debrief with the subject association: the card names exactly who will
read it, the readers are those of the association when the teacher shared it, and
the administrator and deputy heads never read it, whatever association their
staff cards are in (their role is checked when they read)."""

import datetime
import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Membership, Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.audit.models import AuditEvent
from apps.staff import services as staff_services
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory
from apps.visits import services
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory
from conftest import client_for

FACTS = "Девять учеников из двадцати четырёх задали вопросы к тексту."
REFLECTION = "Торопила учеников с ответами."


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def person(school, last_name, *roles, association=None, **staff_fields):
    """A card in `school`, with an account holding `roles` there if any are given."""
    user = None
    if roles:
        user = UserFactory(last_name=last_name)
        MembershipFactory(user=user, school=school, roles=list(roles))
    staff = StaffMemberFactory(
        school=school, user=user, last_name=last_name, first_name="Анна", association=association, **staff_fields
    )
    return user, staff


@pytest.fixture
def philologists(school):
    return SubjectAssociationFactory(school=school, name="ШМО филологов")


@pytest.fixture
def visit(school, philologists):
    """A debriefed lesson of a teacher of the philologists' association, with her self-reflection."""
    _user, observed = person(school, "Белова", Role.TEACHER, association=philologists)
    _user, observer = person(school, "Васильев", Role.TEACHER)
    visit = LessonVisitFactory(school=school, observed=observed, observers=[observer])
    FeedbackFactory(visit=visit, observer=observer, facts=FACTS)
    services.self_reflection_save(visit=visit, text=REFLECTION)
    return visit


def page(user, visit):
    return client_for(user).get(reverse("visits:detail", args=[visit.pk]))


def reads(user, visit):
    """Whether `user` reads the feedback and the self-reflection on the visit page."""
    response = page(user, visit)
    html = response.content.decode() if response.status_code == 200 else ""
    assert (FACTS in html) == (REFLECTION in html)
    return FACTS in html


def card_names(visit):
    """The names on the observed teacher's share card."""
    response = page(visit.observed.user, visit)
    return [person.last_name for person in response.context["share_names"]]


def share(visit, **data):
    response = client_for(visit.observed.user).post(reverse("visits:share", args=[visit.pk]), data)
    assert response.status_code == 302
    return response


def share_as_shown(visit):
    """Share the way the page does: with the colleagues the card showed."""
    readers = page(visit.observed.user, visit).context["share_names"]
    return share(visit, shared="1", readers=",".join(str(person.pk) for person in readers))


def test_the_card_names_who_would_read_and_then_who_reads(school, other_school, philologists, visit):
    orlova, _staff = person(school, "Орлова", Role.TEACHER, association=philologists)
    person(school, "Зуева", Role.TEACHER, Role.CURATOR, association=philologists)
    person(school, "Гусева", Role.ADMINISTRATOR, association=philologists)
    person(school, "Миронова", Role.TEACHER, Role.DEPUTY_HEAD, association=philologists)
    person(school, "Тихонова", association=philologists)  # no account: cannot read
    left = datetime.date(2024, 6, 1)
    person(school, "Ушедшая", Role.TEACHER, association=philologists, is_active=False, left_on=left)
    person(school, "Петров", Role.TEACHER)  # another association
    # A card of another school pointed at this association is not the school's to share with.
    stranger = UserFactory(last_name="Чужая")
    MembershipFactory(user=stranger, school=other_school, roles=[Role.TEACHER])
    StaffMemberFactory(school=other_school, user=stranger, last_name="Чужая", association=philologists)

    assert card_names(visit) == ["Зуева", "Орлова"]
    html = page(visit.observed.user, visit).content.decode()
    assert "If you share it now, these colleagues will be able to read it:" in html
    assert "Colleagues who join the association later will not see it." in html

    share_as_shown(visit)
    novikova, novikova_staff = person(school, "Новикова", Role.TEACHER)
    staff_services.staff_member_update(staff=novikova_staff, association=philologists)

    assert card_names(visit) == ["Зуева", "Орлова"]
    assert "Who can read it now:" in page(visit.observed.user, visit).content.decode()
    assert reads(orlova, visit)
    assert not reads(novikova, visit)


def test_sharing_opens_the_debrief_only_to_the_colleagues_the_card_showed(school, philologists, visit):
    orlova, _staff = person(school, "Орлова", Role.TEACHER, association=philologists)
    shown = page(visit.observed.user, visit).context["share_names"]
    # Joins between the teacher's look at the card and her click.
    novikova, _staff = person(school, "Новикова", Role.TEACHER, association=philologists)
    share(visit, shared="1", readers=",".join(str(p.pk) for p in shown))
    assert reads(orlova, visit)
    assert not reads(novikova, visit)
    assert card_names(visit) == ["Орлова"]


def test_nonsense_in_the_readers_shares_with_nobody_rather_than_failing(school, philologists, visit):
    orlova, _staff = person(school, "Орлова", Role.TEACHER, association=philologists)
    share(visit, shared="1", readers="abc,99999999999999999999999,-1,,٣")
    visit.refresh_from_db()
    assert visit.shared_with_association
    assert not reads(orlova, visit)
    assert card_names(visit) == []
    assert "nobody at the moment." in page(visit.observed.user, visit).content.decode()


def test_administration_is_refused_when_it_reads_and_a_reader_who_leaves_the_association_stops(
    school, philologists, visit
):
    orlova, orlova_staff = person(school, "Орлова", Role.TEACHER, association=philologists)
    share_as_shown(visit)
    assert reads(orlova, visit)

    # Made deputy head after the debrief was shared: administration now.
    Membership.objects.filter(user=orlova, school=school).update(roles=[Role.TEACHER, Role.DEPUTY_HEAD])
    response = page(orlova, visit)
    assert response.status_code == 200 and FACTS not in response.content.decode()  # the facts only
    assert card_names(visit) == []
    Membership.objects.filter(user=orlova, school=school).update(roles=[Role.TEACHER])
    assert reads(orlova, visit)

    other = SubjectAssociationFactory(school=school, name="ШМО математиков")
    staff_services.staff_member_update(staff=orlova_staff, association=other)
    assert not reads(orlova, visit)
    assert card_names(visit) == []


def test_a_deputy_head_moved_into_the_association_reads_nothing_and_the_move_is_audited(
    school, philologists, visit, administrator
):
    """The administrator edits the deputy head's card, puts it into the teacher's
    association (and back): the trail keeps both values, the debrief stays closed."""
    mathematicians = SubjectAssociationFactory(school=school, name="ШМО математиков")
    deputy, card = person(school, "Миронова", Role.TEACHER, Role.DEPUTY_HEAD, association=mathematicians)
    share_as_shown(visit)

    def move(association):
        form = {
            "last_name": card.last_name,
            "first_name": card.first_name,
            "patronymic": card.patronymic,
            "position": card.position,
            "teaching_since": card.teaching_since.isoformat(),
            "hired_on": card.hired_on.isoformat(),
            "subjects": [subject.pk for subject in card.subjects.all()],
            "association": association.pk,
            "user": deputy.pk,
        }
        response = client_for(administrator).post(reverse("staff:edit", args=[card.pk]), form)
        assert response.status_code == 302
        return AuditEvent.objects.filter(action=AuditEvent.Action.STAFF_UPDATED, target_id=str(card.pk)).latest("pk")

    moved_in = move(philologists)
    assert moved_in.changes == {"association": ["ШМО математиков", "ШМО филологов"]}
    assert moved_in.actor == administrator
    response = page(deputy, visit)
    assert response.status_code == 200 and FACTS not in response.content.decode()
    assert REFLECTION not in response.content.decode()

    # Sharing again, now that she is in the association, does not reach her either.
    share(visit, shared="0")
    share_as_shown(visit)
    assert "Миронова" not in card_names(visit)
    assert not reads(deputy, visit)

    moved_back = move(mathematicians)
    assert moved_back.changes == {"association": ["ШМО филологов", "ШМО математиков"]}


def test_stopping_forgets_the_readers_and_sharing_again_takes_the_association_as_it_is(school, philologists, visit):
    orlova, _staff = person(school, "Орлова", Role.TEACHER, association=philologists)
    share_as_shown(visit)
    share(visit, shared="0")
    assert not reads(orlova, visit)
    novikova, _staff = person(school, "Новикова", Role.TEACHER, association=philologists)
    assert card_names(visit) == ["Новикова", "Орлова"]
    share_as_shown(visit)
    assert reads(orlova, visit) and reads(novikova, visit)


def count_queries(client, visit):
    url = reverse("visits:detail", args=[visit.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("shared", [False, True], ids=["before sharing", "shared"])
def test_visit_page_with_a_share_card_runs_a_fixed_number_of_queries(school, philologists, visit, shared):
    reader, _staff = person(school, "Орлова", Role.TEACHER, association=philologists)
    person(school, "Зуева", Role.TEACHER, association=philologists)
    # The teacher's page lists names; a reader's asks whether they are one.
    users = [visit.observed.user, reader] if shared else [visit.observed.user]
    clients = {user: client_for(user) for user in users}
    if shared:
        share_as_shown(visit)
    few = {user: count_queries(clients[user], visit) for user in users}
    for number in range(8):
        person(school, f"Коллега{number}", Role.TEACHER, association=philologists)
    if shared:
        share(visit, shared="0")
        share_as_shown(visit)
    assert len(card_names(visit)) == 10
    many = {user: count_queries(clients[user], visit) for user in users}
    assert many == few
    assert max(few.values()) <= 14


def test_the_card_says_in_russian_who_reads_and_that_later_members_do_not(school, philologists, visit, settings):
    settings.LANGUAGE_CODE = "ru"
    person(school, "Орлова", Role.TEACHER, association=philologists)
    html = page(visit.observed.user, visit).content.decode()
    assert "Если открыть доступ сейчас, прочитать смогут эти коллеги:" in html and "Орлова Анна" in html
    assert "Коллеги, которые войдут в объединение позже, его не увидят." in html
    share_as_shown(visit)
    assert "Сейчас могут прочитать:" in page(visit.observed.user, visit).content.decode()


def test_debriefs_shared_before_readers_were_recorded_keep_their_colleagues_but_not_administration(
    school, philologists, visit
):
    """The migration that brought the record in: what was shared stays shared with
    the colleagues reading it then, and the administration loses it."""
    from django.apps import apps

    migration = importlib.import_module("apps.visits.migrations.0004_visit_share_reader")
    orlova, _staff = person(school, "Орлова", Role.TEACHER, association=philologists)
    director, _staff = person(school, "Гусева", Role.ADMINISTRATOR, association=philologists)
    type(visit).objects.filter(pk=visit.pk).update(shared_with_association=True)  # as shared before
    assert not reads(orlova, visit)

    migration.record_readers_of_shared_debriefs(apps, None)

    assert reads(orlova, visit)
    assert not reads(director, visit)
    assert card_names(visit) == ["Орлова"]
