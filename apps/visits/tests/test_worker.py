"""The deadline with a real Celery worker process on a real Redis: a visit held 49
hours ago becomes overdue with exactly one notification (and one letter) per
person; running the sweep again, or twice at once, changes nothing more."""

import datetime
import time

import pytest
from django.utils import timezone

from apps.notifications.models import Notification
from apps.visits.models import LessonVisit
from apps.visits.tasks import visits_deadline_sweep_task
from apps.visits.tests.factories import LessonVisitFactory
from apps.visits.tests.test_deadline import person

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def letters(mail_dir):
    """Letters written by the file e-mail backend (several may share one file)."""
    return sum(path.read_text(encoding="utf-8").count("\nSubject: ") for path in mail_dir.glob("*.log"))


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_worker_flags_a_visit_held_49_hours_ago_exactly_once(celery_worker_process, school):
    mail_dir = celery_worker_process["mail_dir"]
    for old in mail_dir.glob("*.log"):
        old.unlink()
    ended = timezone.now() - datetime.timedelta(hours=49)
    visit = LessonVisitFactory(
        school=school,
        observed=person(school),
        observers=[person(school), person(school)],
        starts_at=ended - datetime.timedelta(minutes=45),
        ends_at=ended,
        debrief_due_at=ended + datetime.timedelta(hours=48),
        status=LessonVisit.Status.HELD,
    )
    overdue = Notification.objects.filter(kind=Notification.Kind.DEBRIEF_OVERDUE)

    visits_deadline_sweep_task.delay()
    assert wait_for(lambda: overdue.count() == 3), "the worker did not flag the visit"
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.OVERDUE
    assert wait_for(lambda: letters(mail_dir) == 3), f"three letters expected, got {letters(mail_dir)}"

    # Again, and twice at once: nothing more.
    for _ in range(3):
        visits_deadline_sweep_task.delay()
    time.sleep(3)
    assert overdue.count() == 3
    assert sorted(overdue.values_list("user_id", flat=True)) == sorted(
        [visit.observed.user_id, *[link.staff.user_id for link in visit.observer_links.all()]]
    )
    assert letters(mail_dir) == 3
    assert Notification.objects.filter(email_sent_at__isnull=True).count() == 0
