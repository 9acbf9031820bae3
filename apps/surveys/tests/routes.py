"""Access rules of the surveys' routes, for the URL walk (apps/core/tests/world.py).

The round is built around the personas: the teacher persona takes part in it
(and answers it), so "answer" is checked as a participant's page.
"""

from apps.core.tests.world import ANY_MEMBER, T
from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.tests.factories import SurveyRoundFactory


def _round(w):
    people = [w.staff_of(T), *[StaffMemberFactory(school=w.school) for _ in range(3)]]
    return SurveyRoundFactory(school=w.school, people=people)


OBJECTS = {
    "survey_round": lambda w: {"pk": _round(w).pk},
}

ROUTES = {
    "surveys:round_list": ("get", None, "surveys.manage"),
    "surveys:my_surveys": ("get", None, ANY_MEMBER),
    "surveys:round_create": ("get", None, "surveys.manage"),
    "surveys:round_detail": ("get", "survey_round", "surveys.manage"),
    "surveys:answer": ("get", "survey_round", ANY_MEMBER),  # others than the teacher are sent to "my surveys"
    "surveys:round_close": ("post", "survey_round", "surveys.manage"),
    "surveys:results": ("get", "survey_round", "surveys.manage"),
    "surveys:results_export": ("get", "survey_round", "surveys.manage"),
}
