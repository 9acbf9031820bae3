"""The calendar pages (a person's week or month, a pair's or triad's schedule) and
the personal .ics feed.

What appears on them comes from apps.core.calendars.CALENDAR_SOURCES. The pages
keep the addresses and URL names they had under mentoring (see apps/calendar/urls.py).
The .ics feed is public and answers only to its token.
"""

import calendar as pycalendar
import dataclasses
import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.core.calendars import CALENDAR_SOURCES
from apps.core.dates import school_today, short_date
from apps.core.prepared import Param, prepared_query
from apps.core.tenancy import request_viewer, school_view
from apps.mentoring.access import group_can_view, is_manager, require
from apps.mentoring.models import MentorGroup
from apps.mentoring.selectors import curates_teacher, mentor_group_for_schedule_get
from apps.staff.models import StaffMember

from . import ical

CALENDAR_RANGE = (datetime.date(1950, 1, 1), datetime.date(2150, 12, 1))
FEED_MAX_AGE = 300


def _period(request):
    view = request.GET.get("view", "week")
    if view not in ("week", "month"):
        view = "week"
    try:
        anchor = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = school_today(request.school)
    if not CALENDAR_RANGE[0] <= anchor <= CALENDAR_RANGE[1]:
        anchor = school_today(request.school)
    if view == "week":
        first = anchor - datetime.timedelta(days=anchor.weekday())
        days = [first + datetime.timedelta(days=i) for i in range(7)]
        previous, following = first - datetime.timedelta(days=7), first + datetime.timedelta(days=7)
    else:
        weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(anchor.year, anchor.month)
        days = [day for week in weeks for day in week]
        first = anchor.replace(day=1)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
    return view, anchor, days, previous, following


def _render_calendar(request, *, title, staff_ids=None, group=None, base_url):
    view, anchor, days, previous, following = _period(request)
    compact = view == "month"
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(days[0], datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(days[-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    events = []
    # Who opens the page: another person's calendar shows only what the viewer may see.
    viewer = request_viewer(request)
    for source in CALENDAR_SOURCES:
        if source.page_items is None:
            continue
        for event in source.page_items(
            school=request.school, viewer=viewer, start=start, end=end, staff_ids=staff_ids, group=group
        ):
            events.append((event.starts_at, source, event))
    today = school_today(request.school)
    cells = {
        day: CalendarDay(day=day, events=[], is_today=day == today, outside=day.month != anchor.month) for day in days
    }
    markup = {day: [] for day in days}
    for starts_at, source, event in sorted(events, key=lambda entry: entry[0]):
        day = timezone.localtime(starts_at, zone).date()
        if day in cells:
            cells[day].events.append(event)
            # Each app draws its own items: ready markup, or its template.
            if source.item_html is not None:
                markup[day].append(source.item_html(event, compact=compact))
            else:
                markup[day].append(render_to_string(source.template, {"event": event, "compact": compact}, request))
    for cell in cells.values():
        # Each part is escaped markup already (format_html or a template).
        cell.html = mark_safe("".join(markup[cell.day]))  # nosec B308 B703 - escaped parts, see above
        if compact:
            # The month grid's cell drawn here: 35 cells of template nodes cost more than the items in them.
            cell.td = mark_safe(  # nosec B308 B703 - our own classes, a day's number and the escaped items
                f'\n    <td class="{cell.month_class}">\n      <div class="small fw-semibold">{cell.day.day}</div>\n'
                f"      {cell.html}\n    </td>"
            )
        else:
            cell.label = short_date(cell.day, "l, d.m")
    weeks = [[cells[day] for day in days[i : i + 7]] for i in range(0, len(days), 7)]
    if compact:
        for cell in weeks[0]:
            cell.weekday = formats.date_format(cell.day, "D")
    return render(
        request,
        "calendar/calendar.html",
        {
            "title": title,
            "view": view,
            "anchor": anchor,
            "weeks": weeks,
            "previous": previous,
            "following": following,
            "today": today,
            "base_url": base_url,
        },
    )


@dataclasses.dataclass
class CalendarDay:
    """A day of the page with its items (their markup, `html` all of it together);
    `outside`: of another month than the one shown; `label`: the day's title in the week;
    `td`: the day's cell of the month grid, under its `weekday`."""

    day: datetime.date
    events: list
    is_today: bool
    outside: bool
    html: str = ""
    label: str = ""
    td: str = ""
    weekday: str = ""

    @property
    def month_class(self):
        """The classes of the day's cell in the month grid."""
        return ("text-body-tertiary" if self.outside else "") + (" table-primary" if self.is_today else "")


@school_view()
def my_calendar(request):
    me = request.staff
    return _render_calendar(request, title=_("My calendar"), staff_ids=[me.pk] if me else [], base_url=request.path)


@school_view()
def staff_calendar(request, pk):
    """A teacher's or a curator's calendar: for the administration, for the curator
    of one of their groups, and for the person themselves."""
    # The card's name (the title) and what access is told by.
    person = _person_card.first(pk=pk)
    if person is None:
        raise Http404
    if person.school_id == request.school.pk:
        allowed = (
            person.user_id == request.user.pk
            or is_manager(request)
            or curates_teacher(school=request.school, user=request.user, teacher=person)
        )
    # A partner school's teacher is known here only to the curator of their network pair.
    elif not curates_teacher(school=request.school, user=request.user, teacher=person, network_only=True):
        raise Http404
    else:
        allowed = True
    require(allowed)
    return _render_calendar(request, title=person.full_name, staff_ids=[person.pk], base_url=request.path)


@prepared_query
def _person_card():
    return StaffMember.objects.filter(pk=Param("pk")).only("school", "user", "last_name", "first_name", "patronymic")


@school_view()
def group_calendar(request, pk):
    group = mentor_group_for_schedule_get(school=request.school, pk=pk)
    if group is None:
        raise Http404(str(MentorGroup._meta.verbose_name))
    require(group_can_view(request, group))
    return _render_calendar(
        request,
        title=_("Schedule of %(group)s") % {"group": group},
        group=group,
        base_url=request.path,
    )


def _feed_urls(request, feed):
    https = request.build_absolute_uri(reverse("mentoring:ical", kwargs={"token": feed.token}))
    return https, "webcal://" + https.split("://", 1)[1]


@school_view()
def feed(request):
    """The person's private calendar address and how to subscribe to it."""
    calendar_feed = ical.calendar_feed_get_or_create(user=request.user)
    url, webcal_url = _feed_urls(request, calendar_feed)
    return render(request, "calendar/feed.html", {"feed": calendar_feed, "feed_url": url, "webcal_url": webcal_url})


@require_POST
@school_view()
def feed_reset(request):
    ical.calendar_feed_reset(user=request.user)
    messages.success(
        request,
        _("The calendar has a new address: the old one no longer works. Subscribe again on your devices."),
    )
    return redirect("mentoring:feed")


@require_safe
def ical_feed(request, token):
    """The .ics of the person the token belongs to: no sign-in, unknown token → 404."""
    calendar_feed = ical.calendar_feed_by_token(token=token)
    if calendar_feed is None:
        raise Http404("calendar feed")
    response = HttpResponse(ical.calendar_build(user=calendar_feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="collabschool.ics"'
    patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    return response
