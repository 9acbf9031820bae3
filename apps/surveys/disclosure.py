"""What of a round's answers may be shown: disclosure control, as pure functions.

Rule: only how many respondents named each person is shown, never by whom (exact from 4, «1–3» below, "named by no
one" only if 3 besides the viewer could have named them), and only when, for every respondent, one naming handed to
or from a third respondent, not the viewer, leaves every count as it is: each could have answered otherwise unseen.

The viewer is taken to be a respondent who named the person (the director or a deputy head may have answered, and an
export outlives the request): "at least 3 respondents besides the viewer" is a count of 4. Readiness averages follow
the same idea (readiness_release).
"""

from dataclasses import dataclass, field
from math import ceil

# A round's results need this many answers at the least, and answers from at least half the staff included.
MIN_RESPONDENTS = 5
# A per-person figure rests on at least this many respondents besides the viewer.
OTHERS = 3

NOBODY, FEW, COUNT, HIDDEN = "nobody", "few", "count", "hidden"


def min_respondents_for(people):
    """The smallest minimum of answers a round of `people` participants may have."""
    return max(MIN_RESPONDENTS, ceil(people / 2))


@dataclass
class TiesRelease:
    shown: bool
    ties: int | None = None
    # staff id -> (NOBODY | FEW | COUNT | HIDDEN, the exact count for COUNT else None)
    people: dict = field(default_factory=dict)


def ties_release(*, named_by, respondents, most):
    """What may be shown of whom the respondents named.

    `named_by`: every participant's id -> how many respondents named them (any question);
    `respondents`: the ids of those who answered; `most`: the most colleagues one respondent can name.

    Everything released is a function of `named_by`, so it stays the same when respondent a's naming of
    person X is handed to respondent b who had not named X (b needs a free choice). Counts are released
    only if two people X are each named by >= 2 respondents and not named by >= F + 2 of those who could
    name them, where F = ties // most bounds how many respondents used every choice, and, when F > 0, fewer
    than `most` people are not named by fewer than F + 2. Then, for any viewer v and other respondent o:
    if o named X, one of the >= F + 1 non-namers of X other than v has a free choice and can take it; if
    o did not name X and has a free choice, a namer of X other than v hands it to o; if o used every
    choice, one of o's `most` named people is among the uncrowded, whose naming o hands on the same way;
    if o is X, the other such person serves. So o's answer could have been another. When counts are
    withheld, the viewer learns only that, which is also what every other respondent naming nobody (or o
    alone naming one colleague) would give.
    """
    people = list(named_by)
    ties = sum(named_by.values())
    full = ties // most if most <= len(people) - 2 else 0  # a respondent who named all others is no receiver
    possible = {x: len(respondents) - (x in respondents) for x in people}
    unnamed = {x: possible[x] - named_by[x] for x in people}
    handovers = sum(1 for x in people if named_by[x] >= 2 and unnamed[x] >= full + 2)
    crowded = sum(1 for x in people if unnamed[x] < full + 2)
    if handovers < 2 or (full and crowded >= most):
        return TiesRelease(shown=False)
    bands = {}
    for x in people:
        count = named_by[x]
        if count == 0:
            # "Named by no one" tells of each respondent that they did not name x: only with 3 besides the viewer.
            bands[x] = (NOBODY, None) if possible[x] - 1 >= OTHERS else (HIDDEN, None)
        elif count <= OTHERS:
            bands[x] = (FEW, None)
        else:
            bands[x] = (COUNT, count)
    return TiesRelease(shown=True, ties=ties, people=bands)


def readiness_release(*, total, answers):
    """The mean of a readiness item (each answer 1–5), or None.

    Shown only if answers + 5 <= total <= 5 * answers - 5: then, whatever the viewer answered, the others'
    total lies strictly between all-1 and all-5, so a point can move between any other respondent and a
    third one with the mean unchanged. Withheld, it is what all others answering 1, or all answering 5,
    would both give."""
    if not answers or not answers + 5 <= total <= 5 * answers - 5:
        return None
    return round(total / answers, 2)


def share_release(*, part, answers):
    """How many of the respondents are in a group (ready to interact, say), or None.

    Shown only if at least 2 respondents are in it and at least 2 are not: then, whatever
    the viewer answered, another respondent is on each side, so any other's side could be
    swapped with a third's unseen. Withheld, it is what everyone in, or nobody in, or
    one in or out would all give."""
    if not answers or not 2 <= part <= answers - 2:
        return None
    return part
