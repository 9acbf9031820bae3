"""Access rules of the deadline board, the visit catalogs and the notification
pages, for the URL walk (apps/core/tests/world.py); merged by routes.py.

Objects are built around the personas. A notification has one owner and answers
404 to anyone else, so the walk's notification belongs to the persona who is
signed in for the request: the walk signs its client in (which stamps
`last_login`) before it builds the object; with nobody signed in it is the
teacher's.
"""

from apps.core.tests.world import ANY_MEMBER, A, C, D, T
from apps.notifications.models import Notification
from apps.visits.models import EvaluativeWord, ObservationProtocol

MANAGERS = (D, A)
BOARD = (C, D, A)


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


OBJECTS_ADMIN = {
    "protocol": lambda w: {"pk": ObservationProtocol.objects.create(school=w.school, name="Протокол").pk},
    "evaluative_word": lambda w: {"pk": EvaluativeWord.objects.create(school=w.school, word="молодец").pk},
    "own_notification": lambda w: {"pk": _notification(w).pk},
}

ROUTES_ADMIN = {
    "visits:deadlines": ("get", None, BOARD),  # a curator sees their groups, the administration all
    "visits:protocols": ("get", None, MANAGERS),
    "visits:protocol_edit": ("get", "protocol", MANAGERS),
    "visits:words": ("get", None, MANAGERS),
    "visits:word_delete": ("post", "evaluative_word", MANAGERS),
    "notifications:list": ("get", None, ANY_MEMBER),
    "notifications:open": ("get", "own_notification", ANY_MEMBER),  # the owner only; see above
    "notifications:read_all": ("post", None, ANY_MEMBER),
}
