"""Access rules of the personal-data routes, for the URL walk (apps/core/tests/world.py)."""

# The card kind ("staff") is declared in apps/staff/tests/routes.py.
OBJECTS = {}

ROUTES = {
    "privacy:personal_data_export": ("post", "staff", "privacy.manage_personal_data"),
    "privacy:erase": ("get", "staff", "privacy.manage_personal_data"),
    "privacy:erasures": ("get", None, "privacy.manage_personal_data"),
}
