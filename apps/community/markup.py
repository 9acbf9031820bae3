"""The community's lists, threads and filters drawn in Python, every value escaped as the
template escaped it: a page of twenty rows cost a few hundred template lookups and a
translated choice label per row, a comment thread an include, a date filter, a few
`{% url %}` and a `{% csrf_token %}` per comment."""

import functools
import re

from django.contrib.messages import get_messages
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from apps.core.choices import translated_labels
from apps.core.dates import short_dates
from apps.core.form_rendering import escaped, formatted, html_attrs, printed, text
from apps.core.links import row_link
from apps.core.templatetags.page_parts import shared_part
from apps.core.tenancy import Circle
from apps.mentoring.models import group_name
from apps.staff.models import short_name

from .models import GRADES, Material

# A translated sentence of a template's {% blocktranslate %} is written as it is, only its values escaped
# (here numbers).

_DETAIL = row_link("community:material_detail")


def material_rows_html(rows, *, school_id):
    """The rows of `community/material_list.html`'s list, as its loop wrote them."""
    detail = _DETAIL.pattern()
    kinds = translated_labels(Material.Kind)
    circles = translated_labels(Circle)
    day = short_dates("d.m.Y")
    grades_word = escaped(gettext("grades"))
    parts = []
    for material in rows:
        pk, circle = material["pk"], material["circle"]
        badge = "text-bg-secondary" if circle == Circle.DRAFT else "text-bg-light border"
        subject = f" · {escaped(material['subject_name'])}" if material["subject_name"] is not None else ""
        topic = f" · {escaped(material['topic'])}" if material["topic"] else ""
        school = f", {escaped(material['school_name'])}" if material["school_id"] != school_id else ""
        published = f" · {day(material['published_at'])}" if material["published_at"] else ""
        version = (
            " · " + gettext("version %(number)s") % {"number": material["current_version"]}
            if material["current_version"] > 1
            else ""
        )
        author = short_name(material["last_name"], material["first_name"], material["patronymic"])
        kind = material["kind"]
        parts.append(
            f'\n  <a class="list-group-item list-group-item-action" href="{detail.format(pk=pk)}">\n'
            f'    <div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'      <span class="fw-semibold text-break">{escaped(material["title"])}</span>\n'
            f'      <span class="badge {badge}">{escaped(circles.get(circle, circle))}</span>\n\n'
            f"    </div>\n"
            f'    <div class="small text-body-secondary">\n'
            f"      {escaped(kinds.get(kind, kind))}{subject} · {grades_word} "
            f"{escaped(', '.join(str(g) for g in material['grades']))}{topic}\n"
            f"    </div>\n"
            f'    <div class="small text-body-secondary">{escaped(author)}{school}{published}'
            f"{version}</div>\n"
            f"  </a>\n  "
        )
    return mark_safe("".join(parts))  # nosec B308 B703 - every value above is escaped


_QUESTION = row_link("community:question_detail")


def question_rows_html(rows, *, school_id):
    """The rows of `community/question_list.html`'s list, as its loop wrote them."""
    detail = _QUESTION.pattern()
    circles = translated_labels(Circle)
    day = short_dates("d.m.Y")
    helped = f' · <span class="text-success">{escaped(gettext("an answer helped"))}</span>'
    parts = []
    for question in rows:
        circle = question["circle"]
        badge = "text-bg-secondary" if circle == Circle.DRAFT else "text-bg-light border"
        school = f", {escaped(question['school_name'])}" if question["school_id"] != school_id else ""
        subject = f" · {escaped(question['subject_name'])}" if question["subject_name"] is not None else ""
        count = question["answers_count"]
        answers = ngettext("%(counter)s answer", "%(counter)s answers", count) % {"counter": count}
        author = short_name(question["last_name"], question["first_name"], question["patronymic"])
        parts.append(
            f'\n  <a class="list-group-item list-group-item-action" href="{detail.format(pk=question["pk"])}">\n'
            f'    <div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'      <span class="fw-semibold text-break">{escaped(question["title"])}</span>\n'
            f'      <span class="badge {badge}">{escaped(circles.get(circle, circle))}</span>\n\n'
            f"    </div>\n"
            f'    <div class="small text-body-secondary">{escaped(author)}{school}{subject}'
            f" · {day(question['published_at'])} · {answers}{helped if question['answered'] else ''}</div>\n"
            f"  </a>\n  "
        )
    return mark_safe("".join(parts))  # nosec B308 B703 - every value above is escaped


_VERSION_FILE = row_link("community:version_file")
_DIVIDED = "border-bottom pb-2 mb-2"


def version_rows_html(versions):
    """The versions of `community/material_detail.html`, newest first, as its loop wrote them."""
    link = _VERSION_FILE.pattern()
    day = short_dates("d.m.Y H:i")
    what_changed, title, description = (escaped(gettext(w)) for w in ("What changed", "Title", "Description"))
    open_link = escaped(gettext("open the link"))
    deleted = escaped(gettext("the file was deleted"))
    last = len(versions) - 1
    parts = []
    for index, version in enumerate(versions):
        if version.file:
            where = (
                f'<a href="{link.format(pk=version.pk)}" data-testid="version-file">'
                f"{escaped(version.file_name or gettext('file'))}</a>"
            )
        elif version.link:
            where = (
                f'<a href="{escaped(version.link)}" rel="noopener noreferrer" target="_blank" class="text-break">'
                f"{open_link}</a>"
            )
        elif version.file_erased:
            where = f'<span class="small text-body-secondary">{deleted}</span>'
        else:
            where = ""
        note = (
            f'<p class="mb-1 small"><strong>{what_changed}:</strong> {escaped(version.change_note)}</p>'
            if version.change_note
            else ""
        )
        title_diff = f'<p class="mb-1 small diff">{title}: {version.title_diff}</p>' if version.title_changed else ""
        description_diff = (
            f'<p class="mb-1 small diff">{description}: {version.description_diff}</p>'
            if version.description_changed
            else ""
        )
        parts.append(
            f'\n        <li class="{"" if index == last else _DIVIDED}" id="version-{version.number}">\n'
            f'          <div class="d-flex flex-wrap gap-2 align-items-baseline">\n'
            f"            <strong>{gettext('Version %(number)s') % {'number': version.number}}</strong>\n"
            f'            <span class="small text-body-secondary">{day(version.created_at)}</span>\n'
            f"            {where}\n"
            f"          </div>\n"
            f"          {note}\n"
            f"          {title_diff}\n"
            f"          {description_diff}\n"
            f"        </li>\n        "
        )
    return mark_safe("".join(parts))  # nosec B308 B703 - every value above is escaped, the diffs by version_diff


def _safe(html):
    return mark_safe(html)  # nosec B308 B703 - every value in it is escaped


_NEWLINES = re.compile(r"\r\n|\r")


def _lines(value):
    """`{{ value|linebreaksbr }}`: escaped, each line break a <br>."""
    return escaped(_NEWLINES.sub("\n", str(value))).replace("\n", "<br>")


def csrf_field(token):
    """`{% csrf_token %}` of the page's token (the view hands the same one to its template)."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(token)}">'


def circle_badge_html(row):
    """A row's circle as a badge, with the line break its former template (_circle_badge.html) ended with."""
    badge = "text-bg-secondary" if row.circle == Circle.DRAFT else "text-bg-light border"
    label = translated_labels(Circle).get(row.circle, row.circle)
    return _safe(f'<span class="badge {badge}">{escaped(label)}</span>\n')


def tags_html(tags):
    """The problem tags' line of a material's or a question's page (its `tag_rows`)."""
    if not tags:
        return ""
    badges = "".join(f'<span class="badge text-bg-light border me-1">{text(tag["name"])}</span>' for tag in tags)
    return _safe(f'<p class="small">{badges}</p>')


_GROUP = row_link("mentoring:group_detail")


def alike_html(alike):
    """The «похожие проблемы» box (or the line break alone), as its former template _alike.html drew it."""
    groups, materials = alike["groups"], alike["materials"]
    if not groups and not materials:
        return "\n"
    parts = ['\n<aside class="card card-body shadow-sm mb-3" data-testid="problems-alike">\n']
    parts.append(f'  <h2 class="h6">{escaped(gettext("Similar problems"))}</h2>\n  ')
    if groups:
        link = _GROUP.pattern()
        items = "".join(
            f'<li><a href="{link.format(pk=g["pk"])}">{text(group_name(g["kind"], g["pk"]))}</a></li>' for g in groups
        )
        parts.append(
            f'\n  <p class="small mb-1">{escaped(gettext("Pairs and triads of your school working on them:"))}</p>\n'
            f'  <ul class="small">{items}</ul>\n  '
        )
    parts.append("\n  ")
    if materials:
        link = _DETAIL.pattern()
        items = "".join(f'<li><a href="{link.format(pk=m["pk"])}">{text(m["title"])}</a></li>' for m in materials)
        parts.append(
            f'\n  <p class="small mb-1">{escaped(gettext("Materials on the same problems:"))}</p>\n'
            f'  <ul class="small mb-0">{items}</ul>\n  '
        )
    parts.append("\n</aside>\n\n")
    return _safe("".join(parts))


_COMMENT_CREATE = row_link("community:comment_create")
_COMMENT_HELPED = row_link("community:comment_helped")
_COMMENT_DELETE = row_link("community:comment_delete")
_COMMENTS_SWAP = 'data-hx-target="#comments" data-hx-swap="outerHTML"'


def comment_rows_html(comments, *, material, staff_id, is_author, csrf_token):
    """The comments of the material's thread (selectors.material_comments), each
    with its replies (one level), its «помогло» and delete buttons and, for a person with a card
    (`staff_id`), its reply form, as the former _comments.html loop and _comment.html wrote them."""
    if not comments:
        none = escaped(gettext("No comments yet."))
        return _safe(f'\n  <p class="text-body-secondary" data-testid="no-comments">{none}</p>\n  ')
    csrf = csrf_field(csrf_token)
    day = short_dates("d.m H:i")
    words = {
        "helped": escaped(gettext("helped the author")),
        "unmark": escaped(gettext("take back «helped»")),
        "mark": escaped(gettext("mark «helped»")),
        "delete": escaped(gettext("Delete")),
    }
    helped_link, delete_link = _COMMENT_HELPED.pattern(), _COMMENT_DELETE.pattern()

    def one(comment):
        """One comment, as the former _comment.html drew it."""
        pk, author_id = comment["pk"], comment["author_id"]
        school = f", {text(comment['school_name'])}" if comment["school_id"] != material.school_id else ""
        number = comment["version_number"]
        on_version = (
            " · " + gettext("on version %(number)s") % {"number": number}
            if number and number != material.current_version
            else ""
        )
        helped_at = comment["helped_at"]
        helped = (
            f'<span class="badge text-bg-success" data-testid="helped">{words["helped"]}</span>' if helped_at else ""
        )
        toggle = ""
        if is_author and author_id != material.author_id:
            link = helped_link.format(pk=pk)
            toggle = (
                f'\n  <form method="post" action="{link}" data-hx-post="{link}" {_COMMENTS_SWAP}>{csrf}\n'
                f'    <button type="submit" class="btn btn-link btn-sm p-0" data-testid="helped-toggle">'
                f"{words['unmark'] if helped_at else words['mark']}</button>\n  </form>\n  "
            )
        delete = ""
        if staff_id is not None and author_id == staff_id:
            link = delete_link.format(pk=pk)
            delete = (
                f'\n  <form method="post" action="{link}" data-hx-post="{link}" {_COMMENTS_SWAP}>{csrf}\n'
                f'    <button type="submit" class="btn btn-link btn-sm p-0 text-danger">{words["delete"]}</button>\n'
                "  </form>\n  "
            )
        author = short_name(comment["last_name"], comment["first_name"], comment["patronymic"])
        return (
            '<div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'  <span class="small fw-semibold">{text(author)}{school}</span>\n'
            f'  <span class="small text-body-secondary">{day(comment["created_at"])}{on_version}</span>\n'
            "</div>\n"
            f'<p class="mb-1 text-break">{_lines(comment["text"])}</p>\n'
            '<div class="d-flex flex-wrap gap-2 align-items-center">\n'
            f"  {helped}\n  {toggle}\n  {delete}\n</div>\n"
        )

    reply_form = None
    if staff_id is not None:
        create = _COMMENT_CREATE.pattern().format(pk=material.pk)
        nudge = _comment_nudge()
        reply = escaped(gettext("Reply"))
        opening = (
            f'\n    <details class="mt-2">\n      <summary class="small">{reply}</summary>\n'
            f'      <form method="post" action="{create}" data-hx-post="{create}" {_COMMENTS_SWAP} class="mt-2"'
            " novalidate\n"
            f'            data-nudge data-nudge-message="{nudge}">'
        )
        nudge_icon = f"\n        {_nudge_icon()}\n"
        closing = (
            '" rows="2" maxlength="2000" required></textarea>\n'
            f'        <button type="submit" class="btn btn-outline-primary btn-sm">{reply}</button>\n'
            "      </form>\n    </details>\n    "
        )

        def reply_form(pk):
            return (
                f'{opening}{csrf}{nudge_icon}        <input type="hidden" name="parent" value="{pk}">\n'
                f'        <label class="visually-hidden" for="id_reply_{pk}">{reply}</label>\n'
                f'        <textarea class="form-control mb-2" name="text" id="id_reply_{pk}{closing}'
            )

    parts = []
    for comment in comments:
        replies = "".join(
            f'\n    <div class="bg-body-tertiary rounded p-2 mt-2" id="comment-{reply["pk"]}" data-testid="reply">\n'
            f"      {one(reply)}\n    </div>\n    "
            for reply in comment["thread"]
        )
        parts.append(
            f'\n  <article class="card card-body shadow-sm mb-2" id="comment-{comment["pk"]}" data-testid="comment">\n'
            f"    {one(comment)}\n    {replies}\n    "
            f"{reply_form(comment['pk']) if reply_form else ''}\n  </article>\n  "
        )
    return _safe("".join(parts))


_ACCEPT = row_link("community:answer_accept")


def answers_html(answers, *, question, is_author, csrf_token):
    """The question's answers (selectors.question_answers, as the former _answers.html drew them), the
    accepted one marked, with the asker's «Это помогло» buttons."""
    if not answers:
        rows = (
            f'\n  <p class="text-body-secondary" data-testid="no-answers">{escaped(gettext("No answers yet."))}</p>\n  '
        )
        return _safe(f'<div id="answers" data-testid="answers">\n  {rows}\n</div>\n')
    csrf = csrf_field(csrf_token)
    day = short_dates("d.m H:i")
    accepted = escaped(gettext("this answer helped"))
    this_helped = escaped(gettext("This helped"))
    accept_link = _ACCEPT.pattern()
    parts = []
    for answer in answers:
        pk, is_accepted = answer["pk"], answer["is_accepted"]
        school = f", {text(answer['school_name'])}" if answer["school_id"] != question.school_id else ""
        badge = f'<span class="badge text-bg-success" data-testid="accepted">{accepted}</span>' if is_accepted else ""
        accept = ""
        if is_author and not is_accepted and answer["author_id"] != question.author_id:
            link = accept_link.format(pk=pk)
            accept = (
                f'\n      <form method="post" action="{link}" data-hx-post="{link}" data-hx-target="#answers"'
                f' data-hx-swap="outerHTML">{csrf}\n'
                f'        <button type="submit" class="btn btn-outline-success btn-sm" data-testid="accept">'
                f"{this_helped}</button>\n      </form>\n      "
            )
        author = short_name(answer["last_name"], answer["first_name"], answer["patronymic"])
        parts.append(
            f'\n  <article class="card card-body shadow-sm mb-2{" border-warning" if is_accepted else ""}"'
            f' id="answer-{pk}" data-testid="answer">\n'
            '    <div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'      <span class="small fw-semibold">{text(author)}{school}</span>\n'
            f'      <span class="small text-body-secondary">{day(answer["created_at"])}</span>\n'
            "    </div>\n"
            f'    <p class="mb-1 text-break">{_lines(answer["text"])}</p>\n'
            '    <div class="d-flex flex-wrap gap-2 align-items-center">\n'
            f"      {badge}\n      {accept}\n    </div>\n  </article>\n  "
        )
    return _safe(f'<div id="answers" data-testid="answers">\n  {"".join(parts)}\n</div>\n')


@functools.cache
def _kinds(language):
    """The kinds' (value, label) of the material list's filter, translated once per language."""
    return tuple((value, escaped(str(label))) for value, label in Material.Kind.choices)


def material_filter_options(*, kind, subject_id, grade, subjects):
    """The options of the material list's three filters (kind, subject, grade) after their «any»,
    as the template's loops wrote them: {"kinds": ..., "subjects": ..., "grades": ...}."""
    kinds = "".join(
        f'<option value="{escaped(value)}"{" selected" if kind == value else ""}>{label}</option>'
        for value, label in _kinds(get_language())
    )
    subject_options = "".join(
        f'<option value="{s["pk"]}"{" selected" if subject_id == s["pk"] else ""}>{text(s["name"])}</option>'
        for s in subjects
    )
    grades = "".join(f'<option value="{g}"{" selected" if grade == g else ""}>{g}</option>' for g in GRADES)
    return {"kinds": _safe(kinds), "subjects": _safe(subject_options), "grades": _safe(grades)}


def big_radios_html(field):
    """A choice field (a circle, a kind) as big radio buttons (the former _radios.html),
    each `{{ radio.tag }}` with its label, as Django's widget gives the options their attributes."""
    widget = field.field.widget
    ident = widget.attrs.get("id") or field.auto_id
    base = widget.build_attrs(widget.attrs, field.build_widget_attrs({"id": ident} if ident else {}))
    values = widget.format_value(field.value())
    name, kind = printed(field.html_name), printed(widget.input_type)
    parts, has_selected = [], False
    for index, (value, label) in enumerate(widget.choices):
        if value is None:
            value = ""
        selected = (not has_selected or widget.allow_multiple_selected) and str(value) in values
        has_selected |= selected
        attrs = dict(base)
        if selected:
            attrs.update(widget.checked_attribute)
        if "id" in attrs:
            attrs["id"] = widget.id_for_label(attrs["id"], str(index))
        parts.append(
            f'<input type="{kind}" name="{name}" value="{formatted(value)}"{html_attrs(attrs)}>'
            f'<label class="btn btn-outline-primary flex-fill" for="{printed(attrs.get("id"))}">'
            f"{printed(label)}</label>"
        )
    errors = "".join(f'<div class="invalid-feedback d-block">{printed(error)}</div>' for error in field.errors)
    return _safe(
        f'\n<fieldset class="mb-3">\n  <legend class="form-label fs-6 mb-1">{printed(field.label)}</legend>\n'
        f'  <div class="d-flex flex-wrap gap-2" role="group">\n    {"".join(parts)}\n  </div>\n'
        f"  {errors}\n</fieldset>\n"
    )


def _nudge_icon():
    """The hint's icon (templates/community/_nudge_icon.html, where the icon build finds its name)."""
    return shared_part("community/_nudge_icon.html")


def _comment_nudge():
    return escaped(
        gettext(
            "{words}: this grades rather than describes. What exactly did you see in the material? "
            "A description helps the author more than a grade."
        )
    )


def comments_html(request, comments, *, material, form, csrf_token):
    """The material's comment block (the former _comments.html): the thread (`comment_rows_html`) after the request's
    messages, then the comment form (or the no-card note), the block htmx swaps after a comment."""
    staff_id = request.staff.pk if request.staff is not None else None
    notes = "".join(
        f'<div class="alert alert-{escaped(message.tags or "info")} py-2 small" role="status">'
        f"{text(str(message))}</div>"
        for message in get_messages(request)
    )
    rows = comment_rows_html(
        comments,
        material=material,
        staff_id=staff_id,
        is_author=staff_id is not None and material.author_id == staff_id,
        csrf_token=csrf_token,
    )
    if staff_id is None:
        end = shared_part("community/_no_card.html")
    else:
        create = _COMMENT_CREATE.pattern().format(pk=material.pk)
        problems = form.non_field_errors()
        problems = f'<div class="alert alert-danger">{problems}</div>' if problems else ""
        field = form["text"]
        errors = field.errors
        shown = "".join(f'<div class="invalid-feedback d-block">{printed(error)}</div>' for error in errors)
        value = field.value()
        end = (
            f'\n  <form method="post" action="{create}" data-hx-post="{create}" {_COMMENTS_SWAP}\n'
            '        class="card card-body shadow-sm mt-3" novalidate data-testid="comment-form"\n'
            f'        data-draft-key="community:comment:{material.pk}:{request.user.pk}" data-draft-server-time="0"'
            ' data-draft-server-now="0"\n'
            f'        data-nudge data-nudge-message="{_comment_nudge()}">{csrf_field(csrf_token)}\n'
            f"    {_nudge_icon()}\n"
            f"    {problems}\n"
            f'    <label class="form-label" for="id_text">{escaped(gettext("Your comment"))}</label>\n'
            f'    <textarea class="form-control{" is-invalid" if errors else ""}" name="text" id="id_text" rows="4"'
            f' maxlength="2000" aria-describedby="id_text_help">{printed(value) if value else ""}</textarea>\n'
            f"    {shown}\n"
            f'    <div class="form-text" id="id_text_help">{printed(field.help_text)}</div>\n'
            '    <button type="submit" class="btn btn-primary mt-2" data-testid="comment-submit">'
            f"{escaped(gettext('Comment'))}</button>\n  </form>\n  "
        )
    return _safe(f'\n<div id="comments" data-testid="comments">\n  {notes}\n  {rows}\n  {end}\n</div>\n')


_ANSWER_CREATE = row_link("community:answer_create")


def answer_block_html(request, form, *, question, nudge_json, csrf_token):
    """The answer form of a question's page (or, without a card, the note why there is none),
    with the hint's evaluative words (`nudge_json`: their two json_script elements), as the
    page's template drew it."""
    if request.staff is None:
        return shared_part("community/_no_card.html")
    words_json, forms_json = nudge_json
    create = _ANSWER_CREATE.pattern().format(pk=question.pk)
    nudge = escaped(
        gettext(
            "{words}: this grades rather than describes. What exactly did you do and what came of it? "
            "A description helps a colleague more than a grade."
        )
    )
    problems = form.non_field_errors()
    problems = f'<div class="alert alert-danger">{problems}</div>' if problems else ""
    field = form["text"]
    errors = field.errors
    shown = "".join(f'<div class="invalid-feedback d-block">{printed(error)}</div>' for error in errors)
    value = field.value()
    return _safe(
        f"\n    \n    {words_json}\n    {forms_json}\n"
        f'    <form method="post" action="{create}" class="card card-body shadow-sm mt-3" novalidate'
        ' data-testid="answer-form"\n'
        f'          data-draft-key="community:answer:{question.pk}:{request.user.pk}" data-draft-server-time="0"'
        ' data-draft-server-now="0"\n'
        f'          data-nudge data-nudge-message="{nudge}">{csrf_field(csrf_token)}\n'
        f"      {_nudge_icon()}\n"
        f"      {problems}\n"
        f'      <label class="form-label" for="id_text">{escaped(gettext("Your answer"))}</label>\n'
        f'      <textarea class="form-control{" is-invalid" if errors else ""}" name="text" id="id_text" rows="5"'
        f' maxlength="4000" aria-describedby="id_text_help">{printed(value) if value else ""}</textarea>\n'
        f"      {shown}\n"
        f'      <div class="form-text" id="id_text_help">{printed(field.help_text)}</div>\n'
        '      <button type="submit" class="btn btn-primary mt-2" data-testid="answer-submit">'
        f"{escaped(gettext('Answer'))}</button>\n    </form>\n    "
    )
