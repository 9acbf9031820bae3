"""Access rules of the staff registry's routes, for the URL walk (apps/core/tests/world.py)."""

from apps.core.tests.world import ANY_MEMBER, A, C, D
from apps.staff.tests.factories import (
    AchievementFactory,
    CategoryAwardFactory,
    StaffImportFactory,
    StaffMemberFactory,
    SubjectAssociationFactory,
    SubjectFactory,
)

READERS = (C, D, A)
MANAGERS = (D, A)

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
    "school_settings": ("get", None, (A,)),
    "staff:list": ("get", None, READERS),
    "staff:export": ("get", None, MANAGERS),
    "staff:create": ("get", None, (A,)),
    "staff:detail": ("get", "staff", READERS),
    "staff:edit": ("get", "staff", (A,)),
    "staff:deactivate": ("post", "staff", (A,)),
    "staff:reactivate": ("post", "staff", (A,)),
    "staff:category_add": ("get", "staff", (A,)),
    "staff:category_delete": ("post", "award", (A,)),
    "staff:achievement_add": ("get", "staff", MANAGERS),
    "staff:achievement_delete": ("post", "achievement", MANAGERS),
    "staff:attestations_due": ("get", None, MANAGERS),
    "staff:import": ("get", None, (A,)),
    "staff:import_template": ("get", None, (A,)),
    "staff:import_preview": ("get", "import", (A,)),
    "staff:import_confirm": ("post", "import", (A,)),
    "staff:catalog": ("get", None, (A,)),
    "staff:subject_rename": ("get", "subject", (A,)),
    "staff:association_rename": ("get", "association", (A,)),
}
