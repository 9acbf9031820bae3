"""Access rules of the audit trail's routes, for the URL walk (apps/core/tests/world.py)."""

from apps.core.tests.world import A

OBJECTS = {}

ROUTES = {
    "audit:event_list": ("get", None, (A,)),
    "audit:event_export": ("get", None, (A,)),
}
