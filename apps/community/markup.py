"""The material and question lists' rows drawn in Python, every value escaped as the template
escaped it: a page of twenty rows cost a few hundred template lookups and a
translated choice label per row."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from apps.core.choices import translated_labels
from apps.core.dates import short_dates
from apps.core.links import row_link
from apps.core.tenancy import Circle

from .models import Material

# A translated sentence of a template's {% blocktranslate %} is written as it is, only its values escaped
# (here numbers).

_DETAIL = row_link("community:material_detail")


def material_rows_html(rows, *, school_id):
    """The rows of `community/material_list.html`'s list, as its loop wrote them."""
    detail = _DETAIL.pattern()
    kinds = translated_labels(Material.Kind)
    circles = translated_labels(Circle)
    day = short_dates("d.m.Y")
    grades_word = escape(gettext("grades"))
    parts = []
    for material in rows:
        badge = "text-bg-secondary" if material.circle == Circle.DRAFT else "text-bg-light border"
        subject = f" · {escape(material.subject.name)}" if material.subject else ""
        topic = f" · {escape(material.topic)}" if material.topic else ""
        school = f", {escape(material.school.short_name)}" if material.school_id != school_id else ""
        published = f" · {day(material.published_at)}" if material.published_at else ""
        version = (
            " · " + gettext("version %(number)s") % {"number": material.current_version}
            if material.current_version > 1
            else ""
        )
        parts.append(
            f'\n  <a class="list-group-item list-group-item-action" href="{detail.format(pk=material.pk)}">\n'
            f'    <div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'      <span class="fw-semibold text-break">{escape(material.title)}</span>\n'
            f'      <span class="badge {badge}">{escape(circles.get(material.circle, material.circle))}</span>\n\n'
            f"    </div>\n"
            f'    <div class="small text-body-secondary">\n'
            f"      {escape(kinds.get(material.kind, material.kind))}{subject} · {grades_word} "
            f"{escape(', '.join(str(g) for g in material.grades))}{topic}\n"
            f"    </div>\n"
            f'    <div class="small text-body-secondary">{escape(material.author.short_name)}{school}{published}'
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
    helped = f' · <span class="text-success">{escape(gettext("an answer helped"))}</span>'
    parts = []
    for question in rows:
        badge = "text-bg-secondary" if question.circle == Circle.DRAFT else "text-bg-light border"
        school = f", {escape(question.school.short_name)}" if question.school_id != school_id else ""
        subject = f" · {escape(question.subject.name)}" if question.subject else ""
        count = question.answers_count
        answers = ngettext("%(counter)s answer", "%(counter)s answers", count) % {"counter": count}
        parts.append(
            f'\n  <a class="list-group-item list-group-item-action" href="{detail.format(pk=question.pk)}">\n'
            f'    <div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'      <span class="fw-semibold text-break">{escape(question.title)}</span>\n'
            f'      <span class="badge {badge}">{escape(circles.get(question.circle, question.circle))}</span>\n\n'
            f"    </div>\n"
            f'    <div class="small text-body-secondary">{escape(question.author.short_name)}{school}{subject}'
            f" · {day(question.published_at)} · {answers}{helped if question.answered else ''}</div>\n"
            f"  </a>\n  "
        )
    return mark_safe("".join(parts))  # nosec B308 B703 - every value above is escaped


_VERSION_FILE = row_link("community:version_file")
_DIVIDED = "border-bottom pb-2 mb-2"


def version_rows_html(versions):
    """The versions of `community/material_detail.html`, newest first, as its loop wrote them."""
    link = _VERSION_FILE.pattern()
    day = short_dates("d.m.Y H:i")
    what_changed, title, description = (escape(gettext(w)) for w in ("What changed", "Title", "Description"))
    open_link = escape(gettext("open the link"))
    deleted = escape(gettext("the file was deleted"))
    last = len(versions) - 1
    parts = []
    for index, version in enumerate(versions):
        if version.file:
            where = (
                f'<a href="{link.format(pk=version.pk)}" data-testid="version-file">'
                f"{escape(version.file_name or gettext('file'))}</a>"
            )
        elif version.link:
            where = (
                f'<a href="{escape(version.link)}" rel="noopener noreferrer" target="_blank" class="text-break">'
                f"{open_link}</a>"
            )
        elif version.file_erased:
            where = f'<span class="small text-body-secondary">{deleted}</span>'
        else:
            where = ""
        note = (
            f'<p class="mb-1 small"><strong>{what_changed}:</strong> {escape(version.change_note)}</p>'
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
