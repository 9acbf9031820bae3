"""Access rules of the visits app's routes, for the URL walk (apps/core/tests/world.py)."""

try:
    from apps.visits.tests.routes_pages import OBJECTS_PAGES, ROUTES_PAGES
except ImportError:  # pragma: no cover - while being written
    OBJECTS_PAGES, ROUTES_PAGES = {}, {}
try:
    from apps.visits.tests.routes_admin import OBJECTS_ADMIN, ROUTES_ADMIN
except ImportError:  # pragma: no cover - while being written
    OBJECTS_ADMIN, ROUTES_ADMIN = {}, {}

OBJECTS = {**OBJECTS_PAGES, **OBJECTS_ADMIN}
ROUTES = {**ROUTES_PAGES, **ROUTES_ADMIN}
