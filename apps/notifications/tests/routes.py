"""Access rules of the notification pages, for the URL walk (apps/core/tests/world.py).

A notification has one owner and answers 404 to anyone else, so the walk's
notification belongs to the persona who is signed in for the request: the walk
signs its client in (which stamps `last_login`) before it builds the object; with
nobody signed in it is the teacher's.
"""

from apps.core.tests.world import ANY_MEMBER, T
from apps.notifications.models import Notification


def _signed_in_persona(w):
    signed_in = [user for user in w.users.values() if user.last_login is not None]
    if not signed_in:
        return w.users[T]
    return max(signed_in, key=lambda user: user.last_login)


def _notification(w):
    user = _signed_in_persona(w)
    return Notification.objects.create(
        user=user, school=w.school, kind=Notification.Kind.VISIT_PLANNED, key="walk", title="Посещение урока"
    )


OBJECTS = {
    "own_notification": lambda w: {"pk": _notification(w).pk},
}

ROUTES = {
    "notifications:list": ("get", None, ANY_MEMBER),
    "notifications:open": ("get", "own_notification", ANY_MEMBER),  # the owner only; see above
    "notifications:read_all": ("post", None, ANY_MEMBER),
    "notifications:preferences": ("get", None, ANY_MEMBER),
}
