"""What the social partnership holds about a person (see apps/core/personal_data.py).

The export lists the joint activities the person took part in or answered for.
Erasure leaves them pointing at the anonymised card; who moved a partner to another
stage stays as the (anonymised) account. The partners' contact people are other
people who may share a name, so the name sweep leaves them alone.
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from apps.core.personal_data import PersonalDataSource, Section

from .models import JointActivity, PartnerContact, PartnerOrganisation, StageChange


def collect(*, staff, local_time):
    activities = (
        JointActivity.objects.filter(Q(teachers=staff) | Q(responsible=staff))
        .distinct()
        .prefetch_related(Prefetch("partners", queryset=PartnerOrganisation.objects.order_by("name")))
        .order_by("starts_on", "pk")
    )
    section = Section(
        "partner_activities",
        _("Partner activities"),
        [
            ("activity", _("activity number")),
            ("title", _("title")),
            ("starts_on", _("date or start of the period")),
            ("ends_on", _("end of the period")),
            ("kind", _("kind of joint activity")),
            ("partners", _("partners")),
            ("role", _("role")),
            ("status", _("status")),
        ],
        [
            {
                "activity": a.pk,
                "title": a.title,
                "starts_on": a.starts_on,
                "ends_on": a.ends_on,
                "kind": a.get_kind_display(),
                "partners": ", ".join(p.name for p in a.partners.all()),
                "role": _("responsible teacher") if a.responsible_id == staff.pk else _("taking part"),
                "status": a.get_status_display(),
            }
            for a in activities
        ],
    )
    return [section]


SOURCE = PersonalDataSource(
    app_label="partners",
    order=70,
    person_models=(JointActivity, StageChange),
    collect=collect,
    sweep_exempt=(PartnerContact,),
)
