"""Who sees what of a lesson visit — the trust rule of the programme.

Feedback serves development, not control: when visits serve control, teachers
hide their problems. Its *content* (facts, suggestions, questions, next steps, the
self-reflection) is seen only by the observed teacher, the observers, the curator
of the visit's pair or triad and, if the teacher chose to share it, the colleagues
of her subject association who were in it when she shared, are still in it, and
are not administration (`selectors.visit_is_share_reader`). The administration
(`visits.oversee`: administrators and deputy heads) sees that a visit happened,
when, and whether the debrief was on time: never the content; so does whoever
planned a visit without being one of its readers. See
docs/security-and-privacy.md#the-trust-rule.
"""


def _user_staff_ids(visit, user):
    return {link.staff_id for link in visit.observer_links.all() if link.staff.user_id == user.pk}


def is_observed(visit, user):
    return visit.observed.user_id == user.pk


def is_observer(visit, user):
    return bool(_user_staff_ids(visit, user))


def is_curator(visit, user):
    return visit.group_id is not None and visit.group.curator.user_id == user.pk


def visit_can_read_content(request, visit, *, share_reader=False):
    """The confidential part: feedback text and the self-reflection. `share_reader`
    is `selectors.visit_is_share_reader` for this user; sharing never opens the
    content to the administration."""
    user = request.user
    if is_observed(visit, user) or is_observer(visit, user) or is_curator(visit, user):
        return True
    if request.membership.can("visits.oversee"):
        return False
    return bool(visit.shared_with_association and share_reader)


def share_decides(request, visit):
    """Whether sharing can change what this user reads: not for the visit's own people
    (they read it anyway) nor for the administration (it never does); for anyone else
    `selectors.visit_is_share_reader` is asked."""
    user = request.user
    return not (
        is_observed(visit, user)
        or is_observer(visit, user)
        or is_curator(visit, user)
        or request.membership.can("visits.oversee")
    )


def is_planner(visit, user):
    """Whoever planned the visit (a curator may plan one outside her groups)."""
    return visit.created_by_id is not None and visit.created_by_id == user.pk


def visit_can_view(request, visit, *, share_reader=False):
    """The visit's facts (who, when, status, timeliness): its people, whoever
    planned it, and the administration. Planning it opens the facts, never the
    content: a planner who is not one of its readers above sees what the
    administration sees."""
    return (
        request.membership.can("visits.oversee")
        or is_planner(visit, request.user)
        or visit_can_read_content(request, visit, share_reader=share_reader)
    )


def visit_can_manage(request, visit):
    """Change or cancel the visit: the administration, the group's curator, and
    whoever planned it."""
    return (
        request.membership.can("visits.oversee") or is_curator(visit, request.user) or is_planner(visit, request.user)
    )
