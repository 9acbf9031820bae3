"""The registry and a period's joint activities as XLSX (string cells stay text)."""

from django.utils.translation import gettext as _

from apps.core.spreadsheets import table_xlsx

from .filters import PartnerFilter


def partners_export_xlsx(*, partners) -> bytes:
    """Rows of `selectors.partner_queryset` (with their agreement annotations)."""
    statuses = dict(PartnerFilter.AGREEMENT_CHOICES)
    header = [
        _("Name"),
        _("Kind"),
        _("Direction"),
        _("Stage"),
        _("Address"),
        _("Agreement valid until"),
        _("Agreement"),
        _("Joint activities"),
        _("Partnership goes on"),
    ]
    rows = [
        [
            p.name,
            p.get_kind_display(),
            p.direction.name if p.direction else "",
            p.get_stage_display(),
            p.address,
            p.agreement_until,
            str(statuses[p.agreement_status]),
            p.activities_count,
            _("yes") if p.is_active else _("no"),
        ]
        for p in partners
    ]
    return table_xlsx(_("Partners"), [str(h) for h in header], rows, widths={1: 40, 5: 40})


def activities_export_xlsx(*, activities) -> bytes:
    """Rows of `selectors.activity_list` (partners prefetched, `teacher_full_names` annotated)."""
    header = [
        _("Date or start"),
        _("End"),
        _("Title"),
        _("Partners"),
        _("Kind of joint activity"),
        _("Kind of product"),
        _("Mechanism"),
        _("Product"),
        _("Link to the product"),
        _("Responsible teacher"),
        _("Teachers"),
        _("Students"),
        _("Parents"),
        _("Status"),
    ]
    rows = [
        [
            a.starts_on,
            a.ends_on,
            a.title,
            ", ".join(p.name for p in a.partners.all()),
            a.get_kind_display(),
            str(a.product_kind),
            a.get_mechanism_display() if a.mechanism else "",
            a.product_text,
            a.product_link,
            a.responsible.full_name,
            ", ".join(a.teacher_full_names),
            a.students_count,
            a.parents_count,
            a.get_status_display(),
        ]
        for a in activities
    ]
    return table_xlsx(_("Joint activities"), [str(h) for h in header], rows, widths={3: 40, 4: 40, 8: 40})
