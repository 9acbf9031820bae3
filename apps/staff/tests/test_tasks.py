import datetime

import time_machine

from apps.staff.models import StaffImport
from apps.staff.tasks import staff_imports_sweep
from apps.staff.tests.factories import StaffImportFactory


def test_sweep_deletes_only_stale_previews_and_is_idempotent(school):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)):
        stale = StaffImportFactory(school=school)
        done = StaffImportFactory(school=school, status=StaffImport.Status.DONE)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)):
        fresh = StaffImportFactory(school=school)
        assert staff_imports_sweep() == 1
        assert staff_imports_sweep() == 0
    remaining = set(StaffImport.objects.values_list("pk", flat=True))
    assert remaining == {done.pk, fresh.pk}
    assert stale.pk not in remaining
