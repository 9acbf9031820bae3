"""The day-before reminder of an association's decisions.

Beat-driven and idempotent: the responsible person hears once per decision (a
unique (user, kind, key) notification), on the eve of its due date by the school's
own date.
"""

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.dates import eve_candidate_days, is_eve
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .selectors import decisions_due_on


def association_decisions_sweep(*, now=None):
    now = now or timezone.now()
    sent = 0
    with translation.override("ru"):
        for on in eve_candidate_days(now):
            for decision in decisions_due_on(on=on):
                school = decision.school
                if not is_eve(school, decision.due_on, now):
                    continue
                user = decision.responsible.user
                if user is None or not user.is_active:
                    continue
                if notification_send(
                    user=user,
                    school=school,
                    kind=Notification.Kind.DECISION_DUE,
                    key=f"decision:{decision.pk}",
                    title=_("Due tomorrow: a decision of %(association)s")
                    % {"association": decision.meeting.plan.association},
                    body=decision.text,
                    url=reverse("associations:meeting_detail", args=[decision.meeting_id]),
                ):
                    sent += 1
    return sent
