"""The planner's rows (a role, an idea, an activity) as shown when not being
edited, drawn in Python: the template drew each row with a dozen variables,
translations and a CSRF token of its own, some 800 function calls a row; here a
row is one string, its labels translated once a page. The markup is the
template's, character for character; the row's partial (day_detail.html) keeps
the form of a row being edited and wraps either in the row's <li>, which htmx swaps."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.core.form_rendering import text


class PlannerRows:
    """Draws the rows of one planner page: its link, whether the rows may be
    changed (`can_edit`) and the page's CSRF field (`csrf`, already markup)."""

    def __init__(self, *, planner_url, can_edit, csrf):
        self.planner_url = text(planner_url)
        self.can_edit = can_edit
        self.csrf = csrf
        self.labels = {
            name: text(label)
            for name, label in {
                "edit": _("Edit"),
                "remove": _("Remove"),
                "choose": _("Choose"),
                "chosen": _("chosen"),
                "grades": _("grades"),
                "nobody": _("no responsible teacher"),
                "partners": _("partners"),
                "parents": _("with parents"),
            }.items()
        }

    def _edit_link(self, anchor, css):
        url = self.planner_url
        return (
            f'<a class="{css}" href="{url}?edit={anchor}#{anchor}" data-hx-get="{url}?edit={anchor}"'
            f' data-hx-target="#{anchor}" data-hx-swap="outerHTML" data-testid="row-edit">{self.labels["edit"]}</a>'
        )

    def _post_button(self, url, target, css, label, testid=""):
        url = text(url)
        testid = f' data-testid="{testid}"' if testid else ""
        return (
            f'<form method="post" action="{url}" data-hx-post="{url}" data-hx-target="#{target}"'
            f' data-hx-swap="outerHTML">{self.csrf}<button class="{css}" type="submit"{testid}>{label}</button></form>'
        )

    def role(self, role):
        actions = ""
        if self.can_edit:
            remove = self._post_button(
                role.delete_url, "roles", "btn btn-sm btn-link text-danger", self.labels["remove"]
            )
            actions = (
                f'<div class="d-flex gap-1 align-items-start">'
                f"{self._edit_link(f'role-{role.pk}', 'btn btn-sm btn-link')}{remove}</div>"
            )
        place = f" · {text(role.place)}" if role.place else ""
        return SafeString(  # nosec B308 B703 - every value escaped by text(), the rest constant markup
            f'<div class="d-flex flex-wrap justify-content-between gap-2"><div>'
            f"<strong>{text(role.kind_label)}</strong>: {text(role.staff.full_name)}"
            f'<div class="small text-body-secondary">{text(role.when_text)}{place}</div>'
            f"</div>\n    {actions}</div>"
        )

    def idea(self, idea):
        labels = self.labels
        chosen = (
            f'<span class="badge text-bg-success" data-testid="idea-chosen">{labels["chosen"]}</span> '
            if idea.is_chosen
            else ""
        )
        actions = ""
        if self.can_edit:
            choose = ""
            if not idea.is_chosen:
                choose = self._post_button(
                    idea.choose_url, "ideas", "btn btn-sm btn-outline-success", labels["choose"], "idea-choose"
                )
            actions = (
                f'<div class="d-flex gap-1 align-items-start">'
                f"{self._edit_link(f'idea-{idea.pk}', 'btn btn-sm btn-link')}{choose}</div>"
            )
        proposed_by = f": {text(idea.proposed_by)}" if idea.proposed_by else ""
        rationale = f" · {text(idea.rationale)}" if idea.rationale else ""
        return SafeString(  # nosec B308 B703 - every value escaped by text(), the rest constant markup
            f'<div class="d-flex flex-wrap justify-content-between gap-2"><div>{chosen}<strong>{text(idea.title)}'
            f"</strong> · {text(idea.votes_text)}\n"
            f'      <div class="small text-body-secondary">{text(idea.proposed_label)}{proposed_by}{rationale}</div>'
            f"</div>\n    {actions}</div>"
        )

    def activity(self, activity):
        labels = self.labels
        details = []
        if activity.place:
            details.append(f"{text(activity.place)} · ")
        if activity.grades:
            details.append(f"{labels['grades']} {text(activity.grades)} · ")
        if activity.people_text:
            details.append(text(activity.people_text))
        else:
            details.append(f'<span class="text-danger">{labels["nobody"]}</span>')
        if activity.partners_text:
            details.append(f" · {labels['partners']}: {text(activity.partners_text)}")
        if activity.parents_involved:
            details.append(f" · {labels['parents']}")
        if activity.subjects_text:
            details.append(f" · {text(activity.subjects_text)}")
        clashes = "".join(
            f'<div class="small text-danger" data-testid="clash">⚠ {text(clash)}</div>' for clash in activity.clash_list
        )
        actions = ""
        if self.can_edit:
            remove = self._post_button(
                activity.delete_url, "plan", "btn btn-sm btn-link text-danger", self.labels["remove"]
            )
            actions = (
                f'<div class="d-flex gap-1">'
                f"{self._edit_link(f'activity-{activity.pk}', 'btn btn-sm btn-link px-0')}{remove}</div>"
            )
        return SafeString(  # nosec B308 B703 - every value escaped by text(), the rest constant markup
            f"<strong>{text(activity.time_text)}</strong> · {text(activity.title)}"
            f' <span class="badge text-bg-light border">{text(activity.kind_label)}</span>\n'
            f'<div class="small">{"".join(details)}</div>\n    {clashes}\n    {actions}'
        )

    def draw(self, section, part):
        """The row of `section` (a key of views.SECTIONS) for `part`."""
        return {"roles": self.role, "ideas": self.idea, "plan": self.activity}[section](part)
