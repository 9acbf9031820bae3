"""The demo's act of destruction of personal data (apps.staff.demo_erasure)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import School, User
from apps.staff.demo_erasure import ERASED_SURNAME
from apps.staff.erasure import erased_label
from apps.staff.models import ErasureRecord, StaffMember
from conftest import client_for


@pytest.fixture
def demo(db):
    call_command("seed_demo", password="x", stdout=io.StringIO())
    return School.objects.get(short_name="Берёзовская СОШ")


def test_the_demo_erases_one_departed_teacher(demo):
    act = ErasureRecord.objects.get()
    assert act.school == demo and act.erased_by.email == "director@berezovka.demo"
    card = act.staff
    assert not card.is_active and card.last_name == erased_label(card.pk) and not card.first_name
    assert not StaffMember.objects.filter(last_name=ERASED_SURNAME).exists()
    assert ERASED_SURNAME not in act.reason
    assert card.category_awards.exists()  # kept for the dashboards

    client = client_for(User.objects.get(email="director@berezovka.demo"))
    response = client.get(reverse("staff:erasures"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1
    assert act.reason[:30] in response.content.decode()


def test_seed_demo_twice_erases_once(demo):
    call_command("seed_demo", password="y", stdout=io.StringIO())
    assert ErasureRecord.objects.count() == 1
