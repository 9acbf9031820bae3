"""Access rules of the staff registry's routes, for the URL walk (apps/core/tests/world.py)."""

from apps.core.tests.world import ANY_MEMBER
from apps.staff.tests.factories import (
    AchievementFactory,
    CategoryAwardFactory,
    StaffImportFactory,
    StaffMemberFactory,
    SubjectAssociationFactory,
    SubjectFactory,
)

OBJECTS = {
    "staff": lambda w: {"pk": StaffMemberFactory(school=w.school).pk},
    "award": lambda w: {"pk": CategoryAwardFactory(staff__school=w.school).pk},
    "achievement": lambda w: {"pk": AchievementFactory(staff__school=w.school).pk},
    "import": lambda w: {"pk": StaffImportFactory(school=w.school).pk},
    "subject": lambda w: {"pk": SubjectFactory(school=w.school).pk},
    "association": lambda w: {"pk": SubjectAssociationFactory(school=w.school).pk},
}

ROUTES = {
    "home": ("get", None, ANY_MEMBER),
    "school_switch": ("post", None, ANY_MEMBER),
    "school_settings": ("get", None, "accounts.edit_school"),
    "staff:list": ("get", None, "staff.view"),
    "staff:export": ("get", None, "staff.export"),
    "staff:create": ("get", None, "staff.edit"),
    "staff:detail": ("get", "staff", "staff.view"),
    "staff:edit": ("get", "staff", "staff.edit"),
    "staff:deactivate": ("post", "staff", "staff.edit"),
    "staff:reactivate": ("post", "staff", "staff.edit"),
    "staff:category_add": ("get", "staff", "staff.edit"),
    "staff:category_delete": ("post", "award", "staff.edit"),
    "staff:achievement_add": ("get", "staff", "staff.record_achievements"),
    "staff:achievement_delete": ("post", "achievement", "staff.record_achievements"),
    "staff:attestations_due": ("get", None, "staff.view_attestations"),
    "staff:import": ("get", None, "staff.edit"),
    "staff:import_template": ("get", None, "staff.edit"),
    "staff:import_preview": ("get", "import", "staff.edit"),
    "staff:import_confirm": ("post", "import", "staff.edit"),
    "staff:catalog": ("get", None, "staff.edit"),
    "staff:subject_rename": ("get", "subject", "staff.edit"),
    "staff:association_rename": ("get", "association", "staff.edit"),
}
