"""Access rules of the programmes of help routes, for the URL walk (apps/core/tests/world.py)."""

OBJECTS = {}

ROUTES = {}
