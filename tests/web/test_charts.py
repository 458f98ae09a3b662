"""Charts drawn on the server: honest heights, hidden counts drawn as such, mirrored in RTL."""

from __future__ import annotations

import re

import pytest

from corridor.web.charts import Chart, _nice_ticks, bar_chart, column_chart


def _bars(svg: str) -> list[dict[str, str]]:
    return [
        dict(re.findall(r'(\w[\w-]*)="([^"]*)"', attributes), title=title)
        for attributes, title in re.findall(
            r"<rect (class=\"bar\"[^>]*)><title>([^<]*)</title>", svg
        )
    ]


def _days(values: list[list[int | str]], **fields: object) -> Chart:
    return Chart(
        key="chart-test",
        title="Departures per day",
        categories=[f"{day} Feb" for day in range(1, len(values) + 1)],
        series=["Departures", "Arrivals"],
        values=values,
        **fields,  # type: ignore[arg-type]
    )


def test_the_axis_runs_in_round_steps_up_to_the_highest_value():
    assert _nice_ticks(0) == [0, 1]
    assert _nice_ticks(7) == [0, 2, 4, 6, 8]
    assert _nice_ticks(50) == [0, 20, 40, 60]
    assert _nice_ticks(18599) == [0, 5000, 10000, 15000, 20000]


def test_bars_are_as_high_as_their_values_and_the_quota_is_a_dashed_line():
    svg = column_chart(_days([[30, 12], [15, 0]], limits=[[50, 50], [50, 50]]), rtl=False)
    heights = {bar["title"]: float(bar["height"]) for bar in _bars(svg)}
    assert heights["1 Feb: Departures 30"] == 2 * heights["2 Feb: Departures 15"]
    assert heights["2 Feb: Arrivals 0"] == 0
    assert svg.count('stroke-dasharray="6 3"') == 2  # one quota line per day
    assert "Quota" not in svg  # no limit label given, no legend entry for it
    assert '<rect width="14" height="14" fill="url(#chart-test-p1)"' in svg  # the legend


def test_series_differ_by_pattern_as_well_as_by_colour():
    svg = column_chart(_days([[3, 4]]), rtl=False)
    first = re.search(r'<pattern id="chart-test-p0".*?</pattern>', svg).group(0)
    second = re.search(r'<pattern id="chart-test-p1".*?</pattern>', svg).group(0)
    assert "<path" not in first and '<path d="M0 0V6" stroke="#fff"' in second


def test_a_hidden_count_is_drawn_as_an_outline_up_to_the_threshold_and_says_so():
    svg = column_chart(_days([["<5", 10]], hidden_below=5), rtl=False)
    hidden, shown = _bars(svg)
    assert hidden["fill"] == "#ffffff" and hidden["stroke-dasharray"] == "3 2"
    assert hidden["title"] == "1 Feb: Departures &lt;5"
    assert float(hidden["height"]) * 2 == float(shown["height"])
    assert "fewer than 5 (hidden)" in svg


def test_a_hidden_count_in_a_bar_chart_is_never_drawn_long():
    chart = Chart(
        key="chart-parties",
        title="Refusals",
        categories=["Crossing Authority"],
        series=["People refused"],
        values=[["<5"]],
        hidden_below=5,
    )
    (bar,) = _bars(bar_chart(chart, rtl=False))
    assert float(bar["width"]) <= 24


def test_a_stacked_column_draws_its_hidden_parts_as_one_outline_up_to_the_threshold():
    chart = _days(
        [["<5", 34], [10, 29], ["<5", "<5"]],
        stacked=True,
        totals=[39, 39, "<5"],
        hidden_below=5,
    )
    bars = _bars(column_chart(chart, rtl=False))
    height = {
        day: sum(float(b["height"]) for b in bars if b["title"].startswith(day))
        for day in ("1 Feb", "2 Feb", "3 Feb")
    }
    assert height["1 Feb"] == pytest.approx(height["2 Feb"], abs=0.2)  # drawn to 0.1
    # All parts of the third day are small: one outline, not one per part.
    assert [b["title"] for b in bars if b["title"].startswith("3 Feb")] == ["3 Feb: &lt;5"]
    assert ">39</text>" in column_chart(chart, rtl=False)


def test_a_stacked_column_never_draws_what_its_total_leaves_of_the_hidden_parts():
    def hidden_height(total: int | str) -> float:
        chart = _days([["<5", 34]], stacked=True, totals=[total], hidden_below=5)
        bars = _bars(column_chart(chart, rtl=False))
        exact = next(b for b in bars if b["title"] == "1 Feb: Arrivals 34")
        outline = next(b for b in bars if b["title"] == "1 Feb: Departures &lt;5")
        return float(outline["height"]) / float(exact["height"]) * 34

    # Whatever the total (exact or withheld), the hidden part is drawn as high as the threshold:
    # a total of 36 would otherwise draw 2, and one of 38 draw 4.
    assert hidden_height(36) == pytest.approx(5, abs=0.1)
    assert hidden_height(38) == pytest.approx(5, abs=0.1)
    assert hidden_height("withheld") == pytest.approx(5, abs=0.1)


def test_right_to_left_mirrors_every_bar_and_label_across_the_chart():
    chart = _days([[30, 12], [15, 0], [5, 5]])
    ltr, rtl = column_chart(chart, rtl=False), column_chart(chart, rtl=True)
    width = float(re.search(r'class="chart-svg"[^>]*viewBox="0 0 ([\d.]+)', ltr).group(1))
    for left, right in zip(_bars(ltr), _bars(rtl), strict=True):
        assert float(right["x"]) == pytest.approx(
            width - float(left["x"]) - float(left["width"]), abs=0.11
        )
    assert 'direction="rtl"' in rtl and 'direction="ltr"' in ltr
    first_ltr = re.search(r'<text x="([\d.]+)"[^>]*>1 Feb</text>', ltr).group(1)
    first_rtl = re.search(r'<text x="([\d.]+)"[^>]*>1 Feb</text>', rtl).group(1)
    assert float(first_rtl) == pytest.approx(width - float(first_ltr), abs=0.11)
    assert float(first_rtl) > width / 2 > float(first_ltr)


def test_labels_and_titles_are_escaped():
    chart = Chart(
        key="chart-x",
        title="<b>Refusals</b>",
        categories=["<script>alert(1)</script>"],
        series=["People"],
        values=[[3]],
    )
    svg = bar_chart(chart, rtl=False)
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'role="img" aria-labelledby="chart-x-title chart-x-desc"' in svg
