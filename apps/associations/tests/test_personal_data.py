"""What the associations give to a person's export, and what stays after an erasure."""

import io
import json
import zipfile

from django.core.management import call_command

from apps.accounts.tests.factories import MembershipFactory, SchoolFactory
from apps.associations.models import Decision, Meeting, MeetingAttendance, NetworkAssociation, YearPlan
from apps.associations.tests.factories import (
    DecisionFactory,
    HeldMeetingFactory,
    YearPlanFactory,
    network_association,
)
from apps.privacy.erasure import staff_member_erase
from apps.privacy.export import staff_personal_data_export
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory

SURNAME = "Загорулько"


def _person(school, association):
    user = MembershipFactory(school=school).user
    return StaffMemberFactory(
        school=school,
        user=user,
        last_name=SURNAME,
        first_name="Снежана",
        patronymic="Игоревна",
        association=association,
    )


def _world(school):
    association = SubjectAssociationFactory(school=school)
    person = _person(school, association)
    plan = YearPlanFactory(association=association, head=person)
    meeting = HeldMeetingFactory(plan=plan, minutes="Слушали: Загорулько С. И. о смысловом чтении.", minutes_by=person)
    MeetingAttendance.objects.create(meeting=meeting, staff=person, present=True)
    decision = DecisionFactory(meeting=meeting, responsible=person, text="Загорулько С. И. провести открытый урок")
    return person, plan, meeting, decision


def test_the_export_lists_plans_meetings_and_decisions(school):
    person, plan, meeting, decision = _world(school)
    archive = zipfile.ZipFile(io.BytesIO(staff_personal_data_export(staff=person)))
    sections = json.loads(archive.read("personal-data.json"))["sections"]
    assert [row["theme"] for row in sections["association_plans"]["rows"]] == [plan.theme]
    assert [row["number"] for row in sections["association_meetings"]["rows"]] == [meeting.number]
    assert [row["decision"] for row in sections["association_decisions"]["rows"]] == [decision.text]


def test_erasure_keeps_the_rows_on_the_anonymised_card_and_sweeps_the_name(school, administrator):
    person, plan, meeting, decision = _world(school)
    staff_member_erase(staff=person, reason="Заявление об удалении", erased_by=administrator)
    assert YearPlan.objects.get(pk=plan.pk).head_id == person.pk
    assert MeetingAttendance.objects.filter(meeting=meeting, staff=person).exists()
    kept_meeting, kept_decision = Meeting.objects.get(pk=meeting.pk), Decision.objects.get(pk=decision.pk)
    assert kept_decision.responsible_id == person.pk
    # The name forms go (a bare surname is left alone: a namesake's may be meant).
    assert "Загорулько С. И." not in kept_meeting.minutes and "Загорулько С. И." not in kept_decision.text
    assert "о смысловом чтении" in kept_meeting.minutes


def test_every_model_with_a_card_is_declared(db):
    call_command("check")


def test_erasure_at_a_member_school_leaves_the_owner_school_s_network_association_alone(school, administrator):
    # The network association is the lead school's row: erasing a person of a member
    # school sweeps that school's own rows only, never another school's.
    mine = SubjectAssociationFactory(school=school)
    person = _person(school, mine)
    lead = SubjectAssociationFactory(school=SchoolFactory())
    name = "Сетевое МО (опыт Загорулько С. И.)"
    owned = network_association(lead=lead, others=[mine], name=name)
    assert NetworkAssociation.objects.seen_in_school(school.pk).get() == owned
    assert not NetworkAssociation.objects.for_school(school).exists()
    staff_member_erase(staff=person, reason="Заявление об удалении", erased_by=administrator)
    assert NetworkAssociation.objects.get(pk=owned.pk).name == name
