"""Access rules of the recognition tree's routes, for the URL walk (apps/core/tests/world.py).

The recognition is built around the personas: the curator persona wrote it and
the teacher persona is the colleague it names (who alone may hide their name).
"""

from apps.core.tests.world import ANY_MEMBER, C, T
from apps.recognition.tests.factories import RecognitionFactory


def _recognition(w):
    return RecognitionFactory(school=w.school, author=w.staff_of(C), recipients=[w.staff_of(T)])


OBJECTS = {
    "recognition": lambda w: {"pk": _recognition(w).pk},
}

ROUTES = {
    "recognition:tree": ("get", None, ANY_MEMBER),
    "recognition:live": ("get", None, ANY_MEMBER),
    "recognition:live_leaves": ("get", None, ANY_MEMBER),
    "recognition:create": ("get", None, ANY_MEMBER),
    "recognition:detail": ("get", "recognition", ANY_MEMBER),
    "recognition:hide_self": ("post", "recognition", (T,)),
    "recognition:moderate": ("get", "recognition", "recognition.moderate"),
}
