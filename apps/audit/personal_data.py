"""What the audit trail holds about a person (see apps/core/personal_data.py).

The trail is not in the export: it is the school's record of who did what. Erasure
keeps its rows and takes the name out (`audit_events_anonymise`): the rows about the
card everywhere, and the account's rows everywhere when it is erased or only in this
school when it works elsewhere. The trail is append-only, so the name sweep never
rewrites it.
"""

from django.utils.translation import gettext_lazy

from apps.core.personal_data import EVERY_MODEL, PersonalDataSource

from .models import AuditEvent
from .services import audit_events_anonymise


def erase(*, erasure):
    # An account kept for another school keeps its trail there; here, its rows lose the name too.
    school = None if erasure.account_erased else erasure.school
    erasure.anonymised("audit_events", audit_events_anonymise(user=erasure.user, staff=erasure.staff, school=school))


SOURCE = PersonalDataSource(
    app_label="audit",
    # Last: the trail loses the name once everything else is done.
    order=1000,
    person_models=(AuditEvent,),
    erase=erase,
    categories={"audit_events": gettext_lazy("audit trail: names")},
    sweep_exempt=EVERY_MODEL,
)
