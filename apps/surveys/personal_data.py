"""What the advice-network surveys hold about a person (see apps/core/personal_data.py).

The export gives, per round, only the person's own readiness answers and how many
colleagues they named for each question, never who: those names are the colleagues'
data as much as theirs. Erasure deletes the person's own answers (their ties go with
them) and their participation in rounds not yet closed and analysed; an analysed
round keeps its stored results, and colleagues' answers that named the person stay.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.personal_data import PersonalDataSource, Section

from .models import READINESS_ITEMS, SurveyAnswer, SurveyNodeMetric, SurveyParticipant, SurveyRound, SurveyTie


def collect(*, staff, local_time):
    tie_counts = {kind: Count("ties", filter=Q(ties__kind=kind)) for kind in SurveyTie.Kind.values}
    answers = {
        answer.round_id: answer
        for answer in SurveyAnswer.objects.filter(respondent=staff).annotate(
            **{f"named_{kind}": count for kind, count in tie_counts.items()}
        )
    }
    section = Section(
        "surveys",
        _("Surveys"),
        [
            ("round", _("survey")),
            ("opens_on", _("opens on")),
            ("closes_on", _("closes on")),
            ("answered_at", _("answered at")),
            *[(item, str(label)) for item, label in READINESS_ITEMS.items()],
            # How many colleagues were named, never who: see the module's docstring.
            *[
                (f"named_{kind}", _("colleagues named: %(question)s") % {"question": label})
                for kind, label in SurveyTie.Kind.choices
            ],
        ],
    )
    participations = SurveyParticipant.objects.filter(staff=staff).select_related("round").order_by("round__opens_on")
    for participant in participations:
        answer = answers.get(participant.round_id)
        row = {
            "round": participant.round.name,
            "opens_on": participant.round.opens_on,
            "closes_on": participant.round.closes_on,
            "answered_at": local_time(participant.answered_at),
        }
        for item in READINESS_ITEMS:
            row[item] = getattr(answer, item) if answer else None
        for kind in SurveyTie.Kind.values:
            row[f"named_{kind}"] = getattr(answer, f"named_{kind}") if answer else None
        section.rows.append(row)
    return [section]


def erase(*, erasure):
    answers = SurveyAnswer.objects.filter(respondent=erasure.staff)
    erasure.deleted("survey_answers", answers.count())
    answers.delete()  # their named colleagues go with them (SurveyTie cascades)
    pending = SurveyParticipant.objects.filter(staff=erasure.staff).filter(
        Q(round__closed_at__isnull=True) | Q(round__analysed_at__isnull=True)
    )
    erasure.deleted("survey_participations", pending.delete()[0])


SOURCE = PersonalDataSource(
    app_label="surveys",
    order=80,
    # A round's creator stays as the (anonymised) account; an analysed round's metrics are its stored results.
    person_models=(SurveyRound, SurveyParticipant, SurveyAnswer, SurveyTie, SurveyNodeMetric),
    collect=collect,
    erase=erase,
    categories={
        "survey_answers": gettext_lazy("own survey answers"),
        "survey_participations": gettext_lazy("participation in surveys not yet analysed"),
    },
)
