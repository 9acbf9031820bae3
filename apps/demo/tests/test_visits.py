"""The demo's lesson visits: every state of the 48-hour rule, and one deadline that
passed while the stack was off, which the first sweep flags."""

from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import School, User
from apps.notifications.models import Notification
from apps.visits.models import LessonVisit
from apps.visits.services import visits_deadline_sweep
from conftest import client_for

S = LessonVisit.Status


def test_demo_has_visits_in_every_state(demo):
    visits = LessonVisit.objects.for_school(demo)
    assert set(visits.values_list("status", flat=True)) == set(S.values)
    assert visits.filter(status=S.CANCELLED).exclude(cancel_reason="").exists()
    reverse_visit = visits.get(kind=LessonVisit.Kind.REVERSE_VISIT)
    assert reverse_visit.answers_visit.observed == reverse_visit.observer_links.get().staff
    on_time = reverse_visit.answers_visit
    assert on_time.status == S.DEBRIEFED and on_time.self_reflection.text
    feedback = on_time.feedback.get()
    for field in ("facts", "toward_goal", "reconsider", "questions", "next_step"):
        assert getattr(feedback, field), field
    assert feedback.follow_up_on and feedback.is_submitted
    assert visits.filter(status=S.DEBRIEFED_LATE, overdue_at__isnull=False).exists()
    assert LessonVisit.objects.for_school(School.objects.exclude(pk=demo.pk).get()).count() >= 3


def test_the_demo_teacher_owes_feedback_on_a_visit_she_observed(demo):
    teacher = User.objects.get(email="teacher@berezovka.demo")
    owed = LessonVisit.objects.for_school(demo).get(
        status=S.HELD, observer_links__staff__user=teacher, debrief_due_at__gt=timezone.now()
    )
    assert not owed.feedback.filter(submitted_at__isnull=False).exists()


def test_first_sweep_flags_the_visit_whose_deadline_passed_while_the_stack_was_off(demo):
    now = timezone.now()
    missed = LessonVisit.objects.get(school=demo, status=S.HELD, debrief_due_at__lt=now)
    assert missed.overdue_at is None
    already_overdue = set(LessonVisit.objects.filter(status=S.OVERDUE).values_list("pk", flat=True))

    result = visits_deadline_sweep(now=now)

    missed.refresh_from_db()
    assert missed.status == S.OVERDUE
    assert set(LessonVisit.objects.filter(status=S.OVERDUE).values_list("pk", flat=True)) == already_overdue | {
        missed.pk
    }
    assert result["overdue"] == 1
    assert Notification.objects.filter(kind=Notification.Kind.DEBRIEF_OVERDUE, key=f"visit:{missed.pk}").exists()
    again = visits_deadline_sweep(now=now)
    assert again["overdue"] == 0 and again["reminders"] == 0


def test_demo_curator_board_shows_deadlines_next_steps_and_a_missing_reverse_visit(demo):
    curator = User.objects.get(email="curator@berezovka.demo")
    page = client_for(curator).get(reverse("visits:deadlines"))
    assert page.status_code == 200
    assert page.context["page"].paginator.count >= 2
    assert page.context["next_steps"]
    assert page.context["missing_reverse"]


def test_demo_shared_debrief_is_read_by_the_association_and_never_by_its_director(demo):
    """Белова shared her debrief with the humanities association, the director's too."""
    shared = LessonVisit.objects.for_school(demo).get(shared_with_association=True)
    teacher, director = (User.objects.get(email=f"{who}@berezovka.demo") for who in ("teacher", "director"))
    assert shared.observed.user == teacher
    director_card = director.staff_records.get(school=demo)
    assert director_card.association == shared.observed.association
    facts = shared.feedback.get().facts
    response = client_for(director).get(reverse("visits:detail", args=[shared.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="content-hidden"' in html and facts[:40] not in html
    names = client_for(teacher).get(reverse("visits:detail", args=[shared.pk])).context["share_names"]
    assert names and director_card not in names
    curator = User.objects.get(email="curator@berezovka.demo")
    assert curator.staff_records.get(school=demo) in names


def test_demo_curator_finds_the_visit_she_planned_outside_her_groups(demo):
    curator = User.objects.get(email="curator@berezovka.demo")
    client = client_for(curator)
    lines = client.get(reverse("visits:my")).context["planned"]
    planned = list(LessonVisit.objects.filter(pk__in=[line.pk for line in lines]))
    assert len(planned) == len(lines)
    outside = [visit for visit in planned if visit.group_id is None]
    assert outside and all(visit.created_by == curator for visit in planned)
    page = client.get(reverse("visits:detail", args=[outside[0].pk]))
    assert page.status_code == 200 and page.context["can_read"] is False
