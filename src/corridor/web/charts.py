"""Bar charts drawn on the server as inline SVG, for pages that work without script.

A chart is data in (category labels, series, values, optional limits such as a quota) and markup
out: an `<svg role="img">` with a title and a description, scaled by its viewBox, mirrored for
right-to-left languages (the first category, the start of time, sits at the right), and a legend
whose swatches carry a pattern as well as a colour, so no series is told apart by colour alone.
The numbers go in the table each page puts after its chart; the chart only draws them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# A count, or a suppressed count shown as text ("<5").
Value = int | str

# Fill colours (each at least 4.5:1 against white) and the white pattern drawn over them.
PALETTE = (
    ("#0b4f6c", "solid"),
    ("#a33d0a", "hatch"),
    ("#5b3a8c", "dots"),
    ("#2d6a30", "cross"),
    ("#6b5210", "lines"),
)
INK = "#111111"
GRID = "#c8c8c8"
HIDDEN = "#555555"
FONT = 16
SMALL = 14
SCALE = 1.25  # the chart's natural size in CSS pixels per unit; CSS shrinks it to fit
HIDDEN_LENGTH = 24.0  # the longest a hidden count is drawn in a horizontal bar chart


@dataclass(frozen=True)
class Chart:
    """What to draw; `values[c][s]` is series `s` of category `c`."""

    key: str  # unique on the page: prefixes the SVG's ids
    title: str
    categories: list[str]
    series: list[str]
    values: list[list[Value]]
    # Per category and series, a level drawn as a dashed line across the bar (a quota).
    limits: list[list[int | None]] | None = None
    limit_label: str = ""
    # The small-cell threshold a suppressed value stands below; drawn as an outline up to it.
    hidden_below: int = 0
    # Series on top of each other (column charts), each column topped by its total.
    stacked: bool = False
    totals: list[Value] | None = None


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_ticks(top: int) -> list[int]:
    """Zero to at least `top` in at most five round steps (1, 2 or 5 times a power of ten)."""
    top = max(top, 1)
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    count = math.ceil(top / step)
    return [i * step for i in range(count + 1)]


def _text_width(text: str, size: int) -> float:
    """A generous estimate of a label's width, to keep labels apart."""
    return len(text) * size * 0.62


def _is_hidden(value: Value) -> bool:
    return isinstance(value, str)


def _amount(value: Value, hidden_below: int) -> int:
    return hidden_below if isinstance(value, str) else value


class _Canvas:
    """Draws in logical coordinates: x runs from the start edge, mirrored for right-to-left."""

    def __init__(self, width: float, rtl: bool) -> None:
        self.width = width
        self.rtl = rtl
        self.parts: list[SafeString] = []

    def x(self, x: float) -> str:
        return _number(self.width - x if self.rtl else x)

    def rect_x(self, x: float, width: float) -> str:
        return _number(self.width - x - width if self.rtl else x)

    def add(self, part: SafeString) -> None:
        self.parts.append(part)

    def text(self, x: float, y: float, text: str, *, anchor: str, size: int = FONT) -> None:
        # Anchors are logical: the SVG's `direction` makes "start" the right edge in Arabic.
        self.add(
            format_html(
                '<text x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}">{}</text>',
                self.x(x),
                _number(y),
                size,
                anchor,
                INK,
                text,
            )
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, *, dashed: bool = False) -> None:
        self.add(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}/>',
                self.x(x1),
                _number(y1),
                self.x(x2),
                _number(y2),
                INK if dashed else GRID,
                "2.5" if dashed else "1",
                mark_safe(' stroke-dasharray="6 3"') if dashed else "",
            )
        )

    def bar(
        self, x: float, y: float, width: float, height: float, fill: str, title: str, hidden: bool
    ) -> None:
        # Each bar carries its own title, so pointing at it shows its figure.
        paint = (
            format_html('fill="#ffffff" stroke="{}" stroke-dasharray="3 2"', HIDDEN)
            if hidden
            else format_html('fill="{}" stroke="{}" stroke-width="0.5"', fill, INK)
        )
        self.add(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}" {}>'
                "<title>{}</title></rect>",
                self.rect_x(x, width),
                _number(y),
                _number(width),
                _number(height),
                paint,
                title,
            )
        )


def _patterns(key: str, count: int) -> SafeString:
    defs = []
    for index in range(count):
        colour, kind = PALETTE[index % len(PALETTE)]
        marks = {
            "solid": "",
            "hatch": '<path d="M0 0V6" stroke="#fff" stroke-width="2"/>',
            "dots": '<circle cx="3" cy="3" r="1.4" fill="#fff"/>',
            "cross": '<path d="M0 0V6M0 0H6" stroke="#fff" stroke-width="1.5"/>',
            "lines": '<path d="M0 3H6" stroke="#fff" stroke-width="1.5"/>',
        }[kind]
        rotate = ' patternTransform="rotate(45)"' if kind in ("hatch", "cross") else ""
        defs.append(
            format_html(
                '<pattern id="{}-p{}" width="6" height="6" patternUnits="userSpaceOnUse"{}>'
                '<rect width="6" height="6" fill="{}"/>{}</pattern>',
                key,
                index,
                mark_safe(rotate),
                colour,
                mark_safe(marks),
            )
        )
    return format_html("<defs>{}</defs>", mark_safe("".join(defs)))


def _svg(
    chart: Chart, canvas: _Canvas, height: float, description: str, scale: float = SCALE
) -> SafeString:
    return format_html(
        '<svg class="chart-svg" role="img" aria-labelledby="{key}-title {key}-desc" '
        'viewBox="0 0 {w} {h}" width="{pw}" height="{ph}" direction="{dir}" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{key}-title">{title}</title><desc id="{key}-desc">{desc}</desc>'
        "{defs}{body}</svg>",
        key=chart.key,
        w=_number(canvas.width),
        h=_number(height),
        pw=_number(canvas.width * scale),
        ph=_number(height * scale),
        dir="rtl" if canvas.rtl else "ltr",
        title=chart.title,
        desc=description,
        defs=_patterns(chart.key, len(chart.series)),
        body=mark_safe("".join(canvas.parts)),
    )


def _legend(chart: Chart) -> SafeString:
    items: list[tuple[SafeString, str]] = [
        (
            format_html(
                '<rect width="14" height="14" fill="url(#{}-p{})" stroke="{}"/>',
                chart.key,
                index,
                INK,
            ),
            label,
        )
        for index, label in enumerate(chart.series)
    ]
    if chart.limits is not None and chart.limit_label:
        items.append(
            (
                format_html(
                    '<path d="M0 7H14" stroke="{}" stroke-width="2.5" stroke-dasharray="6 3"/>',
                    INK,
                ),
                chart.limit_label,
            )
        )
    if any(_is_hidden(v) for row in chart.values for v in row):
        items.append(
            (
                format_html(
                    '<rect x="1" y="1" width="12" height="12" fill="#fff" stroke="{}" '
                    'stroke-dasharray="3 2"/>',
                    HIDDEN,
                ),
                _("fewer than %(n)s (hidden)") % {"n": chart.hidden_below},
            )
        )
    return format_html(
        '<ul class="chart-legend">{}</ul>',
        format_html_join(
            "",
            '<li><svg class="swatch" viewBox="0 0 14 14" width="14" height="14" '
            'aria-hidden="true">{}</svg>{}</li>',
            items,
        ),
    )


def _figure(chart: Chart, svg: SafeString, wide: bool) -> SafeString:
    # A wide chart scrolls sideways on a phone, so its frame takes the keyboard focus.
    frame = (
        '<figure class="chart wide" tabindex="0">{}{}</figure>'
        if wide
        else ('<figure class="chart">{}{}</figure>')
    )
    return format_html(frame, _legend(chart), svg)


@dataclass(frozen=True)
class _Segment:
    """One bar, or one part of a stacked column."""

    serie: int | None  # None: the hidden part of a stacked column
    amount: int
    label: str
    title: str


def _segments(chart: Chart, index: int) -> list[_Segment]:
    category, values = chart.categories[index], chart.values[index]
    exact = [
        _Segment(serie, value, str(value), f"{category}: {chart.series[serie]} {value}")
        for serie, value in enumerate(values)
        if isinstance(value, int)
    ]
    if not chart.stacked:
        hidden = {
            serie: _Segment(
                None, chart.hidden_below, str(value), f"{category}: {chart.series[serie]} {value}"
            )
            for serie, value in enumerate(values)
            if isinstance(value, str)
        }
        by_serie = {segment.serie: segment for segment in exact} | hidden
        return [by_serie[serie] for serie in range(len(values))]
    hidden_series = [chart.series[s] for s, v in enumerate(values) if isinstance(v, str)]
    if not hidden_series:
        return exact
    total = chart.totals[index] if chart.totals else None
    names = ", ".join(hidden_series)
    if not exact:
        # Every part is small: the column is one outline up to the threshold.
        return [_Segment(None, chart.hidden_below, "", f"{category}: {total or names}")]
    # The hidden parts are one outline up to the threshold on top of the exact parts: never what
    # a total leaves once the exact parts are taken away, which would draw a hidden count.
    return [
        *exact,
        _Segment(None, chart.hidden_below, "", f"{category}: {names} <{chart.hidden_below}"),
    ]


def column_chart(chart: Chart, *, rtl: bool) -> SafeString:
    """Vertical bars per category, for time: the first category (day) at the start side.

    The series of a category stand side by side, or on top of each other when the chart is
    `stacked` (its total written on top).
    """
    groups = len(chart.categories)
    per_group = 1 if chart.stacked else max(len(chart.series), 1)
    segments = [_segments(chart, index) for index in range(groups)]
    heights = [
        sum(s.amount for s in column) if chart.stacked else max([0, *(s.amount for s in column)])
        for column in segments
    ]
    limits = [v for row in chart.limits or [] for v in row if v is not None]
    ticks = _nice_ticks(max([0, *heights, *limits]))
    top, bottom, end, height = 26.0, 30.0, 10.0, 250.0
    start = max(_text_width(str(ticks[-1]), SMALL) + 12, 30)
    plot_height = height - top - bottom
    # Few groups share the width of a phone; many get thin bars and the chart scrolls.
    gap, inner = (10.0, 2.0) if groups <= 14 else (4.0, 1.0)
    least = 10.0 if groups <= 14 else 4.0
    slot = (360 - start - end) / max(groups, 1)
    bar_width = min(36.0, max(least, (slot - gap - inner * (per_group - 1)) / per_group))
    span = per_group * bar_width + (per_group - 1) * inner
    width = max(360.0, start + end + groups * (span + gap))
    slot = (width - start - end) / max(groups, 1)
    canvas = _Canvas(width, rtl)

    def y(amount: float) -> float:
        return top + plot_height * (1 - amount / ticks[-1])

    for tick in ticks:
        canvas.line(start, y(tick), width - end, y(tick))
        canvas.text(start - 6, y(tick) + 4, str(tick), anchor="end", size=SMALL)
    widest = max((_text_width(c, SMALL) for c in chart.categories), default=0.0)
    label_every = max(1, math.ceil((widest + 8) / slot))
    if chart.stacked:
        totals = chart.totals or [sum(s.amount for s in column) for column in segments]
        labels = [str(total) for total in totals]
    else:
        labels = [s.label for column in segments for s in column]
    value_labels = all(_text_width(label, SMALL) <= bar_width + inner + 2 for label in labels)
    for index, category in enumerate(chart.categories):
        left = start + index * slot + (slot - span) / 2
        base = 0
        for position, segment in enumerate(segments[index]):
            x = left if chart.stacked else left + position * (bar_width + inner)
            canvas.bar(
                x,
                y(base + segment.amount),
                bar_width,
                y(base) - y(base + segment.amount),
                f"url(#{chart.key}-p{segment.serie})",
                segment.title,
                segment.serie is None,
            )
            if chart.stacked:
                base += segment.amount
            elif value_labels:
                canvas.text(
                    x + bar_width / 2,
                    y(segment.amount) - 4,
                    segment.label,
                    anchor="middle",
                    size=SMALL,
                )
        if chart.stacked and value_labels:
            canvas.text(
                left + bar_width / 2, y(base) - 4, labels[index], anchor="middle", size=SMALL
            )
        row_limits = chart.limits[index] if chart.limits else []
        if row_limits and len(set(row_limits)) == 1 and row_limits[0] is not None:
            canvas.line(left - 3, y(row_limits[0]), left + span + 3, y(row_limits[0]), dashed=True)
        else:
            for serie, limit in enumerate(row_limits):
                if limit is not None:
                    x = left + serie * (bar_width + inner)
                    canvas.line(x - 1, y(limit), x + bar_width + 1, y(limit), dashed=True)
        if index % label_every == 0:
            middle = start + index * slot + slot / 2
            canvas.text(middle, height - bottom + 20, category, anchor="middle", size=SMALL)
    canvas.line(start, y(0), width - end, y(0))
    description = _(
        "Bar chart, %(groups)s groups from %(first)s to %(last)s; the figures are in the table "
        "that follows."
    ) % {
        "groups": groups,
        "first": chart.categories[0] if chart.categories else "",
        "last": chart.categories[-1] if chart.categories else "",
    }
    return _figure(chart, _svg(chart, canvas, height, description), wide=width > 480)


def bar_chart(chart: Chart, *, rtl: bool) -> SafeString:
    """Horizontal bars, each category's label above its bars: long labels fit a phone."""
    # Drawn at the width of a phone's column, one unit to a pixel, so its text reads as text.
    width, start, end = 320.0, 6.0, 6.0
    bar_height, inner, label_height, after = 16.0, 3.0, 22.0, 12.0
    most = max([1, *(v for row in chart.values for v in row if isinstance(v, int))])
    value_room = max((_text_width(str(v), SMALL) for row in chart.values for v in row), default=0)
    length = width - start - end - value_room - 8
    canvas = _Canvas(width, rtl)
    y = 4.0
    for index, category in enumerate(chart.categories):
        canvas.text(start, y + 16, category, anchor="start")
        y += label_height
        # The baseline runs along the category's bars only, clear of its label.
        canvas.line(start, y - 1, start, y + len(chart.values[index]) * (bar_height + inner) - 2)
        for serie, value in enumerate(chart.values[index]):
            amount = _amount(value, chart.hidden_below)
            bar_length = length * amount / most
            if _is_hidden(value):
                # Up to the threshold on the scale of the others, but never a long bar: with
                # no axis to read it against, its length must not suggest a count.
                bar_length = min(bar_length, HIDDEN_LENGTH)
            canvas.bar(
                start,
                y,
                max(bar_length, 1.0 if amount else 0),
                bar_height,
                f"url(#{chart.key}-p{serie})",
                f"{category}: {chart.series[serie]} {value}",
                _is_hidden(value),
            )
            canvas.text(
                start + bar_length + 5, y + bar_height - 3, str(value), anchor="start", size=SMALL
            )
            y += bar_height + inner
        y += after
    description = _(
        "Bar chart of %(count)s categories; the figures are in the table that follows."
    ) % {"count": len(chart.categories)}
    return _figure(chart, _svg(chart, canvas, y, description, scale=1.0), wide=False)
