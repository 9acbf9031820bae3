"""The partners' registry service refuses the names its form refuses."""

import pytest
from django.core.exceptions import ValidationError

from apps.partners.forms import PartnerForm
from apps.partners.models import PartnerOrganisation
from apps.partners.services import partner_create
from apps.partners.tests.factories import PartnerOrganisationFactory


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def test_a_partner_already_in_the_registry_in_other_letters_is_refused(school):
    PartnerOrganisationFactory(school=school, name="Детская библиотека №5")
    typed = "  детская   БИБЛИОТЕКА №5 "
    form = PartnerForm({"name": typed, "kind": PartnerOrganisation.Kind.LIBRARY}, school=school)
    with pytest.raises(ValidationError) as refused:
        partner_create(school=school, name=typed, kind=PartnerOrganisation.Kind.LIBRARY)
    assert form.errors["name"] == refused.value.message_dict["name"] == ["This partner is already in the registry."]


def test_the_service_keeps_the_name_with_its_spaces_tidied(school):
    partner = partner_create(school=school, name="  Дом   культуры ", kind=PartnerOrganisation.Kind.LIBRARY)
    assert partner.name == "Дом культуры"
