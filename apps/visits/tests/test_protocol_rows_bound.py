"""Regression (found by tests/fuzz): a protocol form posted with a huge
items-TOTAL_FORMS built and rendered 1,060 item rows (about 15 s of one worker
for one request); the editor now builds at most 60, the most a protocol has."""

import pytest
from django.urls import reverse

from apps.visits.models import ObservationProtocol
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("total", ["61", "2147483648"])
def test_protocol_editor_builds_at_most_60_rows_whatever_the_post_says(school, administrator, total):
    protocol = ObservationProtocol.objects.create(school=school, name="Протокол посещения")
    data = {
        "name": "Протокол посещения",
        "items-TOTAL_FORMS": total,
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }

    response = client_for(administrator).post(reverse("visits:protocol_edit", args=[protocol.pk]), data)

    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) <= 60
    assert formset.non_form_errors()  # "at most 60", not a silent save
    assert not protocol.items.exists()
