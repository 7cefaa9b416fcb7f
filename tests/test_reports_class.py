"""Class-wide reports: grades.csv (LMS import), junit.xml (CI) and summary.html (instructor), parsed back."""

from __future__ import annotations

import csv

from test_reports_fixtures import ASSIGNMENT, make_class, make_result

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
    assert broken["status"].startswith("no functions found") and broken["total"] == "0"


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
    assert rows[1]["status"] == "'-1 files found"


def test_grades_csv_of_an_empty_class_is_a_header(tmp_path):
    write_class_reports([], ASSIGNMENT, tmp_path)
    assert read_csv(tmp_path / "grades.csv") == []
    assert (tmp_path / "grades.csv").read_text(encoding="utf-8").startswith("student,total,max,")
