"""A person's private calendar feed (iCalendar, RFC 5545) to subscribe to from a phone.

The address carries a secret token (CalendarFeed): whoever has it reads the
calendar without signing in, so resetting the address revokes the old token. The
feed holds, from 90 days ago on, the person's pair and triad events, development
route steps (all-day, on the due date), lesson visits not already on a group's
schedule, and problem-theme day duties. Cancelled items are left out rather than
sent as cancelled, which phone calendars show as if they were on. Times are in
UTC; texts are Russian; a fixed number of queries. See docs/features/mentoring.md.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from apps.audit.services import audit_export
from apps.staff.models import StaffMember

from .models import CalendarFeed, GroupEvent, GroupEventParticipant, RouteStep, new_feed_token
from .route_selectors import OPEN_STEP_STATUSES

HISTORY_DAYS = 90
UID_DOMAIN = "collabschool"


def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    """The person's feed, made with a fresh token on first use."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        _audit_feed_issued()
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """Revoke the person's calendar address: the old token stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=user)
    else:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    _audit_feed_issued()
    return feed


def _audit_feed_issued():
    # The address is what lets the schedule out of the app: its issue is the
    # export worth a trail row, not each poll of a phone's calendar.
    audit_export(what=_("Calendar feed address issued (iCal)"))


def calendar_feed_by_token(*, token):
    """The feed of an active user with this token, or None."""
    # A person who no longer belongs to any school has no feed, whatever the token.
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True, user__memberships__isnull=False)
        .distinct()
        .first()
    )


def _own_card(prefix, user):
    """The user's own registry card at a school they still work in (a card left
    behind by a person who has left the school feeds nothing)."""
    return Q(
        **{
            f"{prefix}__user": user,
            f"{prefix}__is_active": True,
            f"{prefix}__school__memberships__user": user,
        }
    )


def feed_events(*, user, since: datetime.datetime):
    """Events the user's staff records take part in, from `since` on, not cancelled."""
    takes_part = GroupEventParticipant.objects.filter(_own_card("staff", user), event=OuterRef("pk"))
    return (
        GroupEvent.objects.filter(Exists(takes_part), ends_at__gte=since)
        .exclude(status=GroupEvent.Status.CANCELLED)
        .select_related("group", "group__school")
        .prefetch_related(
            Prefetch("participants", queryset=StaffMember.objects.order_by("last_name", "first_name", "pk"))
        )
        .order_by("starts_at", "pk")
    )


def feed_steps(*, user, since: datetime.date):
    """Route steps where the user is the route's teacher or the responsible mentor:
    due from `since` on, or still open; not cancelled."""
    return (
        RouteStep.objects.filter(_own_card("route__teacher", user) | _own_card("responsible", user))
        .distinct()
        .filter(Q(due_on__gte=since) | Q(status__in=OPEN_STEP_STATUSES))
        .exclude(status=RouteStep.Status.CANCELLED)
        .select_related("route", "route__teacher", "route__school", "responsible")
        .order_by("due_on", "pk")
    )


def feed_visits(*, user, since: datetime.datetime):
    """Lesson visits the user observes or is observed at, not already in the feed
    through their group's schedule (no GroupEvent), from `since` on, not cancelled."""
    from apps.visits.models import LessonVisit, VisitObserver

    observes = VisitObserver.objects.filter(_own_card("staff", user), visit=OuterRef("pk"))
    return (
        LessonVisit.objects.filter(
            _own_card("observed", user) | Exists(observes), event__isnull=True, ends_at__gte=since
        )
        .distinct()
        .exclude(status=LessonVisit.Status.CANCELLED)
        .select_related("school", "observed", "subject")
        .prefetch_related(
            Prefetch("observer_links", queryset=VisitObserver.objects.select_related("staff").order_by("pk"))
        )
        .order_by("starts_at", "pk")
    )


def _visit_component(visit, stamp):
    component = Event()
    component.add("uid", f"visit-{visit.pk}@{UID_DOMAIN}")
    component.add("dtstamp", stamp)
    component.add("dtstart", visit.starts_at.astimezone(datetime.UTC))
    component.add("dtend", visit.ends_at.astimezone(datetime.UTC))
    component.add(
        "summary",
        _("%(kind)s: %(grade)s, %(teacher)s")
        % {
            "kind": capfirst(visit.get_kind_display()),
            "grade": visit.grade,
            "teacher": visit.observed.short_name,
        },
    )
    component.add("location", visit.school.short_name)
    observers = ", ".join(link.staff.short_name for link in visit.observer_links.all())
    topic = f"{visit.subject.name}: {visit.topic}" if visit.subject_id else visit.topic
    lines = [
        _("Lesson: %(topic)s") % {"topic": topic},
        _("Observed aspect: %(aspect)s") % {"aspect": visit.observed_aspect},
        _("Observers: %(names)s") % {"names": observers},
    ]
    component.add("description", "\n\n".join(lines))
    component.add("status", "CONFIRMED")
    return component


def _event_component(event, stamp):
    component = Event()
    component.add("uid", f"event-{event.pk}@{UID_DOMAIN}")
    component.add("dtstamp", stamp)
    component.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    component.add("dtend", event.ends_at.astimezone(datetime.UTC))
    component.add("summary", f"{capfirst(event.get_kind_display())}: {event.title}")
    component.add("location", event.place or event.group.school.short_name)
    lines = [
        _("Participants: %(names)s") % {"names": ", ".join(person.short_name for person in event.participants.all())}
    ]
    if event.notes:
        lines.append(event.notes)
    component.add("description", "\n\n".join(lines))
    component.add("status", "CONFIRMED")
    return component


def _step_component(step, stamp, user):
    route = step.route
    component = Event()
    component.add("uid", f"route-step-{step.pk}@{UID_DOMAIN}")
    component.add("dtstamp", stamp)
    component.add("dtstart", step.due_on)
    component.add("dtend", step.due_on + datetime.timedelta(days=1))
    if route.teacher.user_id == user.pk:
        summary = _("Development route: %(step)s") % {"step": step.title}
    else:
        summary = _("Development route of %(teacher)s: %(step)s") % {
            "teacher": route.teacher.short_name,
            "step": step.title,
        }
    if step.status == RouteStep.Status.DONE:
        summary = _("%(summary)s (done)") % {"summary": summary}
    component.add("summary", summary)
    component.add("location", route.school.short_name)
    component.add(
        "description",
        _("Status: %(status)s · responsible mentor: %(mentor)s")
        % {"status": step.get_status_display(), "mentor": step.responsible.short_name},
    )
    # A due date is a reminder, not time taken.
    component.add("transp", "TRANSPARENT")
    return component


def calendar_build(*, user, now: datetime.datetime | None = None) -> bytes:
    """The user's calendar as iCalendar bytes."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=HISTORY_DAYS)
    stamp = now.astimezone(datetime.UTC).replace(microsecond=0)
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//collabschool//mentoring calendar//RU")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Collaboration: %(name)s") % {"name": user.get_full_name() or user.email})
        calendar.add("x-wr-caldesc", _("Visits, meetings and development route steps from collabschool."))
        # Ask subscribed clients to refresh hourly (RFC 7986 and its older Microsoft spelling).
        calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for event in feed_events(user=user, since=since):
            calendar.add_component(_event_component(event, stamp))
        for visit in feed_visits(user=user, since=since):
            calendar.add_component(_visit_component(visit, stamp))
        for step in feed_steps(user=user, since=since.date()):
            calendar.add_component(_step_component(step, stamp, user))
        from apps.problemdays.selectors import duties_for_user

        for duty in duties_for_user(user=user, since=since.date()):
            calendar.add_component(_duty_component(duty, stamp))
        return calendar.to_ical()


def _duty_component(activity, stamp):
    """A duty on a problem-theme day (the person is responsible for the activity)."""
    component = Event()
    component.add("uid", f"problem-day-activity-{activity.pk}@collabschool")
    component.add("dtstamp", stamp)
    component.add("dtstart", activity.starts_at.astimezone(datetime.UTC))
    component.add("dtend", activity.ends_at.astimezone(datetime.UTC))
    component.add(
        "summary",
        _("Problem-theme day «%(theme)s»: %(title)s") % {"theme": activity.day, "title": activity.title},
    )
    if activity.place:
        component.add("location", activity.place)
    return component
