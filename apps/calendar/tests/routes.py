"""Access rules of the calendars, for the URL walk (apps/core/tests/world.py).

The object kinds are mentoring's (apps/mentoring/tests/routes.py): the teacher
persona is a member of the group and the curator persona its curator.
"""

from apps.accounts.tests.factories import MembershipFactory
from apps.core.tests.world import ANY_MEMBER
from apps.mentoring.models import CalendarFeed

OBJECTS = {}

ROUTES = {
    "mentoring:group_calendar": ("get", "group", ANY_MEMBER),
    "mentoring:my_calendar": ("get", None, ANY_MEMBER),
    "mentoring:staff_calendar": ("get", "teacher_card", ANY_MEMBER),  # self, curator, managers
    "mentoring:feed": ("get", None, ANY_MEMBER),
    "mentoring:feed_reset": ("post", None, ANY_MEMBER),
}


class _WalkFeedToken:
    """The token of a calendar feed that exists when the walk reverses the URL.

    PUBLIC entries give fixed URL kwargs, and an unknown token answers 404; the
    feed is made (once, idempotently) when `reverse` turns the token into text.
    """

    TOKEN = "url-walk-calendar-feed-token"

    def __str__(self):
        if not CalendarFeed.objects.filter(token=self.TOKEN).exists():
            # A person who works in a school: only they have a feed.
            CalendarFeed.objects.create(user=MembershipFactory().user, token=self.TOKEN)
        return self.TOKEN


PUBLIC = {"mentoring:ical": ("get", {"token": _WalkFeedToken()})}
