"""Writes of the network community: materials with their versions, comments
with the author's «помогло», questions and answers.

Who may see a row is decided by its circle (apps/core/tenancy.py); a service
that acts on what another person shared is handed the viewer and looks the row
up through `visible_to`, so it refuses what the person may not see.
"""

import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.tenancy import Circle
from apps.core.typography import quoted
from apps.core.uploads import validate_upload
from apps.core.validation import full_clean_on_fields
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .models import (
    MARK_START,
    MARK_STOP,
    VIOLATION_FIELDS,
    Answer,
    Material,
    MaterialComment,
    MaterialVersion,
    Question,
)

# The search snippets' markers never enter a text (str.translate deletes them).
SNIPPET_MARKERS = dict.fromkeys(map(ord, (MARK_START, MARK_STOP)))

# What a material's file may be: documents, presentations, pictures and short videos.
MATERIAL_MAX_MB = 20


def clean_text(value):
    """`value` without the search snippets' markers."""
    return (value or "").translate(SNIPPET_MARKERS)


def _full_clean(instance, **kwargs):
    """full_clean(), with a database constraint's violation shown next to its field."""
    full_clean_on_fields(instance, VIOLATION_FIELDS, **kwargs)


def circles_open_to(*, school, author):
    """The circles this author may choose, in the order the forms offer them: the
    association only as a member of one, the network only in a network of schools."""
    circles = [Circle.DRAFT]
    if author is not None and author.association_id is not None:
        circles.append(Circle.ASSOCIATION)
    circles.append(Circle.SCHOOL)
    if school.network_id is not None:
        circles.append(Circle.NETWORK)
    return circles


def _check_circle(*, school, author, circle):
    if circle in circles_open_to(school=school, author=author):
        return
    if circle == Circle.NETWORK:
        raise ValidationError({"circle": _("Your school is not in a network of schools.")})
    if circle == Circle.ASSOCIATION:
        raise ValidationError({"circle": _("You are not a member of a methodical association.")})
    raise ValidationError({"circle": _("Choose who sees it.")})


def _apply_circle(row, *, circle):
    row.circle = circle
    row.association_id = row.author.association_id if circle == Circle.ASSOCIATION else None
    if circle != Circle.DRAFT and row.published_at is None:
        row.published_at = timezone.now()


def _check_school_parts(*, school, subject, tags):
    if subject is not None and subject.school_id != school.pk:
        raise ValidationError({"subject": _("Choose a subject of your school.")})
    if any(tag.school_id != school.pk for tag in tags):
        raise ValidationError({"tags": _("Choose problem tags of your school.")})


def _check_file(upload):
    if upload is None:
        return
    try:
        validate_upload(upload, max_mb=MATERIAL_MAX_MB)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None


def _version(*, material, number, file, link, change_note):
    version = MaterialVersion(
        material=material,
        number=number,
        link=clean_text(link).strip(),
        change_note=clean_text(change_note).strip(),
        title=material.title,
        description=material.description,
    )
    if file is not None:
        version.file = file
        version.file_size = file.size
        version.file_name = os.path.basename(file.name or "")[:255]
    if file is not None and version.link:
        raise ValidationError({"link": _("Attach a file or give a link, not both.")})
    _full_clean(version, exclude=["material"])
    version.save()
    return version


def material_create(
    *, school, author, circle, kind, title, subject=None, grades, topic="", description="", tags=(), file=None, link=""
):
    """A new material with its first version (a file or a link)."""
    if author.school_id != school.pk:
        raise ValidationError(_("Only the school's staff share its materials."))
    tags = list(tags)
    _check_circle(school=school, author=author, circle=circle)
    _check_school_parts(school=school, subject=subject, tags=tags)
    _check_file(file)
    material = Material(
        school=school,
        author=author,
        kind=kind,
        title=clean_text(title).strip(),
        topic=clean_text(topic).strip(),
        description=clean_text(description).strip(),
        subject=subject,
        grades=sorted(set(grades)),
    )
    _apply_circle(material, circle=circle)
    _full_clean(material)
    with transaction.atomic():
        material.save()
        material.tags.set(tags)
        _version(material=material, number=1, file=file, link=link, change_note="")
    return material


def material_update(
    *, material, author, kind, title, subject=None, grades, topic="", description="", tags=(), circle=None
):
    """The author changes what the material says (a new file is a new version)."""
    _require_author(material, author)
    tags = list(tags)
    _check_school_parts(school=material.school, subject=subject, tags=tags)
    material.kind = kind
    material.title = clean_text(title).strip()
    material.topic = clean_text(topic).strip()
    material.description = clean_text(description).strip()
    material.subject = subject
    material.grades = sorted(set(grades))
    if circle is not None and circle != material.circle:
        _check_circle(school=material.school, author=material.author, circle=circle)
        _apply_circle(material, circle=circle)
    _full_clean(material)
    with transaction.atomic():
        material.save()
        material.tags.set(tags)
    return material


def material_share(*, material, author, circle):
    """Show the material to another circle (a draft shared, or the circle widened or narrowed)."""
    _require_author(material, author)
    _check_circle(school=material.school, author=material.author, circle=circle)
    _apply_circle(material, circle=circle)
    _full_clean(material)
    material.save(update_fields=["circle", "association", "published_at", "updated_at"])
    return material


def material_withdraw(*, material, author):
    """Back to a draft: the author alone sees it again."""
    return material_share(material=material, author=author, circle=Circle.DRAFT)


def _require_author(row, author):
    if author is None or row.author_id != author.pk:
        raise ValidationError(_("Only the author changes it."))


def version_add(*, material, author, change_note, file=None, link=""):
    """A revised version: what changed is said, the title and description are
    kept as they are now (the page shows the words that changed)."""
    _require_author(material, author)
    if not clean_text(change_note).strip():
        raise ValidationError({"change_note": _("Say what changed in this version.")})
    _check_file(file)
    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        number = material.current_version + 1
        version = _version(material=material, number=number, file=file, link=link, change_note=change_note)
        material.current_version = number
        material.save(update_fields=["current_version", "updated_at"])
    return version


def _notify(*, staff, school, kind, key, title, body, url):
    if staff is None or staff.user_id is None:
        return None
    return notification_send(user=staff.user, school=school, kind=kind, key=key, title=title, body=body, url=url)


def comment_create(*, viewer, author, material_id, text, parent_id=None):
    """A comment on a material the viewer sees, or a reply to one of its comments
    (replies have no replies of their own)."""
    text = clean_text(text).strip()
    if author is None:
        raise ValidationError(_("Only staff with a card in the registry write comments."))
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    material = Material.objects.visible_to(viewer).select_related("author__user").filter(pk=material_id).first()
    if material is None:
        raise ValidationError(_("This material is not shared with you."))
    parent = None
    if parent_id is not None:
        parent = MaterialComment.objects.filter(pk=parent_id, material=material).select_related("author__user").first()
        if parent is None:
            raise ValidationError(_("The comment you reply to is not on this material."))
        if parent.parent_id is not None:
            raise ValidationError(_("Reply to the comment itself: replies have no replies."))
    version = material.versions.order_by("-number").first()
    comment = MaterialComment(
        material=material, version=version, school_id=author.school_id, author=author, parent=parent, text=text
    )
    _full_clean(comment, exclude=["material", "version", "school", "author", "parent"])
    comment.save()
    url = reverse("community:material_detail", args=[material.pk]) + f"#comment-{comment.pk}"
    if parent is not None and parent.author_id != author.pk:
        _notify(
            staff=parent.author,
            school=parent.school,
            kind=Notification.Kind.COMMENT_REPLY,
            key=f"comment-reply:{comment.pk}",
            title=_("A reply to your comment on %(title)s") % {"title": quoted(material.title)},
            body=text,
            url=url,
        )
    elif parent is None and material.author_id != author.pk:
        _notify(
            staff=material.author,
            school=material.school,
            kind=Notification.Kind.MATERIAL_COMMENT,
            key=f"material-comment:{comment.pk}",
            title=_("A comment on your material %(title)s") % {"title": quoted(material.title)},
            body=text,
            url=url,
        )
    return comment


def comment_delete(*, comment, author):
    """The writer takes back their own comment (its replies go with it)."""
    _require_author(comment, author)
    comment.delete()


def comment_mark_helped(*, comment, author):
    """The material's author says that a colleague's comment helped; the colleague
    is told once. A date on the comment, never a tally."""
    material = comment.material
    if author is None or material.author_id != author.pk:
        raise ValidationError(_("Only the material's author marks what helped."))
    if comment.author_id == author.pk:
        raise ValidationError(_("Your own comment cannot be marked."))
    if comment.helped_at is None:
        comment.helped_at = timezone.now()
        comment.save(update_fields=["helped_at"])
    _notify(
        staff=comment.author,
        school=comment.school,
        kind=Notification.Kind.COMMENT_HELPED,
        key=f"comment-helped:{comment.pk}",
        title=_("Your comment on %(title)s helped the author") % {"title": quoted(material.title)},
        body=comment.text,
        url=reverse("community:material_detail", args=[material.pk]) + f"#comment-{comment.pk}",
    )
    return comment


def comment_unmark_helped(*, comment, author):
    if author is None or comment.material.author_id != author.pk:
        raise ValidationError(_("Only the material's author marks what helped."))
    comment.helped_at = None
    comment.save(update_fields=["helped_at"])
    return comment


def _check_question_circle(*, school, author, circle):
    """A question is asked of colleagues: never a draft."""
    if circle == Circle.DRAFT:
        raise ValidationError({"circle": _("A question is asked of colleagues: choose who sees it.")})
    _check_circle(school=school, author=author, circle=circle)


def question_create(*, school, author, circle, title, body="", subject=None, tags=()):
    """A question to the circle the author chose (never a draft)."""
    if author is None or author.school_id != school.pk:
        raise ValidationError(_("Only the school's staff ask its colleagues."))
    tags = list(tags)
    _check_question_circle(school=school, author=author, circle=circle)
    _check_school_parts(school=school, subject=subject, tags=tags)
    question = Question(
        school=school,
        author=author,
        title=clean_text(title).strip(),
        body=clean_text(body).strip(),
        subject=subject,
    )
    _apply_circle(question, circle=circle)
    _full_clean(question)
    with transaction.atomic():
        question.save()
        question.tags.set(tags)
    return question


def answer_create(*, viewer, author, question_id, text):
    """A colleague's answer to a question they see; the person asking is told."""
    text = clean_text(text).strip()
    if author is None:
        raise ValidationError(_("Only staff with a card in the registry answer questions."))
    if not text:
        raise ValidationError({"text": _("Write the answer.")})
    question = Question.objects.visible_to(viewer).select_related("author__user", "school").filter(pk=question_id)
    question = question.first()
    if question is None:
        raise ValidationError(_("This question is not shared with you."))
    answer = Answer(question=question, school_id=author.school_id, author=author, text=text)
    _full_clean(answer, exclude=["question", "school", "author"])
    answer.save()
    if question.author_id != author.pk:
        _notify(
            staff=question.author,
            school=question.school,
            kind=Notification.Kind.QUESTION_ANSWERED,
            key=f"question-answered:{answer.pk}",
            title=_("An answer to your question %(title)s") % {"title": quoted(question.title)},
            body=text,
            url=reverse("community:question_detail", args=[question.pk]) + f"#answer-{answer.pk}",
        )
    return answer


def answer_accept(*, answer, author):
    """The person asking marks a colleague's answer that helped; a previous one is
    unmarked in the same transaction (one accepted answer a question). One's own
    answer is not marked, as one's own comment is not."""
    question = answer.question
    _require_author(question, author)
    if answer.author_id == author.pk:
        raise ValidationError(_("Your own answer cannot be marked."))
    with transaction.atomic():
        Question.objects.select_for_update().filter(pk=question.pk).first()
        Answer.objects.filter(question=question, is_accepted=True).exclude(pk=answer.pk).update(is_accepted=False)
        if not answer.is_accepted:
            answer.is_accepted = True
            answer.save(update_fields=["is_accepted"])
    _notify(
        staff=answer.author,
        school=answer.school,
        kind=Notification.Kind.ANSWER_ACCEPTED,
        key=f"answer-accepted:{answer.pk}",
        title=_("Your answer helped: %(title)s") % {"title": quoted(question.title)},
        body=answer.text,
        url=reverse("community:question_detail", args=[question.pk]) + f"#answer-{answer.pk}",
    )
    return answer
