"""The card of a joint activity (templates/partners/_activity_cards.html), filled in
Python: the partner page, the period list and one's own list show a dozen cards of
some twenty template nodes each, most of those pages' time."""

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from apps.core.form_rendering import printed, text


def card_words():
    """The card's fixed words in the current language, translated once a page."""
    return {
        word: printed(gettext(word))
        for word in ("Partners", "Product", "link", "file", "Responsible", "Teachers", "Edit")
    }


def activity_card_html(activity, *, words, show_partners):
    """One card's markup, as the template gave it, from an activity prepared by
    selectors.activity_cards (every value escaped here as `{{ }}` would)."""
    mechanism = f" · {printed(activity.mechanism_label)}" if activity.mechanism_label else ""
    day = ""
    if activity.problem_day_url:
        theme = gettext("part of the problem-theme day %(theme)s") % {"theme": printed(activity.problem_day_title)}
        day = f' · <a href="{printed(activity.problem_day_url)}" data-testid="activity-problem-day">{theme}</a>'
    partners = ""
    if show_partners:
        links = ", ".join(f'<a href="{printed(p.url)}">{printed(p.name)}</a>' for p in activity.partners.all())
        partners = f'<div class="small">{words["Partners"]}: {links}</div>'
    text = linebreaksbr(activity.product_text, autoescape=True) if activity.product_text else ""
    link = (
        f'<a href="{printed(activity.product_link)}" rel="noopener noreferrer" target="_blank">{words["link"]}</a>'
        if activity.product_link
        else ""
    )
    file = f'<a href="{printed(activity.file_url)}">{words["file"]}</a>' if activity.file_url else ""
    teachers = f" · {words['Teachers']}: {printed(activity.teacher_names)}" if activity.teacher_names else ""
    counts = gettext("students: %(s)s, parents: %(p)s") % {
        "s": printed(activity.students_count),
        "p": printed(activity.parents_count),
    }
    product = f"{words['Product']} ({printed(activity.product_kind)}):"
    responsible = f"{words['Responsible']}: {printed(activity.responsible.full_name)}"
    edit = f'<a class="small" href="{printed(activity.edit_url)}">{words["Edit"]}</a>' if activity.edit_url else ""
    html = f"""<div class="card shadow-sm mb-2" data-testid="activity-{printed(activity.pk)}">
  <div class="card-body py-2">
    <div class="d-flex flex-wrap justify-content-between gap-2">
      <strong>{printed(activity.title)}</strong>
      <span class="small text-body-secondary">{printed(activity.period_text)} · {printed(activity.status_label)}</span>
    </div>
    <div class="small">{printed(activity.kind_label)}{mechanism}{day}</div>
    {partners}
    <div class="small mt-1" data-testid="activity-product"><span class="text-body-secondary">{product}</span>
      {text}
      {link}
      {file}
      {"" if activity.has_product else "—"}
    </div>
    <div class="small text-body-secondary">{responsible}{teachers} · {counts}</div>
    {edit}
  </div>
</div>
"""
    return mark_safe(html)  # nosec B308 B703 - every value above is escaped by printed() or linebreaksbr


_REGISTRY_ROW = """  <a class="list-group-item list-group-item-action" href="{url}">
    <div class="d-flex flex-wrap justify-content-between gap-2">
      <strong>{name}</strong>
      <span><span class="badge {badge_class}">{badge_label}</span></span>
    </div>
    <div class="small text-body-secondary">
      {kind} · {direction} · {stage}
      · {activities}
      {former}
    </div>
  </a>
"""


def partner_row_html(partner):
    """One row of the registry (templates/partners/registry.html), from a partner
    prepared by selectors.partner_rows."""
    former = "" if partner.is_active else f'· <span class="text-danger">{printed(gettext("former partner"))}</span>'
    html = _REGISTRY_ROW.format(
        url=text(partner.url),
        name=text(partner.name),
        badge_class=text(partner.badge_class),
        badge_label=text(partner.badge_label),
        kind=text(partner.kind_label),
        direction=text(partner.direction_name),
        stage=text(partner.stage_label),
        activities=text(partner.activities_text),
        former=former,
    )
    return mark_safe(html)  # nosec B308 B703 - every value above is escaped by text() or printed()
