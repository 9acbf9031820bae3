"""A teacher's load: the open pairs, triads and task teams they are in.

The school caps it (`School.max_active_groups_per_teacher`); going over is allowed
but warned about. Each app that gives teachers such work registers a counter in
`LOAD_COUNTERS` from its AppConfig.ready(): `counter(staff_ids=..., exclude=...)`
returns {staff_id: count} and leaves out `exclude` when it is one of its own
objects (the group or team being saved). The load is their sum.
"""

from apps.core.registry import Registry

LOAD_COUNTERS = Registry("teacher load counters")


def teacher_load(*, staff_ids, exclude=None):
    """{staff_id: open groups and teams} over every registered counter."""
    staff_ids = list(staff_ids)
    totals = {}
    for counter in LOAD_COUNTERS:
        for staff_id, count in counter(staff_ids=staff_ids, exclude=exclude).items():
            totals[staff_id] = totals.get(staff_id, 0) + count
    return totals


def teacher_load_warnings(*, school, staff, exclude=None, adding=0):
    """The people whose load would exceed the school's limit: [(person, load)].

    The load is counted without `exclude` (the group or team being saved) plus
    `adding` (1 when the change being made, not yet counted, adds one place)."""
    limit = school.max_active_groups_per_teacher
    load = teacher_load(staff_ids=[person.pk for person in staff], exclude=exclude)
    warnings, seen = [], set()
    for person in staff:
        total = load.get(person.pk, 0) + adding
        if total > limit and person.pk not in seen:
            seen.add(person.pk)
            warnings.append((person, total))
    return warnings
