"""URLs of the calendars.

They keep the addresses and names they had in the `mentoring` namespace (phones
subscribed to the .ics address must keep working): collabschool/urls.py mounts
these patterns under /mentoring/ together with apps/mentoring/urls.py.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("groups/<int:pk>/calendar/", views.group_calendar, name="group_calendar"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("calendar/staff/<int:pk>/", views.staff_calendar, name="staff_calendar"),
    path("calendar-feed/", views.feed, name="feed"),
    path("calendar-feed/reset/", views.feed_reset, name="feed_reset"),
    # Public: a phone's calendar fetches it without signing in; the token is the key.
    path("calendar/<slug:token>.ics", views.ical_feed, name="ical"),
]
