"""Class-wide reports: grades.csv (LMS import), junit.xml (CI) and summary.html (instructor), parsed back."""

from __future__ import annotations

import csv
import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from test_reports_fixtures import ASSIGNMENT, HOSTILE, make_class, make_result
from test_reports_student import forbidden_lines, traceback_through

from grader.reports import write_class_reports


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_grades_csv_has_one_row_per_student_with_function_columns(tmp_path):
    results = make_class()
    write_class_reports(results, ASSIGNMENT, tmp_path)
    rows = read_csv(tmp_path / "grades.csv")
    functions = [f.name for f in ASSIGNMENT.functions]
    assert list(rows[0]) == ["student", "total", "max", *functions, "status"]
    by_id = {r.student: r for r in results}
    assert sorted(row["student"] for row in rows) == sorted(by_id)
    for row in rows:
        result = by_id[row["student"]]
        assert float(row["total"]) == result.score and float(row["max"]) == result.max_score
        assert sum(float(row[fn]) for fn in functions) == result.score
        assert (row["status"] == "graded") == (not result.error)
    broken = next(row for row in rows if row["student"] == "broken")
    assert broken["status"].startswith("not graded: no functions found") and broken["total"] == "0"


def test_grades_csv_numbers_have_no_float_noise(tmp_path):
    result = make_result("thirds")
    for fs in result.functions.values():
        fs.score = fs.max_score / 3
    result.score = sum(fs.score for fs in result.functions.values())
    write_class_reports([result], ASSIGNMENT, tmp_path)
    text = (tmp_path / "grades.csv").read_text(encoding="utf-8")
    row = read_csv(tmp_path / "grades.csv")[0]
    assert row["svm_loss_naive"] == "8.333" and row["total"] == "33.333" and row["max"] == "100"
    assert "0000" not in text and "9999" not in text and "e-" not in text


def test_grades_csv_defuses_formula_cells_and_keeps_unicode(tmp_path):
    results = [make_result("=cmd|' /C calc'!A0"), make_result("zoë", error="-1 files found\nsecond line")]
    write_class_reports(results, ASSIGNMENT, tmp_path)
    raw = (tmp_path / "grades.csv").read_bytes()
    raw.decode("utf-8")
    rows = read_csv(tmp_path / "grades.csv")
    assert [row["student"] for row in rows] == ["'=cmd|' /C calc'!A0", "zoë"]
    assert rows[1]["status"] == "not graded: -1 files found"


def test_grades_csv_of_an_empty_class_is_a_header(tmp_path):
    write_class_reports([], ASSIGNMENT, tmp_path)
    assert read_csv(tmp_path / "grades.csv") == []
    assert (tmp_path / "grades.csv").read_text(encoding="utf-8").startswith("student,total,max,")


def parse_junit(path):
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    return root


def test_junit_has_one_suite_per_student_and_one_case_per_property(tmp_path):
    results = make_class()
    write_class_reports(results, ASSIGNMENT, tmp_path)
    root = parse_junit(tmp_path / "junit.xml")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == sorted(r.student for r in results)
    for result in results:
        suite = suites[result.student]
        cases = suite.findall("testcase")
        assert len(cases) == len(result.tests) + (1 if result.error else 0) == int(suite.get("tests"))
        failures = suite.findall("testcase/failure")
        assert len(failures) == sum(1 for t in result.tests if not t.passed) == int(suite.get("failures"))
        assert len(suite.findall("testcase/error")) == int(suite.get("errors")) == (1 if result.error else 0)
        props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
        assert float(props["score"]) == result.score and props["seed"] == str(result.seed)
        for test, failure in zip([t for t in result.tests if not t.passed], failures):
            assert failure.get("message") and failure.get("message")[:40] in test.output
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites.values())
    broken = suites["broken"].find("testcase/error")
    assert "SyntaxError" in broken.get("message") and "SyntaxError" in broken.text


def test_junit_survives_hostile_names_control_characters_and_huge_output(tmp_path):
    hostile = next(r for r in make_class() if r.student == "hostile")
    write_class_reports([hostile], ASSIGNMENT, tmp_path)
    path = tmp_path / "junit.xml"
    assert path.stat().st_size < 100_000  # 2 MB of output went in
    root = parse_junit(path)
    assert [s.get("name") for s in root.iter("testsuite")] == ["hostile"]  # no forged suite
    names = [c.get("name") for c in root.iter("testcase")]
    assert HOSTILE[0] in names and HOSTILE[1] in names  # hostile names kept verbatim, as escaped data
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)
    assert "more characters cut" in root.find("testsuite/system-out").text


def test_junit_and_summary_of_an_empty_class_are_valid(tmp_path):
    write_class_reports([], ASSIGNMENT, tmp_path)
    root = parse_junit(tmp_path / "junit.xml")
    assert root.findall("testsuite") == [] and root.get("tests") == "0"
    page = parse_html(tmp_path / "summary.html")
    assert "No submissions." in page.text and not page.svg


class PageParser(HTMLParser):
    """Collects what a structure check needs: tags, attributes, visible text, and per-section cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.chunks: list[str] = []
        self.section = ""
        self.cells: dict[str, list[str]] = {}
        self.in_td = False
        self.links: dict[str, list[str]] = {}
        self.svg = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        if tag == "section":
            self.section = dict(attrs).get("id", "")
        if tag == "td":
            self.in_td = True
            self.cells.setdefault(self.section, []).append("")
        if tag == "a":
            self.links.setdefault(self.section, []).append(dict(attrs).get("href", ""))
        self.svg += tag == "svg"

    def handle_endtag(self, tag):
        if tag == "td":
            self.in_td = False

    def handle_data(self, data):
        self.chunks.append(data)
        if self.in_td:
            self.cells[self.section][-1] += data

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def parse_html(path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_summary_is_one_self_contained_page_with_plot_and_every_student(tmp_path):
    results = make_class()
    write_class_reports(results, ASSIGNMENT, tmp_path)
    page = parse_html(tmp_path / "summary.html")
    assert page.svg == 1 and "path" in page.tags  # the inline plot, drawn
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not [v for k, v in page.attrs if k in {"src", "href"} and "://" in v]
    for result in results:
        assert result.student in page.cells["students"]
    for spec in ASSIGNMENT.functions:
        assert spec.name in page.cells["distribution"]
    assert page.cells["errors"][0] == "broken"
    assert page.cells["slowest"][0] == "hostile"  # 40 s, the slowest fixture
    assert f"{len(results)} submissions" in page.text


def test_summary_ranks_the_most_common_failure_first(tmp_path):
    write_class_reports(make_class(), ASSIGNMENT, tmp_path)
    cells = parse_html(tmp_path / "summary.html").cells["failures"]
    assert cells[:3] == ["the loss is the mean over examples", "svm_loss_naive", "2"]


def test_summary_escapes_hostile_strings(tmp_path):
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    results = [make_result(evil.replace("/", "_"), error=evil), make_class()[-1]]
    write_class_reports(results, ASSIGNMENT, tmp_path)
    raw = (tmp_path / "summary.html").read_text(encoding="utf-8")
    page = parse_html(tmp_path / "summary.html")
    assert "script" not in page.tags and "img" not in page.tags
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    assert evil in page.text and HOSTILE[0] in page.text  # shown as text, not markup


def test_class_reports_never_show_reference_or_hidden_test_source(tmp_path):
    forbidden = forbidden_lines(ASSIGNMENT.root)
    ref = ASSIGNMENT.reference_dir / "softmax.py"
    frames = [(ref, i, code) for i, code in enumerate(forbidden)]
    leaky = traceback_through(frames)
    result = make_result("leaky", {"softmax_loss": [("property", leaky)]}, stdout=leaky)
    crashed = make_result("crashed", error=leaky)
    write_class_reports([result, crashed], ASSIGNMENT, tmp_path)
    for name in ["junit.xml", "summary.html", "grades.csv"]:
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert not [code for code in forbidden if code in text or html.escape(code) in text], name
        assert "reference/" not in text
