"""The class summary's score histograms (grader.reports.histogram): ten bins from 0 to the maximum, the
maximum counted in the last bin, one panel per score, every title escaped."""

import re
import xml.etree.ElementTree as ET

from grader.reports.histogram import BINS, bin_counts, histograms_svg


def test_scores_fall_in_ten_bins_and_full_marks_in_the_last():
    assert bin_counts([0, 0, 9.99, 10, 25, 99.9, 100, 100], 100) == [3, 1, 1, 0, 0, 0, 0, 0, 0, 3]
    assert bin_counts([], 15) == [0] * BINS
    assert bin_counts([0.0, 0.0], 0) == [2] + [0] * (BINS - 1)  # a function worth nothing: all at 0


def test_the_svg_has_a_panel_per_score_with_its_counts_and_a_bar_per_filled_bin():
    svg = histograms_svg([("Total", 100, [100, 70, 15]), ("<b>f</b>", 25, [25, 25])])
    root = ET.fromstring(svg)  # well-formed XML: the title is escaped
    ns = "{http://www.w3.org/2000/svg}"
    panels = root.findall(f"{ns}g")
    assert [p.get("data-counts") for p in panels] == ["0 1 0 0 0 0 0 1 0 1", "0 0 0 0 0 0 0 0 0 2"]
    tooltips = [t.text for t in root.iter(f"{ns}title")]
    assert tooltips == ["10-20 points: 1 student", "70-80 points: 1 student", "90-100 points: 1 student",
                        "22.5-25 points: 2 students"]
    assert "<b>" not in svg and "&lt;b&gt;f&lt;/b&gt;" in svg
    assert re.search(r'viewBox="0 0 520 \d+"', svg)
