"""The rows of the event's material picker, written in Python: fifty rows of a
form, a csrf field and four lookups each were most of the page's rendering.
Every value is escaped here, as the template escaped it."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.community.models import Material
from apps.core.choices import choice_labels
from apps.staff.models import full_name


def attach_choices_html(rows, *, csrf_token):
    """The picker's rows (`selectors.attach_choices`), each a form that attaches its material."""
    if not rows:
        return ""
    kinds = choice_labels(Material, "kind")
    circles = choice_labels(Material, "circle")
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    button = escape(_("Attach"))
    items = []
    for row in rows:
        author = full_name(row["author__last_name"], row["author__first_name"], row["author__patronymic"])
        items.append(
            '\n  <li class="d-flex flex-wrap align-items-center gap-2 mb-2"><form method="post">'
            f'{csrf}<input type="hidden" name="material" value="{row["pk"]}">'
            f'<button type="submit" class="btn btn-sm btn-outline-primary">{button}</button></form>\n'
            f'    <span>{escape(row["title"])} <span class="small text-body-secondary">'
            f"{escape(kinds.get(row['kind'], row['kind']))} · {escape(author)}, {escape(row['school__short_name'])}"
            f" · {escape(circles.get(row['circle'], row['circle']))}</span></span></li>\n"
        )
    return mark_safe("".join(items))  # nosec B308 B703 - every value escaped above
