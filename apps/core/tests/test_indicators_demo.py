"""The demo school gives every indicator of collective work something to count over
the last twelve months: the rating's demo sheets trace points to real evidence."""

import datetime

from django.urls import resolve

from apps.core.dates import school_today
from apps.core.indicators import INDICATORS


def test_the_demo_school_has_evidence_for_every_indicator(demo):
    today = school_today(demo)
    start = today - datetime.timedelta(days=365)
    empty = []
    for indicator in INDICATORS.ordered():
        evidence = list(indicator.compute(school_id=demo.pk, start=start, end=today))
        if not evidence:
            empty.append(indicator.key)
        for row in evidence:
            assert start <= row.on <= today, indicator.key
            resolve(row.url.split("?")[0].split("#")[0])
    assert empty == []
