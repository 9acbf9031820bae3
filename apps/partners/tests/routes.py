"""Access rules of the partners' routes, for the URL walk (apps/core/tests/world.py).

The registry is open to every member of the school; administrators and deputy
heads manage it. The teacher and curator personas have staff cards, so they may
log an activity with a partner (as its responsible teacher); the activity of the
matrix has the teacher persona as its responsible teacher, so the teacher may
correct it and the curator may not.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.tests.world import ANY_MEMBER, C, T
from apps.partners.tests.factories import (
    AgreementFactory,
    JointActivityFactory,
    PartnerContactFactory,
    PartnerDirectionFactory,
    PartnerOrganisationFactory,
)

RESPONSIBLE_AND_MANAGERS = ("partners.manage", T)


def _partner(w):
    w.staff_of(T), w.staff_of(C)
    return PartnerOrganisationFactory(school=w.school)


def _activity(w):
    return JointActivityFactory(
        school=w.school,
        responsible=w.staff_of(T),
        partners=[_partner(w)],
        product_file=SimpleUploadedFile("programme.pdf", b"%PDF-1.4 demo"),
    )


OBJECTS = {
    "partner": lambda w: {"pk": _partner(w).pk},
    "partner_contact": lambda w: {"pk": PartnerContactFactory(partner=_partner(w)).pk},
    "agreement": lambda w: {
        "pk": AgreementFactory(partner=_partner(w), scan=SimpleUploadedFile("agreement.pdf", b"%PDF-1.4 demo")).pk
    },
    "joint_activity": lambda w: {"pk": _activity(w).pk},
    "partner_direction": lambda w: {"pk": PartnerDirectionFactory(school=w.school).pk},
}

ROUTES = {
    "partners:registry": ("get", None, ANY_MEMBER),
    "partners:registry_export": ("get", None, "partners.manage"),
    "partners:partner_create": ("get", None, "partners.manage"),
    "partners:partner_detail": ("get", "partner", ANY_MEMBER),
    "partners:partner_edit": ("get", "partner", "partners.manage"),
    "partners:stage_change": ("post", "partner", "partners.manage"),
    "partners:contact_add": ("get", "partner", "partners.manage"),
    "partners:contact_edit": ("get", "partner_contact", "partners.manage"),
    "partners:contact_delete": ("post", "partner_contact", "partners.manage"),
    "partners:agreement_add": ("get", "partner", "partners.manage"),
    "partners:agreement_scan": ("get", "agreement", ANY_MEMBER),
    "partners:agreement_edit": ("get", "agreement", "partners.manage"),
    "partners:agreements_expiring": ("get", None, "partners.manage"),
    "partners:activity_create": ("get", "partner", ANY_MEMBER),  # teachers with a staff card
    "partners:activity_list": ("get", None, ANY_MEMBER),
    "partners:activity_export": ("get", None, "partners.manage"),
    "partners:my_activities": ("get", None, ANY_MEMBER),
    "partners:activity_edit": ("get", "joint_activity", RESPONSIBLE_AND_MANAGERS),
    "partners:activity_file": ("get", "joint_activity", ANY_MEMBER),
    "partners:directions": ("get", None, ANY_MEMBER),
    "partners:direction_rename": ("get", "partner_direction", "partners.manage"),
}
