"""Server-drawn SVG charts: readable without JavaScript, printable, and the same
picture in the browser, the print page and the screenshot of a test."""

import functools
import textwrap

from django import template

from apps.dashboards.markup import safe as _safe
from apps.dashboards.markup import text as _text

register = template.Library()

# Colours of the series, in order (Bootstrap's palette).
PALETTE = ("#0d6efd", "#20c997", "#ffc107", "#adb5bd", "#6f42c1", "#fd7e14", "#198754", "#dc3545")


@register.inclusion_tag("dashboards/_bar_chart.html")
def bar_chart(labels, series, *, title="", unit="%", max_value=None, height=220, testid="chart"):
    """Grouped vertical bars.

    `labels`: the categories along the axis (years, say); `series`: a list of
    (name, values) with one value (or None) per label.
    """
    values = [v for _name, vs in series for v in vs if v is not None]
    top = max_value or max(values + [1])
    width_per_label = max(36, 14 * len(series) + 16)
    plot_left, plot_top, plot_bottom = 36, 10, height - 28
    plot_height = plot_bottom - plot_top
    width = plot_left + width_per_label * max(len(labels), 1) + 10
    bar_width = (width_per_label - 12) / max(len(series), 1)
    bars, ticks = [], []
    for index, label in enumerate(labels):
        x0 = plot_left + index * width_per_label + 6
        ticks.append({"x": x0 + (width_per_label - 12) / 2, "label": label})
        for s_index, (name, vs) in enumerate(series):
            value = vs[index]
            if value is None:
                continue
            bar_height = plot_height * value / top if top else 0
            bars.append(
                {
                    "x": round(x0 + s_index * bar_width, 1),
                    "y": round(plot_bottom - bar_height, 1),
                    "w": round(max(bar_width - 2, 2), 1),
                    "h": round(bar_height, 1),
                    "colour": PALETTE[s_index % len(PALETTE)],
                    "title": f"{name}, {label}: {value:g}{unit}",
                    "value": f"{value:g}",
                }
            )
    gridlines = [
        {"y": round(plot_bottom - plot_height * fraction, 1), "label": f"{top * fraction:g}"}
        for fraction in (0, 0.25, 0.5, 0.75, 1)
    ]
    # The marks are written here, once, rather than by template nodes per bar: a chart is a page's bulk.
    label_y = height - 10
    marks = "".join(
        f'<line x1="{plot_left}" x2="{width}" y1="{line["y"]}" y2="{line["y"]}" stroke="#dee2e6" stroke-width="1"/>\n'
        f'    <text x="{plot_left - 4}" y="{line["y"]}" font-size="10" text-anchor="end" dominant-baseline="middle"'
        f' fill="#6c757d">{_text(line["label"])}</text>'
        for line in gridlines
    )
    bar_marks = "".join(
        f'<rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["w"]}" height="{bar["h"]}" fill="{bar["colour"]}">'
        f"<title>{_text(bar['title'])}</title></rect>"
        for bar in bars
    )
    tick_marks = "".join(
        f'<text x="{tick["x"]}" y="{label_y}" font-size="11" text-anchor="middle" fill="#212529">'
        f"{_text(tick['label'])}</text>"
        for tick in ticks
    )
    return {
        "title": title,
        "width": width,
        "height": height,
        "gridlines": _safe(marks),
        "bars": _safe(bar_marks),
        "ticks": _safe(tick_marks),
        "legend": _legend(series),
        "testid": testid,
    }


@register.inclusion_tag("dashboards/_hbar_chart.html")
def hbar_chart(labels, series, *, title="", unit="%", max_value=None, width=340, wrap=44, testid="chart"):
    """Horizontal bars under their category's name, for categories named in words
    (the forms of collaboration): each name is written out in full, wrapped onto as
    many lines as it needs, so it stays readable on a phone-width screen.

    `labels` and `series` as for `bar_chart`.
    """
    values = [v for _name, vs in series for v in vs if v is not None]
    top = max_value or max(values + [1])
    left, value_room, line_height, bar_height = 4, 44, 14, 11
    plot_width = width - left - value_room
    rows, y = [], 4
    for index, label in enumerate(labels):
        lines = []
        for line in _wrapped(str(label), wrap):
            y += line_height
            lines.append({"y": y - 3, "text": line})
        bars = []
        for s_index, (name, vs) in enumerate(series):
            value = vs[index]
            length = plot_width * value / top if value and top else 0
            bars.append(
                {
                    "y": y + 1,
                    "w": round(length, 1),
                    "colour": PALETTE[s_index % len(PALETTE)],
                    "title": f"{name}, {label}: {value:g}{unit}" if value is not None else f"{name}, {label}: —",
                    "value": "—" if value is None else f"{value:g}{unit and ' ' + unit}",
                    "text_x": round(left + length + 4, 1),
                    "text_y": y + bar_height - 1,
                }
            )
            y += bar_height + 2
        rows.append(
            '<g class="chart-row">'
            + "".join(
                f'<text x="{left}" y="{line["y"]}" font-size="12" fill="#212529">{_text(line["text"])}</text>'
                for line in lines
            )
            + "\n    "
            + "".join(
                f'<rect x="{left}" y="{bar["y"]}" width="{bar["w"]}" height="{bar_height}" fill="{bar["colour"]}">'
                f"<title>{_text(bar['title'])}</title></rect>"
                f'<text x="{bar["text_x"]}" y="{bar["text_y"]}" font-size="10" fill="#495057">'
                f"{_text(bar['value'])}</text>"
                for bar in bars
            )
            + "</g>\n    "
        )
        y += 8
    return {
        "title": title,
        "width": width,
        "height": y,
        "rows": _safe("".join(rows)),
        "legend": _legend(series),
        "testid": testid,
    }


@functools.lru_cache(maxsize=1024)
def _wrapped(label, wrap):
    """A category's name as lines of at most `wrap` characters: the same few names on
    every page, each wrapped once."""
    return tuple(textwrap.wrap(label, wrap)) or ("",)


def _legend(series):
    return _safe(
        "".join(
            f'<span><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10"'
            f' fill="{PALETTE[i % len(PALETTE)]}"/></svg> {_text(name)}</span>'
            for i, (name, _vs) in enumerate(series)
        )
    )
