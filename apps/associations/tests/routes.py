"""Access rules of the methodical associations routes, for the URL walk (apps/core/tests/world.py)."""

OBJECTS = {}

ROUTES = {}
