"""Reminders of the programmes' milestones: one when a milestone is due within a
week, one when it is overdue, each told once to the person responsible.

Beat-driven and idempotent: the dates live in the database, and every reminder is
exactly-once through the notifications' unique (user, kind, key). "Due" and
"overdue" are by the responsible person's school's own date.
"""

import datetime

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.dates import school_today
from apps.core.typography import quoted
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .models import HelpMilestone

# A milestone is announced this many days before it is due.
SOON_DAYS = 7
# Russia's zones run up to UTC+12: every school's "today" is at most this far ahead.
AHEAD = datetime.timedelta(hours=14)


def _sent(prefix):
    return Notification.objects.filter(
        kind=Notification.Kind.HELP_MILESTONE_DUE,
        key=Concat(Value(prefix), Cast(OuterRef("pk"), CharField())),
    )


def help_milestones_sweep(*, now=None, batch=500):
    now = now or timezone.now()
    horizon = (now + AHEAD).date()
    sent = 0
    candidates = (
        HelpMilestone.objects.open()
        .filter(
            due_on__lte=horizon + datetime.timedelta(days=SOON_DAYS),
            responsible__isnull=False,
            responsible__is_active=True,
            responsible__user__is_active=True,
        )
        .exclude(Exists(_sent("milestone-overdue:")))
        # Told it is coming and not yet overdue anywhere: nothing to say this hour.
        .exclude(Q(Exists(_sent("milestone-soon:"))) & Q(due_on__gte=horizon))
        .select_related("programme", "responsible__school", "responsible__user")
        .order_by("due_on", "pk")
    )
    with translation.override("ru"):
        for milestone in candidates[:batch]:
            school = milestone.responsible.school
            today = school_today(school, now)
            if milestone.is_overdue(today):
                key = f"milestone-overdue:{milestone.pk}"
                title = _("Milestone overdue: %(milestone)s (%(programme)s)")
            elif milestone.due_on <= today + datetime.timedelta(days=SOON_DAYS):
                key = f"milestone-soon:{milestone.pk}"
                title = _("Milestone due on %(date)s: %(milestone)s (%(programme)s)")
            else:
                continue
            if notification_send(
                user=milestone.responsible.user,
                school=school,
                kind=Notification.Kind.HELP_MILESTONE_DUE,
                key=key,
                title=title
                % {
                    "milestone": quoted(milestone.title),
                    "programme": milestone.programme.title,
                    "date": milestone.due_on.strftime("%d.%m.%Y"),
                },
                url=reverse("help_programmes:detail", args=[milestone.programme_id]),
            ):
                sent += 1
    return sent
