"""Access rules of the personal-data routes, for the URL walk (apps/core/tests/world.py)."""

from apps.core.tests.world import A

# The card kind ("staff") is declared in apps/staff/tests/routes.py.
OBJECTS = {}

ROUTES = {
    "privacy:personal_data_export": ("post", "staff", (A,)),
    "privacy:erase": ("get", "staff", (A,)),
    "privacy:erasures": ("get", None, (A,)),
}
