from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from redline.web.charts import bar_chart, line_chart

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def _by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [el for el in root.iter(f"{NS}{tag}") if el.get("class") == cls]


def test_a_bar_chart_is_a_well_formed_accessible_svg_that_scales_to_its_container() -> None:
    root = _parse(bar_chart("按类别的义务", [("网络安全", 3), ("数据出境", 7)]))
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 640 ")
    assert root.get("font-family") == "Noto Sans CJK SC, sans-serif"
    title = root.find(f"{NS}title")
    assert title is not None
    assert title.text == "按类别的义务"


@pytest.mark.parametrize("chart", [bar_chart, line_chart])
def test_a_chart_whose_values_are_links_is_a_group_of_links_each_named_for_screen_readers(chart: Any) -> None:
    """An image's contents are hidden from screen readers, so links inside role="img" could not be reached."""
    links = ["/regulator?state=draft", "/regulator?x=1&y=2"]
    root = _parse(chart("案件状态", [("草稿", 2), ("已提交", 5)], links=links))
    assert root.get("role") == "group"
    assert root.get("aria-label") == "案件状态"
    anchors = list(root.iter(f"{NS}a"))
    assert [a.get("href") for a in anchors] == links
    assert [a.get("aria-label") for a in anchors] == ["草稿: 2", "已提交: 5"]


def test_a_bar_chart_draws_one_bar_label_and_value_per_row() -> None:
    root = _parse(bar_chart("t", [("a", 1), ("b", 2), ("c", 3)]))
    assert len(_by_class(root, "rect", "bar")) == 3
    assert [el.text for el in _by_class(root, "text", "label")] == ["a", "b", "c"]
    assert [el.text for el in _by_class(root, "text", "value")] == ["1", "2", "3"]


def test_bar_widths_are_proportional_to_their_values() -> None:
    root = _parse(bar_chart("t", [("ten", 10), ("five", 5), ("zero", 0)]))
    ten, five, zero = (float(el.get("width", "nan")) for el in _by_class(root, "rect", "bar"))
    assert ten > 0
    assert ten == pytest.approx(2 * five, abs=0.02)
    assert zero == 0


def test_the_value_is_printed_just_past_the_end_of_its_bar() -> None:
    root = _parse(bar_chart("t", [("a", 4), ("b", 8)]))
    for bar, value in zip(_by_class(root, "rect", "bar"), _by_class(root, "text", "value"), strict=True):
        bar_end = float(bar.get("x", "nan")) + float(bar.get("width", "nan"))
        assert bar_end < float(value.get("x", "nan")) <= bar_end + 10


def test_a_hostile_label_and_title_come_out_escaped_in_a_bar_chart() -> None:
    svg = bar_chart("<b>&title", [("<script>alert(1)</script>", 1)])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = _parse(svg)
    assert not list(root.iter("script")) and not list(root.iter(f"{NS}script"))
    assert root.findtext(f"{NS}title") == "<b>&title"
    assert _by_class(root, "text", "label")[0].text == "<script>alert(1)</scr…"


def test_a_quote_in_the_title_cannot_break_out_of_the_aria_label_attribute() -> None:
    root = _parse(bar_chart("say \"hi\" & 'bye'", [("a", 1)]))
    assert root.get("aria-label") == "say \"hi\" & 'bye'"


def test_labels_longer_than_fourteen_characters_are_truncated_with_an_ellipsis() -> None:
    long_label = "关键信息基础设施运营者安全保护义务检查"
    root = _parse(bar_chart("t", [(long_label, 1), ("恰好十四个字的标签名称就是这样的", 2), ("短", 3)]))
    labels = [el.text or "" for el in _by_class(root, "text", "label")]
    assert labels[0] == long_label[:13] + "…"
    assert len(labels[0]) == 14
    assert labels[2] == "短"
    # The full label is kept in the row's tooltip.
    assert any(el.text == f"{long_label}: 1" for el in root.iter(f"{NS}title"))


def test_a_label_of_exactly_fourteen_characters_is_kept_whole() -> None:
    label = "一二三四五六七八九十一二三四"
    assert len(label) == 14
    root = _parse(bar_chart("t", [(label, 1)]))
    assert _by_class(root, "text", "label")[0].text == label


def test_an_empty_bar_chart_shows_a_single_centred_dash() -> None:
    root = _parse(bar_chart("空", []))
    assert not _by_class(root, "rect", "bar")
    texts = list(root.iter(f"{NS}text"))
    assert [t.text for t in texts] == ["—"]
    assert texts[0].get("text-anchor") == "middle"
    assert float(texts[0].get("x", "nan")) == 320


def test_an_all_zero_bar_chart_renders_zero_width_bars() -> None:
    root = _parse(bar_chart("t", [("a", 0), ("b", 0)]))
    assert [el.get("width") for el in _by_class(root, "rect", "bar")] == ["0", "0"]


def test_a_negative_bar_value_raises_value_error() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        bar_chart("t", [("a", 1), ("b", -1)])


def test_charts_use_no_style_attributes_or_style_elements() -> None:
    for svg in (
        bar_chart("t", [("a", 1)]),
        line_chart("t", [("2026-09", 1), ("2026-10", 2)]),
        bar_chart("t", []),
        line_chart("t", []),
    ):
        root = _parse(svg)
        assert not list(root.iter(f"{NS}style"))
        assert all("style" not in el.attrib for el in root.iter())


def test_a_line_chart_draws_a_polyline_and_one_circle_per_point_with_a_tooltip() -> None:
    points = [("2026-07", 3), ("2026-08", 0), ("2026-09", 12)]
    root = _parse(line_chart("每月到期", points))
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox") == "0 0 640 220"
    assert root.findtext(f"{NS}title") == "每月到期"
    polylines = _by_class(root, "polyline", "line")
    assert len(polylines) == 1
    assert len(polylines[0].get("points", "").split()) == 3
    circles = _by_class(root, "circle", "point")
    assert [c.findtext(f"{NS}title") for c in circles] == ["2026-07: 3", "2026-08: 0", "2026-09: 12"]
    assert [el.text for el in _by_class(root, "text", "label")] == ["2026-07", "2026-08", "2026-09"]


def test_line_chart_points_are_evenly_spaced_and_higher_values_sit_higher() -> None:
    root = _parse(line_chart("t", [("a", 0), ("b", 5), ("c", 10)]))
    circles = _by_class(root, "circle", "point")
    xs = [float(c.get("cx", "nan")) for c in circles]
    ys = [float(c.get("cy", "nan")) for c in circles]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.02)
    assert ys[0] > ys[1] > ys[2]
    # The y axis starts at 0, so the middle value sits halfway between the zero line and the value 10.
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2], abs=0.02)


def test_a_line_chart_has_a_few_labelled_grid_lines_from_zero_up_to_the_maximum() -> None:
    root = _parse(line_chart("t", [("a", 3), ("b", 93)]))
    grid = _by_class(root, "line", "grid")
    ticks = [int(el.text or "") for el in _by_class(root, "text", "tick")]
    assert 3 <= len(grid) <= 6
    assert len(ticks) == len(grid)
    assert ticks[0] == 0
    assert ticks[-1] >= 93
    top_line_y = min(float(g.get("y1", "nan")) for g in grid)
    highest_point_y = min(float(c.get("cy", "nan")) for c in _by_class(root, "circle", "point"))
    assert highest_point_y >= top_line_y


def test_an_all_zero_line_chart_is_a_flat_line_at_the_bottom() -> None:
    root = _parse(line_chart("t", [("2026-09", 0), ("2026-10", 0), ("2026-11", 0)]))
    ys = {float(c.get("cy", "nan")) for c in _by_class(root, "circle", "point")}
    assert len(ys) == 1
    (zero_line,) = _by_class(root, "line", "grid")
    assert ys == {float(zero_line.get("y1", "nan"))}


def test_a_single_point_line_chart_renders() -> None:
    root = _parse(line_chart("t", [("2026-09", 4)]))
    assert len(_by_class(root, "circle", "point")) == 1


def test_an_empty_line_chart_shows_a_single_dash() -> None:
    root = _parse(line_chart("t", []))
    assert [t.text for t in root.iter(f"{NS}text")] == ["—"]
    assert not _by_class(root, "polyline", "line")


def test_a_hostile_label_comes_out_escaped_in_a_line_chart() -> None:
    svg = line_chart("t", [("<script>", 1)])
    assert "<script>" not in svg
    root = _parse(svg)
    assert _by_class(root, "text", "label")[0].text == "<script>"
    assert _by_class(root, "circle", "point")[0].findtext(f"{NS}title") == "<script>: 1"


def test_a_negative_line_value_raises_value_error() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        line_chart("t", [("2026-09", -3)])


def test_many_x_labels_are_thinned_so_they_do_not_overlap() -> None:
    months = [(f"2025-{m:02d}", m) for m in range(1, 13)] + [(f"2026-{m:02d}", m) for m in range(1, 13)]
    root = _parse(line_chart("t", months))
    assert len(_by_class(root, "circle", "point")) == 24
    labels = _by_class(root, "text", "label")
    assert 1 < len(labels) < 24
    xs = [float(el.get("x", "nan")) for el in labels]
    assert min(b - a for a, b in itertools.pairwise(xs)) >= 7 * 7
