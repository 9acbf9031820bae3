"""Milestones of the programmes of help in the person's calendar feed
(apps.core.calendars): all-day reminders for whoever answers for them."""

import datetime

from django.utils.translation import gettext as _

from apps.core.calendars import CalendarSource, FeedEntry, feed_uid

from .selectors import milestones_for_feed


def milestone_feed_items(*, user, since):
    for milestone in milestones_for_feed(user=user, since=since.date()):
        summary = _("Programme of help: %(milestone)s") % {"milestone": milestone.title}
        if milestone.done_on is not None:
            summary = _("%(summary)s (done)") % {"summary": summary}
        programme = milestone.programme
        yield FeedEntry(
            uid=feed_uid("help-milestone", milestone.pk),
            start=milestone.due_on,
            end=milestone.due_on + datetime.timedelta(days=1),
            summary=summary,
            location=f"{programme.leader_school.short_name} → {programme.supported_school.short_name}",
            description=programme.title,
            transparent=True,
        )


MILESTONES = CalendarSource(feed_items=milestone_feed_items)
