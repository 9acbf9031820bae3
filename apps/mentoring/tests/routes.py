"""Access rules of mentoring's routes, for the URL walk (apps/core/tests/world.py).

Objects are built around the personas: the teacher persona is a member of the
group and the curator persona its curator, so the matrix checks those relations.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory
from apps.core.tests.world import ANY_MEMBER, C, T
from apps.mentoring.models import NetworkPairResult
from apps.mentoring.tests.factories import GroupEventFactory, MentorGroupFactory, ProblemTagFactory
from apps.staff.tests.factories import StaffMemberFactory

try:  # development routes
    from apps.mentoring.tests.routes_dev import OBJECTS_DEV, ROUTES_DEV
except ImportError:  # pragma: no cover - while they are being written
    OBJECTS_DEV, ROUTES_DEV = {}, {}

# The group of the matrix is curated by the curator persona, who manages it.
GROUP_MANAGERS = ("mentoring.manage", C)


def _group(w, **kwargs):
    return MentorGroupFactory(school=w.school, curator=w.staff_of(C), members=[w.staff_of(T)], **kwargs)


def _network_result(w):
    """A network pair of the persona school and a partner, with a result file."""
    network = SchoolNetworkFactory()
    w.school.network = network
    w.school.save()
    partner = SchoolFactory(network=network)
    group = MentorGroupFactory(
        school=w.school,
        partner_school=partner,
        curator=w.staff_of(C),
        members=[w.staff_of(T), StaffMemberFactory(school=partner)],
    )
    return NetworkPairResult.objects.create(
        group=group,
        year=2026,
        quarter=4,
        form="video",
        title="Программа взаимодействия",
        file=SimpleUploadedFile("programme.pdf", b"%PDF-1.4 demo"),
        file_size=13,
    )


OBJECTS = {
    "group": lambda w: {"pk": _group(w).pk},
    "event": lambda w: {"pk": GroupEventFactory(group=_group(w)).pk},
    "network_group": lambda w: {"pk": _network_result(w).group_id},
    "result": lambda w: {"pk": _network_result(w).pk},
    "proposal": lambda w: {"pk": _group(w, status="forming", is_proposal=True).pk},
    "problem": lambda w: {"pk": ProblemTagFactory(school=w.school).pk},
    "teacher_card": lambda w: {"pk": _group(w).members.get(staff=w.staff_of(T)).staff_id},
    **OBJECTS_DEV,
}

ROUTES = {
    "mentoring:board": ("get", None, ANY_MEMBER),
    "mentoring:group_list": ("get", None, ANY_MEMBER),
    "mentoring:group_create": ("get", None, "mentoring.plan"),
    "mentoring:group_detail": ("get", "group", ANY_MEMBER),  # the teacher is a member
    "mentoring:group_edit": ("get", "group", GROUP_MANAGERS),  # the curator is the group's
    "mentoring:group_status": ("post", "group", GROUP_MANAGERS),
    "mentoring:group_decline": ("get", "proposal", "mentoring.manage"),
    "mentoring:event_create": ("get", "group", GROUP_MANAGERS),
    "mentoring:event_edit": ("get", "event", GROUP_MANAGERS),
    "mentoring:result_create": ("get", "network_group", ANY_MEMBER),
    "mentoring:result_file": ("get", "result", ANY_MEMBER),
    "mentoring:similar": ("get", None, "mentoring.plan"),
    "mentoring:suggestions": ("get", None, "mentoring.plan"),
    "mentoring:tags": ("get", None, "mentoring.manage"),
    "mentoring:tag_rename": ("get", "problem", "mentoring.manage"),
    **ROUTES_DEV,
}
