"""Dashboards of a school (categories, participation, debrief timeliness) and of a
network of schools. Each page is a chart plus the table behind it, and exports
the table to XLSX. Views read filters and call selectors; the figures are
computed in SQL."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import audit_export
from apps.core.dates import school_today
from apps.core.prepared import Param, prepared_query
from apps.core.shares import disclosure_note
from apps.core.tenancy import network_view, school_view
from apps.ratings.selectors import school_totals_by_criterion
from apps.staff.models import StaffMember

from . import selectors, xlsx
from .forms import CategoryFilterForm, DashboardFilterForm, read_filters
from .markup import decimal, number, safe, text
from .periods import academic_year_label, reference_date
from .services import summary_years

# Categories --------------------------------------------------------------------


def _categories_context(request):
    form = read_filters(request, CategoryFilterForm)
    today = school_today(request.school)
    years = form.years(default_first=summary_years(today=today).start)
    month, day = form.reference
    association = form.association
    series, refreshed_at = selectors.categories_series(
        school=request.school, years=years, reference=(month, day), association=association
    )
    focus_year = form.year_value
    on = reference_date(focus_year, month, day)
    return {
        "form": form,
        "series": series,
        "labels": selectors.category_labels(),
        "reference": on,
        "breakdown": selectors.categories_breakdown(
            school=request.school,
            on=on,
            association=association,
            names={pk: a.name for pk, a in form.associations.items()},
        ),
        "due": selectors.attestations_due(school=request.school, today=today, association=association),
        "refreshed_at": refreshed_at,
        "association": association,
    }


@school_view("dashboards.view_school")
def categories(request):
    context = _categories_context(request)
    labels = context["labels"]
    series = context["series"]
    context["chart"] = {
        "labels": [row["year"] for row in series],
        "series": [
            (labels["highest"], [row["highest_share"] for row in series]),
            (labels["first"], [row["first_share"] for row in series]),
        ],
    }
    context["series_rows"] = _categories_series_rows(series)
    context["breakdown"] = {title: _breakdown_rows(rows) for title, rows in context["breakdown"].items()}
    context["due_rows"] = _due_rows(context["due"])
    return render(request, "dashboards/categories.html", context)


def _due_rows(awards):
    """The attestations due, drawn once: the name, the category and the end day."""
    if not awards:
        empty = text(_("No attestations are due in the next 6 months."))
        return safe(f'\n  <li class="list-group-item text-body-secondary">{empty}</li>\n  ')
    until = text(_("valid until"))
    return safe(
        "".join(
            '\n  <li class="list-group-item d-flex justify-content-between">'
            f"<span>{text(award.staff.full_name)} · {text(award.get_category_display())}</span>"
            f"<span>{until} {award.valid_until:%d.%m.%Y}</span></li>\n  "
            for award in awards
        )
    )


def _share_cell(row, key):
    return f'{row[key + "_share"]} % <span class="text-body-secondary small">({text(row.get(key) or 0)})</span></td>'


def _categories_series_rows(series):
    """The year table's rows, drawn once: a row per year, a cell per category."""
    return safe(
        "".join(
            f'<tr data-year="{text(row["year"])}">\n'
            f'      <th scope="row">{text(row["year"])}</th><td class="text-end">{text(row["headcount"])}</td>\n'
            f'      <td class="text-end" data-testid="highest-{text(row["year"])}">{_share_cell(row, "highest")}\n'
            f'      <td class="text-end" data-testid="first-{text(row["year"])}">{_share_cell(row, "first")}\n'
            f'      <td class="text-end">{_share_cell(row, "fits_post")}\n'
            f'      <td class="text-end">{_share_cell(row, "no_category")}\n'
            "    </tr>\n  "
            for row in series
        )
    )


def _breakdown_rows(rows):
    if not rows:
        return safe(
            f'<tr><td colspan="6" class="text-body-secondary">{text(_("Nobody was employed on that day."))}</td></tr>'
        )
    return safe(
        "".join(
            f'<tr><th scope="row" class="fw-normal">{text(row["name"])}</th>'
            f'<td class="text-end">{text(row["headcount"])}</td>'
            + "".join(f'<td class="text-end">{text(row.get(key) or 0)}</td>' for key in selectors.CATEGORY_KEYS)
            + "</tr>"
            for row in rows
        )
    )


@school_view("dashboards.view_school")
def categories_xlsx(request):
    context = _categories_context(request)
    content = xlsx.categories_xlsx(school=request.school, **context)
    file_name = f"categories-{timezone.localdate():%Y-%m-%d}.xlsx"
    audit_export(what=_("Dashboard: qualification categories"), file_name=file_name, filters=request.GET)
    return xlsx.xlsx_response(content, file_name)


# Participation -----------------------------------------------------------------


def _participation_context(request, *, with_matrix):
    form = read_filters(request, DashboardFilterForm)
    period, association = form.period, form.association
    # The per-teacher table, when shown, also gives the period's counts (one query less).
    matrix = (
        selectors.participation_matrix(school=request.school, period=period, association=association)
        if with_matrix
        else None
    )
    context = {
        "form": form,
        "period": period,
        "previous": period.previous(),
        "summary": selectors.participation_summary(
            school=request.school, period=period, association=association, matrix=matrix
        ),
        "association": association,
        "labels": selectors.participation_labels(),
        "disclosure_note": disclosure_note(),
    }
    if with_matrix:
        context["matrix"] = matrix
    return context


@school_view("dashboards.view_school")
def participation(request):
    with_matrix = request.membership.can("dashboards.view_by_teacher")
    context = _participation_context(request, with_matrix=with_matrix)
    lines = context["summary"]["lines"]
    context["chart"] = {
        # Each bar is named by its form, as in the table below it.
        "labels": [line.label for line in lines],
        "series": [
            (context["period"].label, [line.share for line in lines]),
            (context["previous"].label, [line.previous_share for line in lines]),
        ],
    }
    labels = context["labels"]
    context["form_labels"] = [(key, labels[key]) for key in selectors.aggregates.PARTICIPATION_FORMS]
    context["summary_rows"] = _participation_summary_rows(lines)
    if "matrix" in context:
        context["matrix_rows"] = _participation_matrix_rows(context["matrix"])
    # The collective-work rating's latest approved totals by criterion (no person's figure).
    context["rating_totals"] = school_totals_by_criterion(school=request.school)
    return render(request, "dashboards/participation.html", context)


def _participation_summary_rows(lines):
    """The table of forms, drawn once: a row per form, its counts and shares now and before."""
    return safe(
        "".join(
            f'\n  <tr data-form="{text(line.key)}"><td>{position}</td>'
            f'<th scope="row" class="fw-normal">{text(line.label)}</th>\n'
            f'    <td class="text-end" data-testid="count-{text(line.key)}">{text(line.count)} · '
            f"{_whole(line.share)} %</td>\n"
            f'    <td class="text-end">{text(line.previous_count)} · {_whole(line.previous_share)} %</td>\n'
            f'    <td class="text-end">{"+" if line.change > 0 else ""}{decimal(line.change, "1")}</td></tr>\n  '
            for position, line in enumerate(lines, 1)
        )
    )


def _whole(share):
    """A share as `|floatformat:"0"` writes it: a whole number is its digits."""
    return str(share) if type(share) is int else decimal(share, "0")


# The per-teacher table is the page's bulk: its rows and ticks are drawn here, once.
_TICK = {True: '<td class="text-center">✓</td>', False: '<td class="text-center"></td>'}
_NOT_COVERED = {True: "", False: ' class="table-warning"'}


def _participation_matrix_rows(rows):
    has_left = f' <span class="text-body-secondary">({text(_("has left"))})</span>'
    return safe(
        "".join(
            f'\n  <tr{_NOT_COVERED[bool(row["covered"])]}><th scope="row" class="fw-normal">'
            f"{text(row['last_name'])} {text(row['first_name'])} {text(row['patronymic'])}"
            f"{'' if row['is_active'] else has_left}</th>\n"
            f"    {''.join([_TICK[bool(flag)] for flag in row['flags']])}</tr>\n  "
            for row in rows
        )
    )


@school_view("dashboards.view_school")
def participation_xlsx(request):
    context = _participation_context(request, with_matrix=False)
    content = xlsx.participation_xlsx(school=request.school, **context)
    file_name = f"participation-{timezone.localdate():%Y-%m-%d}.xlsx"
    audit_export(what=_("Dashboard: participation"), file_name=file_name, filters=request.GET)
    return xlsx.xlsx_response(content, file_name)


def _own_cards(request):
    return _cards_of_user.rows(school_id=request.school.pk, user_id=request.user.pk)


@prepared_query
def _cards_of_user():
    """The user's cards in the school's staff registry, the active one first."""
    return (
        StaffMember.objects.for_school(Param("school_id"))
        .filter(user_id=Param("user_id"))
        .only("pk")
        .order_by("-is_active")
    )


@school_view()
def my_participation(request):
    """Any member: their own participation in the period, nobody else's."""
    form = read_filters(request, DashboardFilterForm)
    period = form.period
    card = next(iter(_own_cards(request)), None)
    row = selectors.participation_of(school=request.school, staff=card, period=period) if card else None
    labels = selectors.participation_labels()
    forms = [(key, labels[key], row[key]) for key in selectors.aggregates.PARTICIPATION_FORMS] if row else []
    return render(
        request,
        "dashboards/my_participation.html",
        {"form": form, "period": period, "row": row, "card": card, "forms": forms},
    )


# Debrief timeliness ------------------------------------------------------------


def _timeliness_context(request):
    form = read_filters(request, DashboardFilterForm)
    curator_ids = None
    if not request.membership.can("visits.oversee"):
        curator_ids = {card.pk for card in _own_cards(request)}
    data = selectors.timeliness(
        school=request.school,
        period=form.period,
        now=timezone.now(),
        association=form.association,
        curator_staff_ids=curator_ids,
    )
    return {"form": form, "period": form.period, "own_groups_only": curator_ids is not None, **data}


@school_view("dashboards.view_timeliness")
def timeliness(request):
    context = _timeliness_context(request)
    rows = context["by_curator"]
    context["chart"] = {
        "labels": [row["curator"].short_name if row["curator"] else _("no group") for row in rows],
        "series": [
            (_("on time"), [row["on_time"] for row in rows]),
            (_("late"), [row["late"] for row in rows]),
            (_("overdue now"), [row["overdue"] for row in rows]),
        ],
    }
    context["curator_rows"] = _timeliness_rows(rows, curator=True)
    context["group_rows"] = _timeliness_rows(context["by_group"], curator=False)
    return render(request, "dashboards/timeliness.html", context)


OVERDUE_CLASS = " text-danger fw-semibold"


def _timeliness_rows(rows, *, curator):
    """A timeliness table's rows, drawn once (counts and times only, as the selector gives them)."""
    if not rows:
        empty = text(_("No visits were held in this period."))
        return safe(f'<tr><td colspan="7" class="text-body-secondary">{empty}</td></tr>')
    outside = text(_("visits outside pairs and triads"))
    cells = []
    for row in rows:
        if curator:
            name = text(row["curator"].full_name) if row["curator"] else outside
        elif row["group"]:
            name = (
                f'<a href="{text(row["group_url"])}">{text(row["group_label"])}</a>'
                f' <span class="small text-body-secondary">{text(row["members"])}</span>'
            )
        else:
            name = outside
        median = row["median_debrief_hours"]
        cells.append(
            f'<tr>\n    <th scope="row" class="fw-normal">{name}</th>\n'
            f'    <td class="text-end">{number(row["visits_held"])}</td>'
            f'<td class="text-end">{number(row["on_time"])}</td><td class="text-end">{number(row["late"])}</td>\n'
            f'    <td class="text-end{OVERDUE_CLASS if row["overdue"] else ""}">{number(row["overdue"])}</td>\n'
            f'    <td class="text-end">{"—" if median is None else number(median)}</td>\n'
            f'    <td class="text-end">{number(row["reverse_done"])} / {number(row["reverse_due"])}</td>\n  </tr>\n  '
        )
    return safe("".join(cells))


@school_view("dashboards.view_timeliness")
def timeliness_xlsx(request):
    context = _timeliness_context(request)
    content = xlsx.timeliness_xlsx(school=request.school, **context)
    file_name = f"debrief-timeliness-{timezone.localdate():%Y-%m-%d}.xlsx"
    audit_export(what=_("Dashboard: debrief timeliness"), file_name=file_name, filters=request.GET)
    return xlsx.xlsx_response(content, file_name)


# Network of schools ----------------------------------------------------------------


class NetworkFilterForm(DashboardFilterForm):
    """The network's filters: the academic year, schools, and an association by name
    (each school has its own associations; the same name joins them)."""

    school = forms.TypedMultipleChoiceField(label=gettext_lazy("Schools"), coerce=int, required=False)
    association_name = forms.ChoiceField(label=gettext_lazy("Subject association"), required=False)

    def __init__(self, data=None, *, schools, association_names, school=None, **kwargs):
        super().__init__(data, school=None, **kwargs)
        del self.fields["date_from"], self.fields["date_to"]
        self.fields["school"].choices = [(school.pk, school.short_name) for school in schools]
        self.fields["association_name"].choices = [("", "")] + [(name, name) for name in association_names]


def _network_context(request):
    schools = selectors.network_schools(network=request.network)
    # The network's own date (its schools share a region; the leader's zone decides).
    today = school_today(schools[0]) if schools else timezone.localdate()
    form = read_filters(
        request,
        NetworkFilterForm,
        today=today,
        schools=schools,
        association_names=selectors.network_association_names(schools=schools),
    )
    chosen = set(form.cleaned_data.get("school") or []) if form.is_valid() else set()
    shown = [school for school in schools if school.pk in chosen] if chosen else schools
    year = form.year_value
    association_name = form.cleaned_data.get("association_name") if form.is_valid() else None
    leader, leader_rows = selectors.network_leader_mentoring(network=request.network, schools=schools)
    rows, refreshed_at = selectors.network_overview(
        network=request.network, schools=shown, year=year, association_name=association_name
    )
    return {
        "form": form,
        "network": request.network,
        "year": year,
        "year_label": academic_year_label(year),
        "rows": rows,
        "pairs": list(selectors.network_pairs(network=request.network, schools=shown)),
        "leader": leader,
        "leader_rows": leader_rows,
        "refreshed_at": refreshed_at,
        "disclosure_note": disclosure_note(),
    }


@network_view
def network(request):
    context = _network_context(request)
    rows = context["rows"]
    context["chart"] = {
        "labels": [row["school"].short_name for row in rows],
        "series": [
            (_("coverage"), [row["coverage"] for row in rows]),
            (_("highest category"), [row["highest_share"] for row in rows]),
            (_("debriefed on time"), [row["on_time_share"] for row in rows]),
        ],
    }
    return render(request, "dashboards/network.html", context)


@network_view
def network_xlsx(request):
    context = _network_context(request)
    content = xlsx.network_xlsx(**context)
    file_name = f"network-{context['year']}.xlsx"
    audit_export(what=_("Network of schools: %(network)s") % {"network": request.network}, file_name=file_name)
    return xlsx.xlsx_response(content, file_name)
