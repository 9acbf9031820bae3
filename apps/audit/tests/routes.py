"""Access rules of the audit trail's routes, for the URL walk (apps/core/tests/world.py)."""

OBJECTS = {}

ROUTES = {
    "audit:event_list": ("get", None, "audit.view"),
    "audit:event_export": ("get", None, "audit.view"),
}
