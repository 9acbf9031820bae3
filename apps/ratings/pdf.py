"""The approved protocol as PDF in the school's format, from the print template
(templates/ratings/protocol_print.html, its styles inline)."""

from django.utils import timezone

from apps.core.documents import render_pdf


def protocol_context(protocol):
    period = protocol.period
    approved = timezone.localtime(period.approved_at, period.school.tzinfo) if period.approved_at else None
    return {"protocol": protocol, "period": period, "approved": approved}


def protocol_pdf(protocol) -> bytes:
    return render_pdf("ratings/protocol_print.html", protocol_context(protocol))
