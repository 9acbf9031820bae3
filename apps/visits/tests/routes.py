"""Access rules of the visits app's routes, for the URL walk (apps/core/tests/world.py).

Visits are built around the personas, so that the role matrix checks the
relations of apps/visits/access.py: the teacher persona is the observed teacher
(or, in the second kind, the observer), the curator persona curates the pair,
and the other person of the pair belongs to no persona. Who oversees visits (the
deputy head and the administrator) sees the facts of every visit, never its
content.
"""

from apps.core.tests.world import ANY_MEMBER, C, T
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import EvaluativeWord, ObservationProtocol
from apps.visits.tests.factories import LessonVisitFactory


def _visit(w, *, teacher_observed):
    other = StaffMemberFactory(school=w.school)
    teacher = w.staff_of(T)
    observed, observer = (teacher, other) if teacher_observed else (other, teacher)
    group = MentorGroupFactory(school=w.school, curator=w.staff_of(C), members=[observed, observer])
    return LessonVisitFactory(school=w.school, group=group, observed=observed, observers=[observer])


OBJECTS = {
    # The teacher persona's own lesson, observed by a colleague of the pair.
    "visit_of_teacher": lambda w: {"pk": _visit(w, teacher_observed=True).pk},
    # A colleague's lesson the teacher persona observed.
    "visit_observed_by_teacher": lambda w: {"pk": _visit(w, teacher_observed=False).pk},
    "protocol": lambda w: {"pk": ObservationProtocol.objects.create(school=w.school, name="Протокол").pk},
    "evaluative_word": lambda w: {"pk": EvaluativeWord.objects.create(school=w.school, word="молодец").pk},
}

ROUTES = {
    "visits:my": ("get", None, ANY_MEMBER),
    # A teacher without a registry card is sent back to "My visits" (302).
    "visits:create": ("get", None, ANY_MEMBER),
    # Observed teacher, the pair's curator, and the administration (facts only).
    "visits:detail": ("get", "visit_of_teacher", ANY_MEMBER),
    "visits:reflection": ("get", "visit_of_teacher", (T,)),
    "visits:share": ("post", "visit_of_teacher", (T,)),
    # The administration and the pair's curator (the planner too, not a persona here).
    "visits:cancel": ("post", "visit_of_teacher", ("visits.oversee", C)),
    "visits:feedback": ("get", "visit_observed_by_teacher", (T,)),
    "visits:feedback_draft": ("post", "visit_observed_by_teacher", (T,)),
    # A curator sees the groups they curate, the administration every visit.
    "visits:deadlines": ("get", None, "visits.view_deadlines"),
    "visits:protocols": ("get", None, "visits.manage_catalog"),
    "visits:protocol_edit": ("get", "protocol", "visits.manage_catalog"),
    "visits:words": ("get", None, "visits.manage_catalog"),
    "visits:word_delete": ("post", "evaluative_word", "visits.manage_catalog"),
}
