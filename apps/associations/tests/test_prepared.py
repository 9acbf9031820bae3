"""The associations' prepared queries are compiled once per process and rerun with each
request's values: two schools' people, asked in turn, each get their own rows only."""

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory
from apps.associations import selectors
from apps.associations.tests.factories import DecisionFactory, HeldMeetingFactory, YearPlanFactory, network_association
from apps.community.tests.factories import MaterialFactory, QuestionFactory
from apps.core.dates import academic_year_of, school_today
from apps.core.tenancy import Circle, Viewer
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory


def _workspace(school, name):
    association = SubjectAssociationFactory(school=school, name=name)
    head = StaffMemberFactory(
        school=school, association=association, user=MembershipFactory(school=school, roles=[Role.TEACHER]).user
    )
    plan = YearPlanFactory(association=association, head=head, year=academic_year_of(school_today(school)))
    meeting = HeldMeetingFactory(plan=plan)
    DecisionFactory(meeting=meeting, responsible=head)
    return association, head, plan, meeting


def test_two_schools_asked_in_turn_get_their_own_rows(school, other_school):
    ours = _workspace(school, "ШМО Берёзовки")
    theirs = _workspace(other_school, "ШМО соседей")
    network = network_association(lead=ours[0])
    # Each school's head shares a material with the association and a question with the school.
    shared = {}
    for association, head, _plan, _meeting in (ours, theirs):
        material = MaterialFactory(school=head.school, author=head, circle=Circle.ASSOCIATION)
        question = QuestionFactory(school=head.school, author=head, circle=Circle.SCHOOL)
        shared[association.pk] = {"shared_materials": [material.pk], "shared_questions": [question.pk]}
    for _ in range(2):
        for (association, head, plan, meeting), own_school in ((ours, school), (theirs, other_school)):
            listed = selectors.associations_of_school(school=own_school, year=plan.year)
            assert [a.pk for a in listed] == [association.pk]
            page = selectors.workspace(association=association, year=plan.year)
            assert page["plan"].pk == plan.pk and page["plan"].head.pk == head.pk
            assert [m.pk for m in page["meetings"]] == [meeting.pk]
            assert [row[0] for row in page["members"]] == [head.pk]
            assert selectors.meeting_for_page(school=own_school, pk=meeting.pk).pk == meeting.pk
            other = theirs[3] if own_school == school else ours[3]
            assert selectors.meeting_for_page(school=own_school, pk=other.pk) is None
            details = selectors.meeting_detail(meeting=meeting)
            assert [d.meeting_id for d in details["decisions"]] == [meeting.pk]
            assert [c.pk for c in selectors.member_cards(association=association)] == [head.pk]
            seen = selectors.network_association_for_page(school=own_school, pk=network.pk)
            assert (seen is not None) == (own_school == school)
            networks = selectors.school_networks(school=own_school)
            assert [n.pk for n in networks] == ([network.pk] if own_school == school else [])
            viewer = Viewer(school_id=own_school.pk, staff_id=head.pk, association_ids=(association.pk,))
            found = selectors.association_shared(association=association, viewer=viewer)
            assert {key: [row[0] for row in rows] for key, rows in found.items()} == shared[association.pk]
