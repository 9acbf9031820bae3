"""Pairs and triads: composition rules (forms, services and the database), status
history, load warnings and network pairs."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory
from apps.mentoring.cards import members_line
from apps.mentoring.models import MentorGroup, MentorGroupMember, MentorGroupStatusChange
from apps.mentoring.services import MemberSpec, mentor_group_create, mentor_group_status_change
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

D = datetime.date


def _create(school, members, *, kind="pair", curator=None, partner_school=None, **extra):
    return mentor_group_create(
        school=school,
        kind=kind,
        curator=curator or StaffMemberFactory(school=school),
        members=[MemberSpec(staff=s, role="mentor" if i == 0 else "mentee") for i, s in enumerate(members)],
        task="Развить смысловое чтение на уроках",
        observed_aspect="Вопросы учеников к тексту",
        starts_on=extra.get("starts_on", D(2026, 9, 1)),
        planned_end_on=extra.get("planned_end_on", D(2027, 5, 31)),
        partner_school=partner_school,
    )


def _check_deferred_constraints():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_pair_is_formed_with_history(school):
    a, b = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    group, warnings = _create(school, [a, b])
    _check_deferred_constraints()
    assert group.status == MentorGroup.Status.FORMING
    assert [m.staff for m in group.members.order_by("slot")] == [a, b]
    assert group.status_changes.get().to_status == MentorGroup.Status.FORMING
    assert warnings == []


@pytest.mark.parametrize(
    "case,field",
    [
        ("triad_with_four", "members"),
        ("pair_with_three", "members"),
        ("curator_is_member", "curator"),
        ("end_before_start", "planned_end_on"),
        ("member_of_school_outside_network", "members"),
        ("same_teacher_twice", "members"),
    ],
)
def test_bad_composition_is_refused_and_nothing_saved(school, case, field):
    people = [StaffMemberFactory(school=school) for _ in range(4)]
    kwargs = {}
    members = people[:2]
    if case == "triad_with_four":
        kwargs["kind"], members = "triad", people
    elif case == "pair_with_three":
        members = people[:3]
    elif case == "curator_is_member":
        kwargs["curator"] = people[0]
    elif case == "end_before_start":
        kwargs["planned_end_on"] = D(2026, 8, 1)
    elif case == "member_of_school_outside_network":
        members = [people[0], StaffMemberFactory(school=SchoolFactory())]
    elif case == "same_teacher_twice":
        members = [people[0], people[0]]
    with pytest.raises(ValidationError) as caught:
        _create(school, members, **kwargs)
    assert field in caught.value.message_dict
    assert not MentorGroup.objects.exists()


def test_database_refuses_a_group_of_the_wrong_size(school):
    group = MentorGroupFactory(school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorGroupMember.objects.filter(group=group, slot=2).delete()
        _check_deferred_constraints()


def test_database_refuses_a_fourth_member(school):
    group = MentorGroupFactory(school=school, kind=MentorGroup.Kind.TRIAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorGroupMember.objects.create(group=group, staff=StaffMemberFactory(school=school), role="peer", slot=4)


def test_database_refuses_a_curator_who_is_a_member(school):
    group = MentorGroupFactory(school=school)
    member = group.members.first().staff
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorGroup.objects.filter(pk=group.pk).update(curator=member)
        _check_deferred_constraints()


def test_database_refuses_a_member_from_another_school(school):
    group = MentorGroupFactory(school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorGroupMember.objects.filter(group=group, slot=2).update(staff=StaffMemberFactory(school=SchoolFactory()))
        _check_deferred_constraints()


def test_network_pair_joins_two_schools_of_one_network_and_both_see_it(school, administrator):
    network = SchoolNetworkFactory()
    school.network = network
    school.save()
    partner = SchoolFactory(network=network)
    partner_admin = MembershipFactory(school=partner, roles=[Role.ADMINISTRATOR]).user
    ours, theirs = StaffMemberFactory(school=school), StaffMemberFactory(school=partner)
    group, _ = _create(school, [ours, theirs], partner_school=partner)
    _check_deferred_constraints()
    assert group.is_network

    for user in (administrator, partner_admin):
        response = client_for(user).get(reverse("mentoring:group_detail", args=[group.pk]))
        assert response.status_code == 200
    # Each side sees only its own school's other data: the partner's staff card stays hidden.
    assert client_for(administrator).get(reverse("staff:detail", args=[theirs.pk])).status_code == 404
    # Only the owning school's administration manages it.
    assert client_for(partner_admin).get(reverse("mentoring:group_edit", args=[group.pk])).status_code == 403


def test_partner_school_must_share_the_network(school):
    school.network = SchoolNetworkFactory()
    school.save()
    stranger = SchoolFactory(network=SchoolNetworkFactory())
    with pytest.raises(ValidationError) as caught:
        _create(
            school, [StaffMemberFactory(school=school), StaffMemberFactory(school=stranger)], partner_school=stranger
        )
    assert "partner_school" in caught.value.message_dict


def test_double_load_is_a_warning_not_a_block(school):
    school.max_active_groups_per_teacher = 1
    school.save()
    busy = StaffMemberFactory(school=school)
    MentorGroupFactory(school=school, members=[busy])
    group, warnings = _create(school, [busy, StaffMemberFactory(school=school)])
    assert group.pk
    assert [(person, count) for person, count in warnings] == [(busy, 2)]


def test_status_moves_along_its_lifecycle_with_reasons(school, administrator):
    group = MentorGroupFactory(school=school, status=MentorGroup.Status.FORMING)
    mentor_group_status_change(group=group, to_status="active", changed_by=administrator)
    with pytest.raises(ValidationError):
        mentor_group_status_change(group=group, to_status="paused", reason="  ")
    mentor_group_status_change(group=group, to_status="paused", reason="Больничный наставника")
    mentor_group_status_change(group=group, to_status="completed")
    with pytest.raises(ValidationError):
        mentor_group_status_change(group=group, to_status="active")
    history = list(MentorGroupStatusChange.objects.filter(group=group).order_by("pk"))
    assert [(h.from_status, h.to_status) for h in history] == [
        ("forming", "active"),
        ("active", "paused"),
        ("paused", "completed"),
    ]
    assert history[1].reason == "Больничный наставника"


def test_group_form_shows_errors_and_keeps_input(school, administrator):
    people = [StaffMemberFactory(school=school) for _ in range(3)]
    response = client_for(administrator).post(
        reverse("mentoring:group_create"),
        {
            "kind": "pair",
            "curator": people[0].pk,
            "member1": people[0].pk,
            "role1": "mentor",
            "member2": people[1].pk,
            "role2": "mentee",
            "member3": people[2].pk,
            "role3": "peer",
            "task": "Научить формулировать цель урока вместе с учениками",
            "observed_aspect": "Постановка цели",
            "starts_on": "2026-09-01",
            "planned_end_on": "2026-08-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "member3" in errors
    assert "Научить формулировать цель урока" in response.content.decode()
    assert not MentorGroup.objects.exists()


def test_curator_proposes_a_group_that_stays_forming_with_them_as_curator(school, curator):
    me = StaffMemberFactory(school=school, user=curator)
    a, b = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    other = StaffMemberFactory(school=school)
    response = client_for(curator).post(
        reverse("mentoring:group_create"),
        {
            "kind": "pair",
            "curator": other.pk,  # ignored: a curator proposes for themselves
            "member1": a.pk,
            "role1": "mentor",
            "member2": b.pk,
            "role2": "mentee",
            "task": "Задача",
            "observed_aspect": "Аспект",
            "starts_on": "2026-09-01",
            "planned_end_on": "2027-05-31",
        },
    )
    group = MentorGroup.objects.get()
    assert response.status_code == 302
    assert (group.curator, group.status) == (me, MentorGroup.Status.FORMING)
    # Activating is for the administration.
    form = client_for(curator).get(reverse("mentoring:group_detail", args=[group.pk])).context["status_form"]
    assert "active" not in dict(form.fields["to_status"].choices)


def test_teacher_sees_only_own_groups_and_gets_403_on_others(school, teacher):
    me = StaffMemberFactory(school=school, user=teacher)
    mine = MentorGroupFactory(school=school, members=[me])
    other = MentorGroupFactory(school=school)
    client = client_for(teacher)
    listed = [g.pk for g in client.get(reverse("mentoring:group_list")).context["page"].object_list]
    assert listed == [mine.pk]
    assert client.get(reverse("mentoring:group_detail", args=[other.pk])).status_code == 403


def test_another_curator_cannot_edit_the_group(school, curator):
    StaffMemberFactory(school=school, user=curator)
    group = MentorGroupFactory(school=school)
    assert client_for(curator).get(reverse("mentoring:group_edit", args=[group.pk])).status_code == 403


def test_group_form_reads_the_staff_list_once_for_every_drop_down(school, administrator):
    """The curator's and the three members' lists are the same people: one read,
    and each list still offers all of them."""
    people = [StaffMemberFactory(school=school, last_name=f"Сотрудник{index}") for index in range(4)]
    with CaptureQueriesContext(connection) as captured:
        response = client_for(administrator).get(reverse("mentoring:group_create"))
    html = response.content.decode()
    # The lists' reads: the staff ordered by name (the request's own staff card is not).
    staff_reads = [q["sql"] for q in captured if q["sql"].startswith('SELECT "staff_staffmember"')]
    staff_reads = [sql for sql in staff_reads if "ORDER BY" in sql]
    assert len(staff_reads) == 1, staff_reads
    for person in people:
        assert html.count(f'<option value="{person.pk}"') == 4


def test_group_list_counts_its_pages_without_the_boards_facts(school, administrator):
    MentorGroupFactory(school=school)
    with CaptureQueriesContext(connection) as captured:
        response = client_for(administrator).get(reverse("mentoring:group_list"))
    assert response.context["page"].paginator.count == 1
    # The facts (next event, last debrief, reverse visit...) are computed for the shown page only.
    assert sum("reverse_visit_held" in q["sql"] for q in captured) == 1


def test_group_pages_show_members_by_name_role_school_and_who_left(school, administrator):
    """The card of the list and the group's page name each member with their role,
    a network pair's members with their school, and strike through one who left."""
    network = SchoolNetworkFactory()
    school.network = network
    school.save()
    partner = SchoolFactory(network=network, short_name="Школа-партнёр")
    ours = StaffMemberFactory(school=school, last_name="Орлова", first_name="Анна", patronymic="Петровна")
    theirs = StaffMemberFactory(school=partner, last_name="Зайцев", first_name="Иван", patronymic="")
    group, _ = _create(school, [ours, theirs], partner_school=partner)
    _check_deferred_constraints()
    ours.is_active, ours.left_on = False, D(2026, 10, 1)
    ours.save(update_fields=["is_active", "left_on"])
    client = client_for(administrator)
    for url in (reverse("mentoring:group_list"), reverse("mentoring:group_detail", args=[group.pk])):
        html = client.get(url).content.decode()
        assert '<span class="d-inline-block text-decoration-line-through">Орлова А.П.' in html, url
        assert 'Зайцев И. <small class="text-body-secondary">(Школа-партнёр)</small>' in html, url
        assert html.count('<span class="badge text-bg-warning">') == 1, url


def test_a_members_comma_stays_in_their_block_so_a_long_name_never_leaves_it_alone(school):
    group = MentorGroupFactory(school=school)
    line = str(members_line(MentorGroup.objects.get(pk=group.pk)))
    blocks = re.findall(r'<span class="d-inline-block">.*?</small>(,?)</span>', line)
    assert blocks == [",", ""]  # the first member's comma inside their block, none after the last
    assert "</span>," not in line
