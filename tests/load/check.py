"""The load test's integrity check (run by bin/loadtest.sh after locust stops).

    python -m tests.load.check SUBMISSIONS.log

The locustfile writes one line per save the site confirmed: `visit <visit id>
<token>` for a visit planned through the form, `feedback <visit id> <staff id>
<token>` for an observer's submitted feedback. Each must be in the database exactly
once (a visit whose topic carries the token; that observer's submitted feedback
whose facts carry it). Exit status 1 if anything is missing or doubled.
"""

import sys
from collections import Counter


def check(path):
    import django

    django.setup()
    from apps.visits.models import Feedback, LessonVisit

    with open(path, encoding="utf-8") as log:
        lines = [line.split() for line in log if line.strip()]
    visits = [(int(v), token) for kind, v, token in (line for line in lines if line[0] == "visit")]
    feedback = [(int(v), int(s), token) for kind, v, s, token in (line for line in lines if line[0] == "feedback")]
    problems = []

    for visit_id, token in visits:
        found = list(LessonVisit.objects.filter(topic__contains=token).values_list("pk", flat=True))
        if found != [visit_id]:
            problems.append(f"visit {visit_id} ({token}): found {found}")

    doubled = [key for key, n in Counter((v, s) for v, s, _token in feedback).items() if n > 1]
    problems += [f"feedback on visit {v} by staff {s} confirmed more than once" for v, s in doubled]
    rows = {}
    for row in Feedback.objects.filter(visit_id__in={v for v, _s, _t in feedback}):
        rows.setdefault((row.visit_id, row.observer_id), []).append(row)
    for visit_id, staff_id, token in feedback:
        saved = rows.get((visit_id, staff_id), [])
        if len(saved) != 1:
            problems.append(f"feedback on visit {visit_id} by staff {staff_id}: {len(saved)} rows")
        elif not saved[0].is_submitted or token not in saved[0].facts:
            problems.append(f"feedback on visit {visit_id} by staff {staff_id}: not the submitted text")

    print(f"integrity: {len(visits)} visits planned, {len(feedback)} feedback submitted; {len(problems)} problems")
    for problem in problems[:50]:
        print(f"  {problem}")
    return not problems


if __name__ == "__main__":
    sys.exit(0 if check(sys.argv[1]) else 1)
