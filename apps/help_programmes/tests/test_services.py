"""The rules of the programmes of help, as the services enforce them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory
from apps.core.dates import academic_year_of, school_today
from apps.help_programmes import selectors, services
from apps.help_programmes.models import HelpForm, Programme, Responsible
from apps.mentoring.models import ProblemTag
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.teams.tests.factories import TaskTeamFactory

from .factories import DifficultyFactory, HelpFormFactory, HelpMilestoneFactory, ProgrammeFactory, leader_and_supported

pytestmark = pytest.mark.django_db


def _create(leader, supported, **fields):
    return services.programme_create(
        leader_school=leader,
        supported_school=supported,
        year=fields.pop("year", academic_year_of(school_today(leader))),
        title=fields.pop("title", "Программа помощи"),
        **fields,
    )


def test_the_leader_school_draws_up_a_programme_with_a_school_of_its_network():
    leader, supported = leader_and_supported()
    programme = _create(leader, supported)
    assert programme.status == Programme.Status.DRAFT
    assert programme.network_id == leader.network_id
    assert set(Programme.objects.for_school(supported)) == {programme}
    assert set(Programme.objects.for_school(leader)) == {programme}
    assert not Programme.objects.for_school(SchoolFactory()).exists()


def test_a_school_that_is_not_the_leader_draws_up_nothing():
    leader, supported = leader_and_supported()
    with pytest.raises(ValidationError) as error:
        _create(supported, leader)
    assert error.value.code is None and not hasattr(error.value, "error_dict")


def test_the_supported_school_is_of_the_same_network():
    leader, _supported = leader_and_supported()
    stranger = SchoolFactory(network=SchoolNetworkFactory())
    with pytest.raises(ValidationError) as error:
        _create(leader, stranger)
    assert "supported_school" in error.value.error_dict
    with pytest.raises(ValidationError):
        _create(leader, SchoolFactory())  # outside any network
    with pytest.raises(ValidationError):
        _create(leader, leader)


def test_two_schools_have_one_programme_a_year():
    leader, supported = leader_and_supported()
    _create(leader, supported)
    with pytest.raises(ValidationError):
        _create(leader, supported)


def test_only_last_this_or_next_academic_year():
    leader, supported = leader_and_supported()
    this_year = academic_year_of(school_today(leader))
    with pytest.raises(ValidationError) as error:
        _create(leader, supported, year=this_year - 2)
    assert "year" in error.value.error_dict


def test_agreeing_needs_difficulties_and_forms_of_help():
    programme = ProgrammeFactory(status=Programme.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.programme_agree(programme=programme)
    DifficultyFactory(programme=programme)
    HelpFormFactory(programme=programme)
    programme = services.programme_agree(programme=programme)
    assert programme.status == Programme.Status.AGREED
    assert programme.agreed_on == school_today(programme.leader_school)


def test_a_difficulty_names_a_problem_of_the_supported_school_only():
    programme = ProgrammeFactory()
    own = ProblemTag.objects.create(school=programme.supported_school, name="смысловое чтение")
    leaders = ProblemTag.objects.create(school=programme.leader_school, name="смысловое чтение")
    assert services.difficulty_save(programme=programme, text=" Смысловое чтение ", tag=own).text == "Смысловое чтение"
    with pytest.raises(ValidationError) as error:
        services.difficulty_save(programme=programme, text="Чтение", tag=leaders)
    assert "tag" in error.value.error_dict


def test_a_network_pair_form_links_a_pair_of_these_two_schools_only():
    programme = ProgrammeFactory()
    pair = MentorGroupFactory(school=programme.leader_school, partner_school=programme.supported_school)
    other_pair = MentorGroupFactory(school=programme.leader_school)
    form = services.help_form_save(programme=programme, kind=HelpForm.Kind.NETWORK_PAIR, group=pair)
    assert form.group == pair
    with pytest.raises(ValidationError) as error:
        services.help_form_save(programme=programme, kind=HelpForm.Kind.NETWORK_PAIR, group=other_pair)
    assert "group" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.help_form_save(programme=programme, kind=HelpForm.Kind.TUTORING, group=pair)
    assert "group" in error.value.error_dict


def test_a_network_team_form_links_a_team_of_these_two_schools():
    programme = ProgrammeFactory()
    team = TaskTeamFactory(school=programme.supported_school, partner_school=programme.leader_school)
    assert services.help_form_save(programme=programme, kind=HelpForm.Kind.NETWORK_TEAM, team=team).team == team
    with pytest.raises(ValidationError):
        services.help_form_save(
            programme=programme, kind=HelpForm.Kind.NETWORK_TEAM, team=TaskTeamFactory(school=programme.leader_school)
        )


def test_a_form_of_help_answers_a_difficulty_of_its_own_programme():
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as error:
        services.help_form_save(programme=programme, kind=HelpForm.Kind.OTHER, difficulty=DifficultyFactory())
    assert "difficulty" in error.value.error_dict


def test_a_responsible_persons_card_is_of_their_sides_school():
    programme = ProgrammeFactory()
    leader_person = StaffMemberFactory(school=programme.leader_school)
    supported_person = StaffMemberFactory(school=programme.supported_school)
    services.responsible_add(programme=programme, staff=leader_person, side=Responsible.Side.LEADER)
    services.responsible_add(programme=programme, staff=supported_person, side=Responsible.Side.SUPPORTED)
    with pytest.raises(ValidationError) as error:
        services.responsible_add(
            programme=programme,
            staff=StaffMemberFactory(school=programme.leader_school),
            side=Responsible.Side.SUPPORTED,
        )
    assert "staff" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.responsible_add(programme=programme, staff=leader_person, side=Responsible.Side.LEADER)
    with pytest.raises(ValidationError):
        services.responsible_add(programme=programme, staff=StaffMemberFactory(), side=Responsible.Side.LEADER)


def test_a_second_programme_of_the_year_and_a_person_twice_responsible_show_on_their_fields():
    leader, supported = leader_and_supported()
    programme = _create(leader, supported)
    with pytest.raises(ValidationError) as error:
        _create(leader, supported, title="Ещё одна")
    assert "supported_school" in error.value.error_dict
    person = StaffMemberFactory(school=leader)
    services.responsible_add(programme=programme, staff=person, side=Responsible.Side.LEADER)
    with pytest.raises(ValidationError) as error:
        services.responsible_add(programme=programme, staff=person, side=Responsible.Side.LEADER, role="Второй раз")
    assert "staff" in error.value.error_dict


def test_a_milestone_is_answered_for_by_a_person_of_the_two_schools():
    programme = ProgrammeFactory()
    due_on = school_today(programme.leader_school) + datetime.timedelta(days=20)
    with pytest.raises(ValidationError) as error:
        services.milestone_save(programme=programme, title="Семинар", due_on=due_on, responsible=StaffMemberFactory())
    assert "responsible" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.milestone_save(programme=programme, title="Семинар", due_on=datetime.date(1990, 1, 1))
    assert "due_on" in error.value.error_dict
    person = StaffMemberFactory(school=programme.supported_school)
    milestone = services.milestone_save(programme=programme, title="Семинар", due_on=due_on, responsible=person)
    milestone = services.milestone_done(milestone=milestone, note="Провели")
    assert milestone.done_on == school_today(person.school) and milestone.note == "Провели"


def test_the_year_is_reviewed_with_both_sides_texts_and_then_kept_as_it_was():
    programme = ProgrammeFactory()
    services.programme_review(programme=programme, side="leader", review_leader="Лидер: итоги", results="")
    with pytest.raises(ValidationError) as error:
        services.programme_review(programme=programme, side="leader", results="Итоги", complete=True)
    assert set(error.value.error_dict) == {"review_supported"}
    programme = services.programme_review(
        programme=programme,
        side="supported",
        review_supported="Школа: итоги",
        results="Совместные итоги",
        complete=True,
    )
    assert programme.status == Programme.Status.REVIEWED and programme.reviewed_on is not None
    assert programme.review_leader == "Лидер: итоги"
    with pytest.raises(ValidationError):
        services.difficulty_save(programme=programme, text="Ещё одно")
    with pytest.raises(ValidationError):
        services.milestone_done(milestone=HelpMilestoneFactory(programme=programme))
    with pytest.raises(ValidationError):
        services.programme_update(programme=programme, title="Новое")


def test_a_draft_has_no_year_to_review():
    with pytest.raises(ValidationError):
        services.programme_review(
            programme=ProgrammeFactory(status=Programme.Status.DRAFT), side="leader", results="Итоги"
        )


def test_a_draft_s_milestone_is_not_marked_done():
    milestone = HelpMilestoneFactory(programme=ProgrammeFactory(status=Programme.Status.DRAFT))
    with pytest.raises(ValidationError):
        services.milestone_done(milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.done_on is None
    assert not milestone.programme.is_under_way


def test_the_year_s_review_is_due_from_the_first_of_june():
    programme = ProgrammeFactory()
    school = programme.leader_school
    end_of_may = datetime.date(programme.year + 1, 5, 31)
    assert list(selectors.reviews_due(school=school, today=end_of_may)) == []
    assert list(selectors.reviews_due(school=school, today=end_of_may + datetime.timedelta(days=1))) == [programme]


def test_a_year_closed_meanwhile_is_not_written_into_through_a_page_read_before():
    programme = ProgrammeFactory()
    milestone = HelpMilestoneFactory(programme=programme)
    difficulty = DifficultyFactory(programme=programme)
    help_form = HelpFormFactory(programme=programme)
    today = school_today(programme.leader_school)
    # The other school closes the year while this one's page (and its objects) were read as open.
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.REVIEWED, reviewed_on=today)
    person = StaffMemberFactory(school=programme.leader_school)
    for call in (
        lambda: services.programme_update(programme=programme, title="Новое название"),
        lambda: services.difficulty_save(programme=programme, text="Ещё одно"),
        lambda: services.help_form_save(programme=programme, kind=HelpForm.Kind.OTHER),
        lambda: services.responsible_add(programme=programme, staff=person, side=Responsible.Side.LEADER),
        lambda: services.milestone_save(programme=programme, title="Ещё", due_on=today),
        lambda: services.milestone_done(milestone=milestone),
        lambda: services.difficulty_delete(difficulty=difficulty),
        lambda: services.help_form_delete(help_form=help_form),
    ):
        with pytest.raises(ValidationError):
            call()
    programme.refresh_from_db()
    milestone.refresh_from_db()
    assert programme.difficulties.count() == 1 and programme.help_forms.count() == 1
    assert milestone.done_on is None and not programme.responsibles.exists()
