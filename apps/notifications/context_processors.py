import functools

from apps.core.todos import person_cached, request_todo_scope

from .selectors import notifications_unread_count


def notifications(request):
    """`notifications_unread` for the navbar's bell.

    A callable the template resolves when it shows the bell: pages that never
    render it run no query, and the count is taken once per request, from the
    person's cached figures while nothing changed for them (apps/core/todos.py)."""
    user = getattr(request, "user", None)
    school = getattr(request, "school", None)
    membership = getattr(request, "membership", None)
    if user is None or not user.is_authenticated or school is None or membership is None:
        return {"notifications_unread": 0}

    @functools.cache
    def unread():
        return person_cached(
            "unread",
            scope=request_todo_scope(request),
            compute=lambda: notifications_unread_count(user=user, school=school),
        )

    return {"notifications_unread": unread}
