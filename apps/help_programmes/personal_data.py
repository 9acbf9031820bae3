"""What the programmes of help hold about a person (see apps/core/personal_data.py).

The export lists the programmes the person is responsible in (side and role) and
the milestones they answer for. Erasure leaves these rows pointing at the
anonymised card: who answered for what stays part of the two schools' programme;
the name sweep removes the person from the programmes' texts (each programme
belongs to both of its schools).
"""

from django.utils.translation import gettext as _

from apps.core.dates import academic_year_span
from apps.core.personal_data import PersonalDataSource, Section

from .models import HelpMilestone, Responsible


def collect(*, staff, local_time):
    responsibilities = Section(
        "help_programmes",
        _("Programmes of help, responsibilities"),
        [
            ("programme", _("programme")),
            ("year", _("academic year")),
            ("side", _("side")),
            ("role", _("responsible for")),
        ],
        [
            {
                "programme": r.programme.title,
                "year": academic_year_span(r.programme.year),
                "side": r.get_side_display(),
                "role": r.role,
            }
            for r in Responsible.objects.filter(staff=staff)
            .select_related("programme")
            .order_by("programme__year", "pk")
        ],
    )
    milestones = Section(
        "help_milestones",
        _("Programmes of help, milestones"),
        [
            ("programme", _("programme")),
            ("milestone", _("milestone")),
            ("due_on", _("due on")),
            ("done_on", _("done on")),
            ("note", _("note")),
        ],
        [
            {
                "programme": m.programme.title,
                "milestone": m.title,
                "due_on": m.due_on,
                "done_on": m.done_on,
                "note": m.note,
            }
            for m in HelpMilestone.objects.filter(responsible=staff)
            .select_related("programme")
            .order_by("due_on", "pk")
        ],
    )
    return [responsibilities, milestones]


SOURCE = PersonalDataSource(
    app_label="help_programmes",
    order=58,
    person_models=(Responsible, HelpMilestone),
    collect=collect,
)
