"""Access rules of the network events routes, for the URL walk (apps/core/tests/world.py).

Events are built around the personas: the curator persona created the event (an
organiser by relation) and the teacher persona is registered for it.
"""

import datetime

from apps.community.tests.factories import MaterialFactory
from apps.core.tenancy import Circle
from apps.core.tests.world import ANY_MEMBER, C, T
from apps.network_events.models import EventMaterial
from apps.network_events.tests.factories import EventFactory, RegistrationFactory

ORGANISERS = ("network_events.organise", C)  # the curator persona created the event


def _event(w):
    # With a description, as most events have: its lines are kept without an inline style.
    event = EventFactory(
        school=w.school, created_by=w.staff_of(C), description="Программа семинара:\nчасть первая;\nчасть вторая."
    )
    RegistrationFactory(event=event, staff=w.staff_of(T))
    return event


def _held(w):
    event = _event(w)
    event.starts_at -= datetime.timedelta(days=20)
    event.ends_at -= datetime.timedelta(days=20)
    event.save()
    return event


def _with_material(w):
    event = _held(w)
    material = MaterialFactory(school=w.school, author=w.staff_of(C), circle=Circle.SCHOOL)
    EventMaterial.objects.create(event=event, material=material, attached_by=w.staff_of(C))
    return {"pk": event.pk, "material_pk": material.pk}


OBJECTS = {
    "network_event": lambda w: {"pk": _event(w).pk},
    "past_network_event": lambda w: {"pk": _held(w).pk},
    "network_event_material": _with_material,
}

ROUTES = {
    "network_events:list": ("get", None, ANY_MEMBER),
    "network_events:create": ("get", None, "network_events.organise"),
    "network_events:detail": ("get", "network_event", ANY_MEMBER),
    "network_events:edit": ("get", "network_event", ORGANISERS),
    "network_events:invite": ("get", "network_event", ORGANISERS),
    "network_events:attendance": ("get", "past_network_event", ORGANISERS),
    "network_events:cancel": ("get", "network_event", ORGANISERS),
    "network_events:register": ("post", "network_event", ANY_MEMBER),
    "network_events:unregister": ("post", "network_event", ANY_MEMBER),
    "network_events:materials": ("get", "past_network_event", ORGANISERS),
    "network_events:material_detach": ("post", "network_event_material", ORGANISERS),
    "network_events:attendees_xlsx": ("get", "network_event", ORGANISERS),
}
