"""The roles a person holds in a school, and what each role may do there: one table.

A view names the capability it needs (`@school_view("staff.edit")`); code asks
`request.membership.can("staff.edit")`; a template asks `can.staff_edit`; a query
for the people who may do something filters on `roles__overlap=roles_with(...)`.
Rules about one object (the curator of this group, an observer of this visit)
stay in each app's access.py and ask capabilities for their role part. Nothing
else names roles to decide access. See docs/architecture.md#capabilities.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEACHER = "teacher", _("teacher")
    CURATOR = "curator", _("curator")
    DEPUTY_HEAD = "deputy_head", _("deputy head")
    ADMINISTRATOR = "administrator", _("administrator")


T, C, D, A = Role.TEACHER, Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR

# Capability → the roles that hold it. A teacher holds none: what a teacher may do
# follows from who they are in a group, a visit or a team (each app's access.py).
CAPABILITIES = {
    # The school itself and its audit trail.
    "accounts.edit_school": (A,),
    "audit.view": (A,),
    # The staff registry.
    "staff.view": (C, D, A),  # the registry, a card, the start page's staff figures
    "staff.edit": (A,),  # cards, categories, leaving, the import, subjects and associations
    "staff.export": (D, A),
    "staff.record_achievements": (D, A),
    "staff.view_attestations": (D, A),
    "privacy.manage_personal_data": (A,),  # a person's data exported or erased; the acts of destruction
    # Pairs, triads and development routes.
    "mentoring.plan": (C, D, A),  # form (or, as a curator, propose) a group; suggestions; open a route
    "mentoring.manage": (D, A),  # every group and route of the school; the list of problems
    "mentoring.curate": (C,),  # the groups one curates, their teachers' routes, agreed next steps
    # Lesson visits. Whoever oversees them sees the facts of every visit (never its
    # content, not even a shared debrief: the trust rule), changes or cancels any, and
    # sees the whole school's deadlines and timeliness.
    "visits.oversee": (D, A),
    "visits.plan_for_others": (C, D, A),  # a visit one takes no part in
    "visits.view_deadlines": (C, D, A),
    "visits.manage_catalog": (D, A),  # observation protocols, evaluative words
    # Working together.
    "teams.manage": (D, A),
    "partners.manage": (D, A),
    "problemdays.manage": (D, A),
    "surveys.manage": (D, A),
    # The network community: an association's plan and meetings, the school's part in
    # a network association; network seminars; the leader school's programmes of help.
    "associations.manage": (D, A),
    "network_events.organise": (D, A),
    "help_programmes.manage": (D, A),
    # The recognition tree: hiding a recognition for the school, with a reason (audited).
    "recognition.moderate": (A,),
    # The collective-work rating: criteria, periods, the commission's members. The
    # commission reviews and approves; its members named by the school join it by
    # that (apps/ratings/access.py), not by a role.
    "ratings.manage": (A,),
    # The survey's advice network with names: closed groups, isolates, the picture.
    "surveys.view_network": (A,),
    # Dashboards: counts, shares and times, never feedback.
    "dashboards.view_school": (D, A),
    "dashboards.view_timeliness": (C, D, A),  # a curator: the groups they curate
    "dashboards.view_by_teacher": (A,),  # the per-teacher table, with names
}

# Roles whose holders must sign in with a second factor (while TWO_FACTOR_REQUIRED is
# on): they reach personal data, the audit trail and every card of the school.
TWO_FACTOR_ROLES = (A,)


class UnknownCapability(LookupError):
    """A capability missing from the table: a typo fails loudly instead of refusing quietly."""


def roles_with(capability) -> list[str]:
    """The roles that hold `capability` (a list, as `roles__overlap` takes it)."""
    try:
        return list(CAPABILITIES[capability])
    except KeyError:
        raise UnknownCapability(capability) from None


def roles_can(roles, capability) -> bool:
    """Whether any of `roles` holds `capability`."""
    allowed = roles_with(capability)
    return any(role in allowed for role in roles)


class Can:
    """The capabilities of one membership as templates ask them: `can.staff_edit`
    answers "staff.edit". Without a membership nothing is allowed."""

    _by_template_name = {name.replace(".", "_"): name for name in CAPABILITIES}

    def __init__(self, membership):
        self._roles = tuple(membership.roles) if membership is not None else ()

    def __getitem__(self, template_name):
        try:
            capability = self._by_template_name[template_name]
        except KeyError:
            raise UnknownCapability(template_name) from None
        return roles_can(self._roles, capability)

    # Two Cans of the same roles answer alike: a part of the page drawn from `can` alone
    # (the navbar's menu) is drawn once for all who hold those roles (apps/core/templatetags/page_parts.py).
    def __eq__(self, other):
        return isinstance(other, Can) and frozenset(self._roles) == frozenset(other._roles)

    def __hash__(self):
        return hash(frozenset(self._roles))
