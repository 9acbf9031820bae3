"""What the recognition tree holds about a person (see apps/core/personal_data.py).

The export lists the recognitions the person gave and those naming them, with
the text, the date and whether it is hidden; the other people only by their role.
Erasure removes the person's name from every recognition that named them, and a
recognition that named nobody else goes with it: its text thanks them in forms
the name sweep cannot catch («Марине Петровне»). What the person gave to others
stays on their anonymised card (the name sweep clears their name from the texts).
An administrator who hid a recognition stays `hidden_by`, on their anonymised
account, as in the audit trail.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.personal_data import PersonalDataSource, Section

from .models import Recognition, RecognitionRecipient
from .services import recognitions_erase


def collect(*, staff, local_time):
    section = Section(
        "recognition",
        _("Recognition tree"),
        [
            ("recognition", _("recognition number")),
            ("created_at", _("when")),
            ("role", _("role")),
            ("text", _("what for")),
            ("hidden_by_me", _("name hidden by the person")),
            ("hidden", _("hidden by the administration")),
        ],
    )

    def row(recognition, role, hidden_by_me=None):
        return {
            "recognition": recognition.pk,
            "created_at": local_time(recognition.created_at),
            "role": role,
            "text": recognition.text,
            "hidden_by_me": hidden_by_me,
            "hidden": recognition.hidden_at is not None,
        }

    for recognition in Recognition.objects.filter(author=staff).order_by("created_at", "pk"):
        section.rows.append(row(recognition, _("author")))
    named = RecognitionRecipient.objects.filter(staff=staff).select_related("recognition").order_by("pk")
    for recipient in named:
        section.rows.append(row(recipient.recognition, _("recognised"), recipient.hidden_at is not None))
    return [section]


def erase(*, erasure):
    named, removed = recognitions_erase(staff=erasure.staff)
    if named:
        erasure.deleted("recognition_names", named)
    if removed:
        erasure.deleted("recognitions_of_person", removed)


SOURCE = PersonalDataSource(
    app_label="recognition",
    order=59,
    person_models=(Recognition, RecognitionRecipient),
    collect=collect,
    erase=erase,
    categories={
        "recognition_names": gettext_lazy("names on the recognition tree"),
        "recognitions_of_person": gettext_lazy("recognitions that named only the person"),
    },
)
