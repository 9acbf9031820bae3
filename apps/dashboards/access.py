"""Who sees which dashboard.

Dashboards show counts, shares and times, never lesson feedback (the trust
rule). Names appear only in the administrators' per-teacher participation
table and in the collaboration network of their own school.
"""

from apps.accounts.models import Role

A, D, C = Role.ADMINISTRATOR, Role.DEPUTY_HEAD, Role.CURATOR

# Categories, participation, the collaboration network and the yearly report.
SCHOOL_DASHBOARD_ROLES = (A, D)
# Debrief timeliness: a curator sees the groups they curate.
TIMELINESS_ROLES = (A, D, C)
# The per-teacher participation table, with names.
MATRIX_ROLES = (A,)


def sees_whole_school_timeliness(membership):
    return membership.has_role(A, D)
