"""A curator's proposal reaches the administration: they are notified once, it
waits on their «Мои дела» until they activate it or decline it with a reason,
which the curator reads on the group's page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.mentoring.models import MentorGroup, MentorGroupStatusChange
from apps.mentoring.services import group_decline, mentor_group_status_change
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.notifications.models import Notification
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

REASON = "В этом полугодии у наставника уже две пары"


def _propose(school, curator):
    me = StaffMemberFactory(school=school, user=curator)
    a, b = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    response = client_for(curator).post(
        reverse("mentoring:group_create"),
        {
            "kind": "pair",
            "member1": a.pk,
            "role1": "mentor",
            "member2": b.pk,
            "role2": "mentee",
            "task": "Научить учеников задавать вопросы к тексту",
            "observed_aspect": "Вопросы учеников",
            "starts_on": "2026-09-01",
            "planned_end_on": "2027-05-31",
        },
        follow=True,
    )
    group = MentorGroup.objects.get(curator=me)
    return group, response


def _kinds(user):
    return [item.kind for item in client_for(user).get(reverse("home")).context["todos"]]


def test_a_proposal_notifies_each_administrator_and_deputy_head_once(
    school, other_school, curator, administrator, deputy_head, teacher
):
    MembershipFactory(school=other_school, user=UserFactory(), roles=[Role.ADMINISTRATOR])
    group, _ = _propose(school, curator)
    assert group.is_proposal and group.status == MentorGroup.Status.FORMING
    sent = Notification.objects.filter(kind=Notification.Kind.GROUP_PROPOSED)
    assert sorted(n.user_id for n in sent) == sorted([administrator.pk, deputy_head.pk])
    assert {n.url for n in sent} == {reverse("mentoring:group_detail", args=[group.pk])}
    # Exactly once: the database refuses a second notice of the same proposal.
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            user=administrator, school=school, kind=Notification.Kind.GROUP_PROPOSED, key=sent[0].key, title="x"
        )


def test_the_curator_is_told_the_proposal_waits_for_the_administration(school, curator):
    group, response = _propose(school, curator)
    page = response.content.decode()
    assert "Группа сформирована" not in page
    assert "The group is formed." not in page
    assert 'data-testid="awaiting-activation"' in page
    assert [str(m) for m in response.context["messages"]] == [
        "Предложение отправлено: группа ждёт, когда администрация её активирует."
    ]
    assert not Notification.objects.filter(user=curator).exists()


def test_the_administration_forms_a_group_without_a_proposal(school, administrator):
    a, b, c = (StaffMemberFactory(school=school) for _ in range(3))
    client_for(administrator).post(
        reverse("mentoring:group_create"),
        {
            "kind": "pair",
            "curator": c.pk,
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
    assert not group.is_proposal
    assert not Notification.objects.exists()


def test_a_proposal_waits_on_the_administrations_to_dos_until_activated(school, curator, administrator):
    group, _ = _propose(school, curator)
    assert "group_activation" in _kinds(administrator)
    client_for(administrator).post(reverse("mentoring:group_status", args=[group.pk]), {"to_status": "active"})
    group.refresh_from_db()
    assert group.status == MentorGroup.Status.ACTIVE
    assert "group_activation" not in _kinds(administrator)


def test_declining_with_a_reason_tells_the_curator_who_reads_it_on_the_group_page(school, curator, administrator):
    group, _ = _propose(school, curator)
    admin = client_for(administrator)
    assert (
        'data-testid="decline-link"' in admin.get(reverse("mentoring:group_detail", args=[group.pk])).content.decode()
    )
    response = admin.post(reverse("mentoring:group_decline", args=[group.pk]), {"reason": REASON})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == MentorGroup.Status.DECLINED
    assert "group_activation" not in _kinds(administrator)
    # Kept like an activation: who, when, why.
    change = MentorGroupStatusChange.objects.filter(group=group).first()
    assert (change.to_status, change.reason, change.changed_by) == ("declined", REASON, administrator)
    [notice] = Notification.objects.filter(user=curator, kind=Notification.Kind.GROUP_DECLINED)
    assert notice.body == REASON
    page = client_for(curator).get(notice.url).content.decode()
    assert 'data-testid="decline-reason"' in page and REASON in page


def test_declining_needs_a_reason_and_keeps_the_form(school, curator, administrator):
    group, _ = _propose(school, curator)
    response = client_for(administrator).post(reverse("mentoring:group_decline", args=[group.pk]), {"reason": "  "})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    group.refresh_from_db()
    assert group.status == MentorGroup.Status.FORMING


def test_the_service_refuses_to_decline_without_a_reason_or_a_group_the_school_formed(school, administrator):
    proposal = MentorGroupFactory(school=school, status=MentorGroup.Status.FORMING, is_proposal=True)
    with pytest.raises(ValidationError):
        group_decline(group=proposal, by=administrator, reason=" ")
    formed = MentorGroupFactory(school=school, status=MentorGroup.Status.FORMING)
    with pytest.raises(ValidationError):
        group_decline(group=formed, by=administrator, reason=REASON)
    with pytest.raises(ValidationError):
        mentor_group_status_change(group=formed, to_status="declined", reason=REASON)
    # And the database, whatever the code: only a proposal is declined.
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorGroup.objects.filter(pk=formed.pk).update(status=MentorGroup.Status.DECLINED)


def test_a_curator_cannot_decline_and_the_status_form_offers_no_decline(school, curator, administrator):
    group, _ = _propose(school, curator)
    assert client_for(curator).get(reverse("mentoring:group_decline", args=[group.pk])).status_code == 403
    form = client_for(administrator).get(reverse("mentoring:group_detail", args=[group.pk])).context["status_form"]
    assert "declined" not in dict(form.fields["to_status"].choices)


def test_declining_a_group_of_another_school_is_404(school, other_school, outsider):
    group = MentorGroupFactory(school=school, status=MentorGroup.Status.FORMING, is_proposal=True)
    assert client_for(outsider).get(reverse("mentoring:group_decline", args=[group.pk])).status_code == 404
