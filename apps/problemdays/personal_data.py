"""What the problem-theme days hold about a person (see apps/core/personal_data.py).

The export lists the days the person organised, their preparation roles and the
activities they answered for. Erasure leaves them pointing at the anonymised card;
the name sweep removes the person from the days' texts (the clashes confirmed
on a stage change among them). Who moved a day's stage stays as the
(anonymised) account, as in the task teams' history.
"""

from django.utils.translation import gettext as _

from apps.core.personal_data import PersonalDataSource, Section

from .models import DayActivity, DayStageChange, PreparationRole, ProblemDay


def collect(*, staff, local_time):
    section = Section(
        "problem_days",
        _("Problem-theme days"),
        [
            ("day", _("day number")),
            ("date", _("date")),
            ("title", _("theme")),
            ("duty", _("duty")),
            ("what", _("what")),
            ("starts_at", _("when")),
            ("place", _("place")),
        ],
    )
    for day in ProblemDay.objects.filter(organisers=staff).order_by("date", "pk"):
        section.rows.append(
            {
                "day": day.pk,
                "date": day.date,
                "title": day.title,
                "duty": _("organiser"),
                "what": "",
                "starts_at": None,
                "place": "",
            }
        )
    for role in PreparationRole.objects.filter(staff=staff).select_related("day").order_by("day__date", "pk"):
        section.rows.append(
            {
                "day": role.day_id,
                "date": role.day.date,
                "title": role.day.title,
                "duty": _("preparation role"),
                "what": role.get_kind_display(),
                "starts_at": local_time(role.when),
                "place": role.place,
            }
        )
    for activity in DayActivity.objects.filter(responsible=staff).select_related("day").order_by("starts_at", "pk"):
        section.rows.append(
            {
                "day": activity.day_id,
                "date": activity.day.date,
                "title": activity.day.title,
                "duty": _("responsible for an activity"),
                "what": activity.title,
                "starts_at": local_time(activity.starts_at),
                "place": activity.place,
            }
        )
    return [section]


SOURCE = PersonalDataSource(
    app_label="problemdays",
    order=60,
    person_models=(ProblemDay, PreparationRole, DayActivity, DayStageChange),
    collect=collect,
)
