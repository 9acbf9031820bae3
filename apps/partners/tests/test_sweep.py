import datetime

import time_machine

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory
from apps.notifications.models import Notification
from apps.partners.sweeps import agreements_expiry_sweep
from apps.partners.tests.factories import AgreementFactory, PartnerOrganisationFactory


def test_expiring_agreement_reminds_the_administration_once(school, teacher):
    admin = MembershipFactory(school=school, roles=[Role.ADMINISTRATOR]).user
    deputy = MembershipFactory(school=school, roles=[Role.DEPUTY_HEAD, Role.TEACHER]).user
    partner = PartnerOrganisationFactory(school=school, name="Областная детская библиотека")
    AgreementFactory(partner=partner, signed_on=datetime.date(2025, 1, 15), valid_until=datetime.date(2026, 12, 31))
    AgreementFactory(
        partner=PartnerOrganisationFactory(school=school),
        signed_on=datetime.date(2025, 1, 15),
        valid_until=datetime.date(2027, 12, 31),
    )
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        agreements_expiry_sweep()
        agreements_expiry_sweep()
    reminded = Notification.objects.filter(kind=Notification.Kind.AGREEMENT_EXPIRING)
    assert sorted(reminded.values_list("user_id", flat=True)) == sorted([admin.pk, deputy.pk])
    assert "библиотека" in reminded.first().title


def test_a_future_stage_date_is_a_form_error(school, deputy_head):
    from django.urls import reverse

    from apps.partners.models import PartnerOrganisation
    from conftest import client_for

    response = client_for(deputy_head).post(
        reverse("partners:partner_create"),
        {"name": "Детская библиотека", "kind": "other", "stage": "common_goals", "stage_since": "9999-12-31"},
    )
    assert response.status_code == 200 and "stage_since" in response.context["form"].errors
    assert not PartnerOrganisation.objects.exists()


def test_activity_of_people_who_left_can_still_be_edited(school, deputy_head):
    from django.urls import reverse

    from apps.partners.tests.factories import JointActivityFactory
    from apps.staff.services import staff_member_deactivate
    from conftest import client_for

    activity = JointActivityFactory(school=school)
    staff_member_deactivate(staff=activity.responsible, left_on=datetime.date.today())
    form = client_for(deputy_head).get(reverse("partners:activity_edit", args=[activity.pk])).context["form"]
    assert activity.responsible in form.fields["responsible"].queryset


def test_a_very_long_export_period_is_refused(school, deputy_head):
    from django.urls import reverse

    from conftest import client_for

    response = client_for(deputy_head).get(
        reverse("partners:activity_list"), {"start": "0001-01-01", "end": "9999-12-31"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_an_agreement_can_be_corrected_and_keeps_its_rules(school, deputy_head):
    from django.urls import reverse

    from conftest import client_for

    agreement = AgreementFactory(
        partner=PartnerOrganisationFactory(school=school),
        signed_on=datetime.date(2025, 1, 15),
        valid_until=datetime.date(2027, 1, 15),
    )
    url = reverse("partners:agreement_edit", args=[agreement.pk])
    data = {"number": "12-С", "signed_on": "2025-01-15", "valid_until": "2024-01-01", "subject": "Совместные акции"}
    response = client_for(deputy_head).post(url, data)
    assert response.status_code == 200 and "valid_until" in response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.valid_until == datetime.date(2027, 1, 15)
    response = client_for(deputy_head).post(url, {**data, "valid_until": "2028-01-15"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.number, agreement.valid_until) == ("12-С", datetime.date(2028, 1, 15))


def test_a_joint_activity_can_be_part_of_a_problem_theme_day(school, other_school):
    import pytest
    from django.core.exceptions import ValidationError

    from apps.partners.services import activity_update
    from apps.partners.tests.factories import JointActivityFactory
    from apps.problemdays.tests.factories import ProblemDayFactory

    activity = JointActivityFactory(school=school)
    day = ProblemDayFactory(school=school)
    common = {
        "partners": list(activity.partners.all()),
        "teachers": [],
        "title": activity.title,
        "starts_on": activity.starts_on,
        "kind": activity.kind,
        "responsible": activity.responsible,
    }
    activity_update(activity=activity, problem_day=day, **common)
    activity.refresh_from_db()
    assert activity.problem_day == day
    with pytest.raises(ValidationError):
        activity_update(activity=activity, problem_day=ProblemDayFactory(school=other_school), **common)
