"""The demo's audit trail (apps.demo.audit): two working weeks of a school's
administration that the administrator sees first on «Журнал аудита»."""

import datetime
import json

from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import School, User
from apps.audit.models import ERASED_LABEL, AuditEvent
from apps.demo.audit import DEMO_REQUEST_PREFIX
from apps.staff.models import ErasureRecord
from apps.visits.models import Feedback, SelfReflection
from conftest import client_for

A = AuditEvent.Action
FEEDBACK_FIELDS = ("facts", "toward_goal", "reconsider", "questions", "next_step")


def test_the_administrator_sees_the_demo_trail_first(demo):
    seeded = timezone.now()
    client = client_for(User.objects.get(email="director@berezovka.demo"))
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert len(rows) == 50  # a full first page
    # People's doings come first; the rows the loading of the demo wrote are dated before them.
    # (The client's own sign-in, just now, is the newest row.)
    demo_rows = [
        row.request_id.startswith(DEMO_REQUEST_PREFIX) or row.action == A.PERSON_ERASED
        for row in rows
        if row.at < seeded
    ]
    assert demo_rows.count(True) >= 30
    assert demo_rows == sorted(demo_rows, reverse=True)
    content = response.content.decode()
    assert "teacher@berezovka.demo" in content  # the e-mail tried in a failed sign-in
    assert "Гусева Татьяна Николаевна" in content


def test_the_demo_trail_shows_each_kind_of_row(demo):
    trail = AuditEvent.objects.for_school(demo).filter(request_id__startswith=DEMO_REQUEST_PREFIX)
    assert set(trail.values_list("action", flat=True)) >= {
        A.SIGN_IN_SUCCEEDED,
        A.SIGN_IN_FAILED,
        A.SIGN_OUT,
        A.STAFF_DEACTIVATED,
        A.STAFF_UPDATED,
        A.CATEGORY_AWARDED,
        A.ROLES_CHANGED,
        A.GROUP_MEMBERSHIP_CHANGED,
        A.EXPORT_MADE,
        A.PERSONAL_DATA_EXPORTED,
        A.TWO_FACTOR_CHANGED,
    }
    failed = trail.filter(action=A.SIGN_IN_FAILED)
    assert failed.count() >= 2 and all(row.actor is None and "@" in row.target_label for row in failed)
    updated = trail.get(action=A.STAFF_UPDATED)
    assert updated.actor.email == "zavuch@berezovka.demo"
    (old, new), *_ = updated.changes.values()
    assert old and new and old != new
    assert trail.get(action=A.EXPORT_MADE).changes["file"].endswith(".xlsx")
    assert trail.filter(action=A.TWO_FACTOR_CHANGED, changes={"two_factor": ["false", "true"]}).exists()

    # Over the last two working weeks or so, on several days, before now.
    now = timezone.now()
    times = list(trail.values_list("at", flat=True))
    assert max(times) < now and min(times) > now - datetime.timedelta(days=21)
    assert len({timezone.localtime(at, demo.tzinfo).date() for at in times}) >= 6
    # The rows the loading of the demo wrote come before the trail.
    loaded = AuditEvent.objects.for_school(demo).exclude(request_id__startswith=DEMO_REQUEST_PREFIX)
    assert loaded.filter(action=A.STAFF_CREATED).exists()
    assert loaded.exclude(action=A.PERSON_ERASED).latest("at").at < min(times)

    partner = School.objects.exclude(pk=demo.pk).get()
    assert AuditEvent.objects.for_school(partner).filter(request_id__startswith=DEMO_REQUEST_PREFIX).count() >= 4


def test_the_erasure_blanks_the_name_in_the_trail_and_is_audited(demo):
    act = ErasureRecord.objects.for_school(demo).get()
    about = AuditEvent.objects.filter(target_type="staff.staffmember", target_id=str(act.staff_id))
    assert about.filter(action=A.STAFF_DEACTIVATED, target_label=ERASED_LABEL).exists()
    assert not about.exclude(action=A.PERSON_ERASED).exclude(target_label=ERASED_LABEL).exists()
    erased = about.get(action=A.PERSON_ERASED)
    assert erased.actor.email == "director@berezovka.demo" and erased.at == act.erased_at


def test_no_audit_row_holds_lesson_feedback(demo):
    texts = [
        text
        for feedback in Feedback.objects.all()
        for text in (getattr(feedback, field) for field in FEEDBACK_FIELDS)
        if text
    ]
    texts += [text for text in SelfReflection.objects.values_list("text", flat=True) if text]
    assert len(texts) >= 5
    dump = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
    for text in texts:
        assert text[:40] not in dump
