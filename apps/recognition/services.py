"""Writes of the recognition tree: a recognition with the people it names, a
person hiding a recognition of themselves, the administration hiding one with a
reason (written to the audit trail). Recognitions are never counted per person
and never feed the collective-work rating."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.dates import academic_year_of, school_today
from apps.core.tenancy import Viewer
from apps.core.validation import text_lengths_check
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.staff.models import StaffMember

from . import selectors
from .models import LINK_FIELDS, Recognition, RecognitionRecipient

# A recognition names a few people: a whole staff room is thanked otherwise.
MAX_RECIPIENTS = 12


def _recipients_check(*, author, recipients):
    people = list({person.pk: person for person in recipients}.values())
    if not people:
        raise ValidationError({"recipients": _("Name at least one colleague.")})
    if len(people) > MAX_RECIPIENTS:
        raise ValidationError(
            {"recipients": _("Name at most %(count)s colleagues in one recognition.") % {"count": MAX_RECIPIENTS}}
        )
    if any(person.pk == author.pk for person in people):
        raise ValidationError({"recipients": _("A recognition is for colleagues, not for oneself.")})
    # The people the form offers, one rule: at work in the author's school or its network.
    offered = selectors.recipients_offered(viewer=Viewer.of_staff(author)).filter(pk__in=[p.pk for p in people])
    if offered.count() != len(people):
        raise ValidationError({"recipients": _("Name colleagues working in your school or its network.")})
    return people


def _link_check(*, author, people, link_kind, link_id):
    """The linked thing, looked up among those the author may see; a lesson is
    named only with its observed teacher's consent: she is the author or among
    the people recognised."""
    if not link_kind:
        return {}
    if link_kind not in LINK_FIELDS:
        raise ValidationError({"link": _("Choose what the recognition is about from the list.")})
    thing = selectors.linkable(kind=link_kind, author=author).filter(pk=link_id).first()
    if thing is None:
        raise ValidationError({"link": _("Choose what the recognition is about from the list.")})
    if link_kind == "visit" and thing.observed_id != author.pk and all(p.pk != thing.observed_id for p in people):
        raise ValidationError(
            {"link": _("A lesson is named only by its teacher or when she is among the colleagues recognised.")}
        )
    return {link_kind: thing}


def _tell(*, recognition, people):
    """Each named person with an active account hears of it once, in their own school."""
    url = reverse("recognition:detail", args=[recognition.pk])
    with translation.override("ru"):
        title = _("%(name)s recognised you on the recognition tree") % {"name": recognition.author.short_name}
        for person in people:
            user = person.user
            if user is None or not user.is_active:
                continue
            notification_send(
                user=user,
                school=person.school,
                kind=Notification.Kind.RECOGNITION_RECEIVED,
                key=f"recognition-{recognition.pk}",
                title=title,
                body=recognition.text,
                url=url,
            )


@transaction.atomic
def recognition_create(*, author, recipients, text, link_kind="", link_id=None, now=None):
    """A new leaf on the author's school's tree (and on the partner schools' trees
    when it names their people). Returns the recognition; the people named are notified."""
    now = now or timezone.now()
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": _("Say what for.")})
    people = _recipients_check(author=author, recipients=recipients)
    links = _link_check(author=author, people=people, link_kind=link_kind, link_id=link_id)
    school = author.school
    recognition = Recognition(
        school=school,
        author=author,
        text=text,
        created_at=now,
        year=academic_year_of(school_today(school, now)),
        is_network=any(person.school_id != school.pk for person in people),
        **links,
    )
    text_lengths_check(recognition)
    recognition.full_clean()
    recognition.save()
    RecognitionRecipient.objects.bulk_create(
        [RecognitionRecipient(recognition=recognition, staff=p, school_id=p.school_id) for p in people]
    )
    people = StaffMember.objects.filter(pk__in=[p.pk for p in people]).select_related("user", "school")
    _tell(recognition=recognition, people=people)
    return recognition


def _own_row(*, recognition, staff):
    row = RecognitionRecipient.objects.filter(recognition=recognition, staff=staff).first()
    if row is None:
        raise PermissionDenied("only a person the recognition names hides it for themselves")
    return row


def recognition_hide_self(*, recognition, staff, now=None):
    """The person's name leaves the leaf, for everybody; the leaf leaves the tree
    when every person it names has hidden it. Undone by `recognition_show_self`."""
    row = _own_row(recognition=recognition, staff=staff)
    if row.hidden_at is None:
        row.hidden_at = now or timezone.now()
        row.save(update_fields=["hidden_at"])
    return row


def recognition_show_self(*, recognition, staff):
    row = _own_row(recognition=recognition, staff=staff)
    if row.hidden_at is not None:
        row.hidden_at = None
        row.save(update_fields=["hidden_at"])
    return row


def _audit(*, recognition, action, school, changes):
    """In the moderator's school's trail, and the author's school's when it is another
    (a partner school's administrator hid a network recognition)."""
    for trail in {school.pk: school, recognition.school_id: recognition.school}.values():
        audit_record(action=action, school=trail, target=recognition, target_label=str(recognition), changes=changes)


def _check_moderator_school(recognition, school):
    """A recognition is moderated from a school whose tree shows it (the tree's own
    rule, `RecognitionQuerySet.visible_q`, which asks the school and its network only)."""
    viewer = Viewer(school_id=school.pk, network_id=school.network_id)
    if not Recognition.objects.visible_to(viewer).filter(pk=recognition.pk).exists():
        raise PermissionDenied("the recognition is not on this school's tree")


@transaction.atomic
def recognition_hide(*, recognition, user, school, reason, now=None):
    """Hide a recognition from every tree, with the reason (audited). `school` is
    the moderator's school; the view checks `recognition.moderate` there."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why it is hidden.")})
    recognition = Recognition.objects.select_for_update().select_related("school").get(pk=recognition.pk)
    _check_moderator_school(recognition, school)
    if recognition.hidden_at is not None:
        raise ValidationError(_("The recognition is hidden already."))
    recognition.hidden_at = now or timezone.now()
    recognition.hidden_by = user
    recognition.hidden_reason = reason
    text_lengths_check(recognition)
    recognition.full_clean()
    recognition.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _audit(
        recognition=recognition, action=AuditEvent.Action.RECOGNITION_HIDDEN, school=school, changes={"reason": reason}
    )
    return recognition


@transaction.atomic
def recognition_show(*, recognition, user, school):
    """Bring a hidden recognition back to the trees (audited, with the reason it had)."""
    recognition = Recognition.objects.select_for_update().select_related("school").get(pk=recognition.pk)
    _check_moderator_school(recognition, school)
    if recognition.hidden_at is None:
        raise ValidationError(_("The recognition is not hidden."))
    reason = recognition.hidden_reason
    recognition.hidden_at = None
    recognition.hidden_by = None
    recognition.hidden_reason = ""
    recognition.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _audit(
        recognition=recognition, action=AuditEvent.Action.RECOGNITION_SHOWN, school=school, changes={"reason": reason}
    )
    return recognition


def recognitions_erase(*, staff):
    """Erasure of a person: the rows naming them go (a text of thanks to them
    names them in forms no sweep catches: «Марине Петровне»), and a recognition
    that named nobody else goes with them. What they wrote to others stays, on
    their anonymised card. Returns (names removed, recognitions removed)."""
    ids = list(RecognitionRecipient.objects.filter(staff=staff).values_list("recognition_id", flat=True))
    named = RecognitionRecipient.objects.filter(staff=staff).delete()[0]
    orphans = Recognition.objects.filter(pk__in=ids, recipients__isnull=True).delete()[0]
    return named, orphans
