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
            " · " + escape(gettext("version %(number)s") % {"number": material.current_version})
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
        answers = escape(ngettext("%(counter)s answer", "%(counter)s answers", count) % {"counter": count})
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
