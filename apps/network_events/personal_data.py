"""What network events hold about a person (see apps/core/personal_data.py).

The export lists the events the person created or leads, their registrations,
invitations and attendance. Erasure deletes registrations for events still to
come (the waiting list moves up, with no notices: nobody is told of an erasure)
and the person's own invitations; past registrations stay on the anonymised
card for the counts of who came. Events the person created or leads stay, on the
anonymised card, and so do the materials the person attached to an event.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.personal_data import PersonalDataSource, Section

from .models import Event, EventMaterial, Invitation, Registration
from .services import registrations_erase


def collect(*, staff, local_time):
    section = Section(
        "network_events",
        _("Network events"),
        [
            ("event", _("event number")),
            ("kind", _("kind")),
            ("title", _("title")),
            ("starts_at", _("when")),
            ("role", _("role")),
            ("status", _("status")),
            ("attended", _("attended")),
        ],
    )

    def row(event, role, status="", attended=None):
        return {
            "event": event.pk,
            "kind": event.get_kind_display(),
            "title": event.title,
            "starts_at": local_time(event.starts_at),
            "role": role,
            "status": status,
            "attended": attended,
        }

    for event in Event.objects.filter(created_by=staff).order_by("starts_at", "pk"):
        section.rows.append(row(event, _("organiser"), event.get_status_display()))
    for event in Event.objects.filter(leads=staff).order_by("starts_at", "pk"):
        section.rows.append(row(event, _("lead"), event.get_status_display()))
    for invitation in Invitation.objects.filter(staff=staff).select_related("event").order_by("pk"):
        section.rows.append(row(invitation.event, _("invited")))
    for r in Registration.objects.filter(staff=staff).select_related("event").order_by("created_at", "pk"):
        section.rows.append(row(r.event, _("participant"), r.get_status_display(), r.attended))
    return [section]


def erase(*, erasure):
    removed = registrations_erase(staff=erasure.staff, now=erasure.now)
    if removed:
        erasure.deleted("network_event_registrations", removed)
    invited = Invitation.objects.filter(staff_id=erasure.staff.pk).delete()[0]
    if invited:
        erasure.deleted("network_event_invitations", invited)


SOURCE = PersonalDataSource(
    app_label="network_events",
    order=56,
    person_models=(Event, EventMaterial, Invitation, Registration),
    collect=collect,
    erase=erase,
    categories={
        "network_event_registrations": gettext_lazy("registrations for network events still to come"),
        "network_event_invitations": gettext_lazy("personal invitations to network events"),
    },
)
