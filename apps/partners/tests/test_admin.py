"""The Django admin of partnerships only looks up (apps/partners/admin.py)."""

import pytest

from apps.core.tests.admin_checks import assert_looked_up_not_changed, superuser_client

from .factories import AgreementFactory, JointActivityFactory

pytestmark = pytest.mark.django_db


def test_partners_and_joint_activities_are_looked_up_only():
    client = superuser_client()
    agreement = AgreementFactory()
    partner = agreement.partner
    assert_looked_up_not_changed(
        client,
        partner,
        {"school": partner.school_id, "name": "Подмена", "kind": partner.kind, "stage": partner.stage},
    )
    activity = JointActivityFactory(title="Библиотечный урок")
    assert_looked_up_not_changed(client, activity, {"school": activity.school_id, "title": "Подмена"})
    assert_looked_up_not_changed(client, partner.direction, {"school": partner.school_id, "name": "Подмена"})
    partner.refresh_from_db()
    activity.refresh_from_db()
    assert "Подмена" not in (partner.name, activity.title, partner.direction.name)
    assert partner.agreements.get() == agreement
