"""Access rules of the network events routes, for the URL walk (apps/core/tests/world.py)."""

OBJECTS = {}

ROUTES = {}
