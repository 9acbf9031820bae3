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
