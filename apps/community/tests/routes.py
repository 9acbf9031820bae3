"""Access rules of the community routes, for the URL walk (apps/core/tests/world.py)."""

OBJECTS = {}

ROUTES = {}
