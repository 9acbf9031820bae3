"""Access rules of the community routes, for the URL walk (apps/core/tests/world.py)."""

from apps.core.tests.world import ANY_MEMBER

OBJECTS = {}

ROUTES = {
    "community:search": ("get", None, ANY_MEMBER),
}
