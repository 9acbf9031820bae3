"""Feedback on a lesson is confidential: not a word of it reaches the audit trail,
whatever happens around it (drafts, submission, reflection, exports of the person)."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import Feedback, LessonVisit
from apps.visits.services import visit_create
from conftest import client_for

pytestmark = pytest.mark.django_db

DRAFT = "Черновик-фраза: учитель семь раз перебил Колю"
FACTS = "Факт-маркер: 9 из 24 учеников задали вопросы к тексту"
NEXT_STEP = "Следующий шаг-маркер: дать 10 минут на работу в парах"
REFLECTION = "Рефлексия-маркер: мне не хватило времени на итог"
SECRETS = [DRAFT, FACTS, NEXT_STEP, REFLECTION]


def test_no_feedback_text_is_in_any_audit_row(school, teacher, curator, administrator):
    observer = StaffMemberFactory(school=school, user=teacher)
    observed = StaffMemberFactory(school=school, user=curator)
    ends = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    visit = visit_create(
        school=school,
        kind=LessonVisit.Kind.OPEN_LESSON,
        observed=observed,
        observers=[observer],
        starts_at=ends - datetime.timedelta(minutes=45),
        ends_at=ends,
        grade="7Б",
        topic="Причастный оборот",
        observed_aspect="Вопросы учителя",
    )
    LessonVisit.objects.filter(pk=visit.pk).update(status=LessonVisit.Status.HELD)

    as_observer = client_for(teacher)
    url = reverse("visits:feedback", args=[visit.pk])
    assert as_observer.post(url, {"action": "draft", "facts": DRAFT}).status_code == 302
    response = as_observer.post(url, {"action": "submit", "facts": FACTS, "next_step": NEXT_STEP})
    assert response.status_code == 302
    assert Feedback.objects.get(visit=visit).facts == FACTS

    as_observed = client_for(curator)
    response = as_observed.post(reverse("visits:reflection", args=[visit.pk]), {"text": REFLECTION})
    assert response.status_code == 302

    as_admin = client_for(administrator)
    response = as_admin.post(reverse("privacy:personal_data_export", args=[observer.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert as_admin.get(reverse("audit:event_export")).status_code == 200

    rows = list(AuditEvent.objects.values())
    # The trail did record what happened around the feedback (sign-ins, the exports).
    assert {row["action"] for row in rows} >= {
        AuditEvent.Action.SIGN_IN_SUCCEEDED,
        AuditEvent.Action.PERSONAL_DATA_EXPORTED,
        AuditEvent.Action.EXPORT_MADE,
    }
    dump = json.dumps(rows, default=str, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in dump
        assert secret.split(":")[0] not in dump  # not even the marker's first words
