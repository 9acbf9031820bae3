"""The catalogue of indicators of collective work, from which a school builds the
criteria of its rating for the incentive commission (apps.ratings).

Each domain app registers the indicators it can compute from its own records from
its AppConfig.ready(); the rating app reads the catalogue and never imports the
apps. An indicator declares the fields it `reads`, and the catalogue refuses one
that reads what must never earn points: collective work earns points; being
watched, named or praised does not (the content of feedback and reflections,
being the observed teacher, survey answers, recognitions received).
"""

import dataclasses
import datetime
import fnmatch
from collections.abc import Callable, Iterable
from decimal import Decimal

from apps.core.registry import Registry

# "app_label.Model.field" patterns no indicator may read.
FORBIDDEN_READS = (
    # What observers wrote about a lesson (every field of it but those PERMITTED_READS
    # names, so that a field added later is forbidden until someone says otherwise), and
    # what a teacher wrote about their own.
    "visits.Feedback.*",
    "visits.FeedbackCheck.*",
    "visits.SelfReflection.*",
    "problemdays.Reflection.*",
    # Being the observed teacher.
    "visits.LessonVisit.observed",
    # A survey's answers, its ties and what was computed from them.
    "surveys.SurveyAnswer.*",
    "surveys.SurveyTie.*",
    "surveys.SurveyNodeMetric.*",
    # Being recognised by colleagues.
    "recognition.*",
)
# Within what is forbidden, what an indicator may read: who wrote feedback and when it
# was submitted, never what (timeliness is collective work; the content is the observed
# teacher's, and the times an observer types are theirs to type).
PERMITTED_READS = frozenset({"visits.Feedback.visit", "visits.Feedback.observer", "visits.Feedback.submitted_at"})


@dataclasses.dataclass(frozen=True)
class Evidence:
    """One traced unit (or several) of an indicator for one person: what it is, when,
    and the page that shows it. `units` is a count, or months for time in a group."""

    staff_id: int
    units: Decimal
    label: str
    on: datetime.date
    url: str = ""


@dataclasses.dataclass(frozen=True)
class Indicator:
    """`compute(school_id=, start=, end=)` gives the Evidence of the school's people
    for the period from `start` to `end` (both dates included), in the active
    language. `reads` names every "app_label.Model.field" it reads."""

    key: str
    label: str
    unit: str
    reads: frozenset[str]
    compute: Callable[..., Iterable[Evidence]]
    order: int = 100


class ForbiddenIndicator(ValueError):
    """An indicator that reads what must never earn points."""


def forbidden_reads(reads) -> list[str]:
    """The fields of `reads` that match FORBIDDEN_READS and are not PERMITTED_READS."""
    return sorted(
        field
        for field in reads
        if field not in PERMITTED_READS and any(fnmatch.fnmatchcase(field, p) for p in FORBIDDEN_READS)
    )


class IndicatorCatalogue(Registry):
    def register(self, name, function):
        indicator = function
        if name != indicator.key:
            raise ValueError(f"indicator registered as {name!r} is called {indicator.key!r}")
        bad = forbidden_reads(indicator.reads)
        if bad:
            raise ForbiddenIndicator(f"{indicator.key} reads {', '.join(bad)}")
        return super().register(name, indicator)

    def get(self, key):
        return self._entries.get(key)

    def ordered(self) -> list[Indicator]:
        return sorted(self, key=lambda indicator: (indicator.order, indicator.key))


INDICATORS = IndicatorCatalogue("indicators of collective work")


def register_indicator(indicator: Indicator) -> Indicator:
    return INDICATORS.register(indicator.key, indicator)
