"""The demo's act of destruction of personal data (apps.demo.erasure)."""

from django.urls import reverse

from apps.accounts.models import User
from apps.demo.erasure import ERASED_SURNAME
from apps.privacy.erasure import erased_label
from apps.staff.models import ErasureRecord, StaffMember
from conftest import client_for


def test_the_demo_erases_one_departed_teacher(demo):
    act = ErasureRecord.objects.get()
    assert act.school == demo and act.erased_by.email == "director@berezovka.demo"
    card = act.staff
    assert not card.is_active and card.last_name == erased_label(card.pk) and not card.first_name
    assert not StaffMember.objects.filter(last_name=ERASED_SURNAME).exists()
    assert ERASED_SURNAME not in act.reason
    assert card.category_awards.exists()  # kept for the dashboards

    client = client_for(User.objects.get(email="director@berezovka.demo"))
    response = client.get(reverse("privacy:erasures"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1
    assert act.reason[:30] in response.content.decode()
