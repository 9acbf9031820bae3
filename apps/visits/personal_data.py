"""What the lesson visits hold about a person (see apps/core/personal_data.py).

An administrator downloads the export, so feedback follows the trust rule: the file
says that feedback exists, never what it says. It lists the visits where the person
was the observed teacher or an observer, the submitted feedback on their lessons (its author by
role only), what they wrote themselves (drafts too) and when their self-reflections
changed. Erasure keeps the visits and the feedback the person wrote, readable to the
other teacher without the name (the name sweep takes it out of the texts); who
created a visit stays as the (anonymised) account, and the readers of a shared
debrief as the anonymised card.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from apps.core.personal_data import PersonalDataSource, Section, field_label

from .models import Feedback, LessonVisit, VisitObserver, VisitShareReader


def _visit_row(visit, role, local_time):
    return {
        "visit": visit.pk,
        "role": str(role),
        "kind": visit.get_kind_display(),
        "starts_at": local_time(visit.starts_at),
        "grade": visit.grade,
        "subject": visit.subject.name if visit.subject else "",
        "topic": visit.topic,
        "observed_aspect": visit.observed_aspect,
        "status": visit.get_status_display(),
        "debriefed_at": local_time(visit.debriefed_at),
    }


def _feedback_row(feedback, author, local_time):
    return {
        "visit": feedback.visit_id,
        "author": str(author),
        "follow_up_on": feedback.follow_up_on,
        "debrief_held_at": local_time(feedback.debrief_held_at),
        "debrief_format": feedback.get_debrief_format_display(),
        "submitted_at": local_time(feedback.submitted_at),
    }


def collect(*, staff, local_time):
    visits = Section(
        "visits",
        _("Lesson visits"),
        [
            ("visit", _("visit number")),
            ("role", _("role")),
            ("kind", _("kind")),
            ("starts_at", _("lesson starts")),
            ("grade", _("class")),
            ("subject", _("subject")),
            ("topic", _("lesson topic")),
            ("observed_aspect", _("observed aspect")),
            ("status", _("status")),
            ("debriefed_at", _("debriefed at")),
        ],
    )
    feedback = Section(
        "feedback",
        _("Feedback"),
        [
            ("visit", _("visit number")),
            ("author", _("written by")),
            ("follow_up_on", field_label(Feedback, "follow_up_on")),
            ("debrief_held_at", field_label(Feedback, "debrief_held_at")),
            ("debrief_format", field_label(Feedback, "debrief_format")),
            ("submitted_at", _("submitted at")),
        ],
    )
    reflections = Section(
        "self_reflections",
        _("Self-reflections"),
        [("visit", _("visit number")), ("updated_at", _("last changed"))],
    )
    observed = (
        LessonVisit.objects.filter(observed=staff)
        .select_related("subject", "self_reflection")
        .prefetch_related(
            # Others' feedback on the person's own lesson: only what the app shows them, the submitted.
            Prefetch(
                "feedback",
                queryset=Feedback.objects.filter(submitted_at__isnull=False).order_by("submitted_at", "pk"),
                to_attr="submitted_feedback",
            )
        )
        .order_by("starts_at", "pk")
    )
    for visit in observed:
        visits.rows.append(_visit_row(visit, _("observed teacher"), local_time))
        for item in visit.submitted_feedback:
            # The observer is named by role only; their own feedback comes below.
            if item.observer_id != staff.pk:
                feedback.rows.append(_feedback_row(item, _("an observer"), local_time))
        reflection = getattr(visit, "self_reflection", None)
        if reflection is not None:
            reflections.rows.append({"visit": visit.pk, "updated_at": local_time(reflection.updated_at)})
    for link in (
        VisitObserver.objects.filter(staff=staff).select_related("visit", "visit__subject").order_by("visit__starts_at")
    ):
        visits.rows.append(_visit_row(link.visit, _("observer"), local_time))
    # What the person wrote, drafts included: their own words.
    for item in Feedback.objects.filter(observer=staff).order_by("visit__starts_at", "pk"):
        feedback.rows.append(_feedback_row(item, _("this person"), local_time))
    return [visits, feedback, reflections]


SOURCE = PersonalDataSource(
    app_label="visits",
    order=50,
    person_models=(LessonVisit, VisitObserver, VisitShareReader, Feedback),
    collect=collect,
)
