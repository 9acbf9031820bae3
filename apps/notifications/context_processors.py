import functools

from .selectors import notifications_unread_count


def notifications(request):
    """`notifications_unread` for the navbar's bell.

    A callable the template resolves when it shows the bell: pages that never
    render it run no query, and the count is taken once per request."""
    user = getattr(request, "user", None)
    school = getattr(request, "school", None)
    if user is None or not user.is_authenticated or school is None:
        return {"notifications_unread": 0}

    @functools.cache
    def unread():
        return notifications_unread_count(user=user, school=school)

    return {"notifications_unread": unread}
