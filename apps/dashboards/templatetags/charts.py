"""Server-drawn SVG charts: readable without JavaScript, printable, and the same
picture in the browser, the print page and the screenshot of a test."""

from django import template

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
    legend = [{"name": name, "colour": PALETTE[i % len(PALETTE)]} for i, (name, _vs) in enumerate(series)]
    return {
        "title": title,
        "width": width,
        "height": height,
        "bars": bars,
        "ticks": ticks,
        "gridlines": gridlines,
        "legend": legend,
        "plot_left": plot_left,
        "plot_bottom": plot_bottom,
        "label_y": height - 10,
        "testid": testid,
    }
