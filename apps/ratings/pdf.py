"""The approved protocol as PDF, rendered on the server by WeasyPrint from the print
template in the school's format (templates/ratings/protocol_print.html). No resource
is fetched: the template carries its own styles and fonts come from the system."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML


def protocol_context(protocol):
    period = protocol.period
    approved = timezone.localtime(period.approved_at, period.school.tzinfo) if period.approved_at else None
    return {"protocol": protocol, "period": period, "approved": approved}


def protocol_pdf(protocol) -> bytes:
    html = render_to_string("ratings/protocol_print.html", protocol_context(protocol))
    return HTML(string=html, base_url=None).write_pdf()
