"""The reason of an erasure act has a limit, in the form and in the service."""

import pytest
from django.core.exceptions import ValidationError

from apps.privacy.erasure import staff_member_erase
from apps.privacy.forms import ErasureForm
from apps.staff.models import ErasureRecord, StaffMember
from apps.staff.tests.factories import StaffMemberFactory


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def test_an_erasure_with_an_oversized_reason_is_refused_before_anything_is_erased(school):
    card = StaffMemberFactory(school=school, last_name="Светлова")
    with pytest.raises(ValidationError) as error:
        staff_member_erase(staff=card, reason="п" * 1001)
    assert list(error.value.error_dict) == ["reason"]
    assert not ErasureRecord.objects.exists()
    assert StaffMember.objects.get(pk=card.pk).last_name == "Светлова"


def test_the_erasure_form_takes_its_limit_from_the_act(school):
    card = StaffMemberFactory(school=school, last_name="Светлова")
    form = ErasureForm(data={"surname": "Светлова", "reason": "п" * 1001}, staff=card)
    assert not form.is_valid() and form.has_error("reason", "max_length")
