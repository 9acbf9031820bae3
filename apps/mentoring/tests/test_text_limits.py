"""Texts of pairs and their schedule have limits, in the forms and in the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.mentoring.forms import StatusChangeForm
from apps.mentoring.models import MentorGroup, MentorGroupStatusChange
from apps.mentoring.services import group_event_create, mentor_group_status_change
from apps.mentoring.tests.factories import MentorGroupFactory


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def test_a_status_change_with_an_oversized_reason_is_refused(school):
    group = MentorGroupFactory(school=school)
    with pytest.raises(ValidationError) as error:
        mentor_group_status_change(group=group, to_status=MentorGroup.Status.PAUSED, reason="п" * 2001)
    assert list(error.value.error_dict) == ["reason"]
    group.refresh_from_db()
    assert group.status == MentorGroup.Status.ACTIVE
    assert not MentorGroupStatusChange.objects.filter(group=group).exists()


def test_the_status_form_bounds_the_reason(school):
    group = MentorGroupFactory(school=school)
    form = StatusChangeForm(data={"to_status": "paused", "reason": "п" * 2001}, group=group)
    assert not form.is_valid() and form.has_error("reason", "max_length")
    assert 'maxlength="2000"' in str(form["reason"])


def test_event_notes_over_their_limit_are_refused_by_the_service(school):
    group = MentorGroupFactory(school=school)
    starts_at = datetime.datetime(2026, 10, 5, 10, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as error:
        group_event_create(
            group=group,
            kind="meeting",
            title="Встреча пары",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1),
            notes="з" * 4001,
        )
    assert "notes" in error.value.error_dict
    assert not group.events.exists()
