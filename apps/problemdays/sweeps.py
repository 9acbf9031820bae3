"""The day-before reminder of duties on a problem-theme day.

Beat-driven and idempotent: every responsible teacher hears once per activity
(a unique (user, kind, key) notification), on the eve of the day by the
school's own date.
"""

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.dates import eve_candidate_days, is_eve
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .selectors import duties_on


def problem_day_duties_sweep(*, now=None):
    now = now or timezone.now()
    sent = 0
    with translation.override("ru"):
        for on in eve_candidate_days(now):
            for activity in duties_on(on=on):
                school = activity.day.school
                if not is_eve(school, activity.day.date, now):
                    continue
                local = timezone.localtime(activity.starts_at, school.tzinfo)
                title = _("Tomorrow, %(time)s: %(title)s (problem-theme day)") % {
                    "time": local.strftime("%H:%M"),
                    "title": activity.title,
                }
                for person in activity.responsible.all():
                    if person.user.is_active and notification_send(
                        user=person.user,
                        school=school,
                        kind=Notification.Kind.PROBLEM_DAY_DUTY,
                        key=f"activity:{activity.pk}",
                        title=title,
                        body=activity.place,
                        url=reverse("problemdays:my_duties"),
                    ):
                        sent += 1
    return sent
