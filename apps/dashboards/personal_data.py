"""What the dashboards hold about a person (see apps/core/personal_data.py).

Prepared report files are not in the export: they are the school's figures, not the
person's data. Erasure deletes those that mention the person, and those the person's
account asked for in this school.
"""

from django.utils.translation import gettext_lazy

from apps.core.personal_data import PersonalDataSource

from .models import ReportExport


def erase(*, erasure):
    reports = ReportExport.objects.for_school(erasure.school).filter(content__isnull=False)
    doomed = erasure.files_mentioning(reports.values_list("pk", "content"))
    erasure.deleted("report_exports", ReportExport.objects.filter(pk__in=doomed).delete()[0])
    if erasure.user is not None:
        asked = ReportExport.objects.filter(requested_by=erasure.user, school=erasure.school)
        erasure.deleted("report_exports", asked.delete()[0])


SOURCE = PersonalDataSource(
    app_label="dashboards",
    order=100,
    person_models=(ReportExport,),
    erase=erase,
    categories={"report_exports": gettext_lazy("prepared report files")},
)
