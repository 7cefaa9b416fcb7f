"""Every class figure agrees across summary.html, the terminal table and `grader merge --markdown`, and
equals what this test computes on its own from the results (graded, partly graded, unrunnable)."""

from __future__ import annotations

import csv
import dataclasses
import re

from test_reports_class import parse_html
from test_reports_fixtures import ASSIGNMENT, make_result

from grader.reports import write_class_reports
from grader.reports.tables import display_width, score_table, score_table_markdown

REG = "the regularization term is 0.5·reg·ΣW² (this course uses reg·ΣW²)"
MEAN = "the loss is a sum over examples, not a mean"


def diagnosed(cause: str) -> str:
    return f"expected loss: 6.44\n  got: 4.23\n  likely mistake: {cause}"


def a_class():
    """Two graded, one partly graded (a file missing, another import problem), one not graded at all."""
    alice = make_result("alice")
    bob = make_result("bob", {"svm_loss_naive": [("loss equals the reference", diagnosed(REG))],
                              "svm_loss_vectorized": [("loss equals the reference", diagnosed(REG))]})
    erin = make_result("erin", {"svm_loss_naive": [("loss equals the reference", diagnosed(f"{REG}; or {MEAN}"))],
                                "sgd_step": [("returns W - lr·dW", "sgd_step is not available: optim.py: missing"),
                                             ("leaves W unchanged", "sgd_step is not available: optim.py: missing")],
                                "softmax_loss": [("stays finite", "got nan")]})
    erin.error = "optim.py: missing from the submission\nsoftmax.py: printed too much; grading stopped after 300 s"
    zed = make_result("zed", error="cannot unpack zed.zip: not a zip file")
    return [zed, bob, alice, erin]


def independent_figures(results):
    """The figures, computed here from the raw results without the grader's statistics module."""
    totals = sorted(r.score for r in results)
    ran = [r for r in results if r.tests]
    reg_students = {r.student for r in ran for t in r.tests if not t.passed and REG in t.output}
    return {
        "submissions": len(results),
        "graded": sum(1 for r in ran if not r.error),
        "partly": sum(1 for r in ran if r.error),
        "not_graded": len(results) - len(ran),
        "mean": sum(totals) / len(totals),
        "median": (totals[1] + totals[2]) / 2,
        "reg_count": len(reg_students),
        "reg_share": round(100 * len(reg_students) / len(ran)),
    }


def fmt(x: float) -> str:
    return f"{round(x, 3):g}"


def test_html_terminal_and_markdown_agree_with_an_independent_count(tmp_path):
    results = a_class()
    want = independent_figures(results)
    assert want["graded"] == 2 and want["partly"] == 1 and want["not_graded"] == 1  # the class is as meant
    headline = (f"{want['submissions']} submissions: {want['graded']} graded, {want['partly']} partly graded, "
                f"{want['not_graded']} not graded. Mean {fmt(want['mean'])}, median {fmt(want['median'])} "
                f"of {fmt(ASSIGNMENT.max_score)} points")
    reg_line = f"{want['reg_count']} students ({want['reg_share']}% of graded): {REG}"

    write_class_reports(results, ASSIGNMENT, tmp_path)
    page = parse_html(tmp_path / "summary.html")
    terminal = score_table(results, ASSIGNMENT, set(), styled=False)
    markdown = score_table_markdown(results, ASSIGNMENT)
    for text in (" ".join(page.text.split()), terminal, markdown):
        assert headline in text
    assert reg_line in terminal and reg_line in markdown

    mistakes = page.cells["mistakes"]
    row = mistakes[mistakes.index(REG):][:5]
    assert row[2:4] == [str(want["reg_count"]), f"{want['reg_share']}%"]
    assert row[4] == "bob, erin"
    # a share never exceeds 100% and counts only students whose tests ran
    assert all(int(cell[:-1]) <= 100 for cell in page.cells["mistakes"] if re.fullmatch(r"\d+%", cell))


def test_partly_graded_students_are_not_listed_as_failed_and_every_problem_is_shown(tmp_path):
    results = a_class()
    write_class_reports(results, ASSIGNMENT, tmp_path)
    page = parse_html(tmp_path / "summary.html")
    errors = page.cells["errors"]
    assert errors[errors.index("erin") + 1] == "partly graded"
    assert errors[errors.index("zed") + 1] == "not graded"
    problems = errors[errors.index("erin") + 2]
    for part in ("optim.py: missing from the submission", "softmax.py: printed too much",
                 "grading stopped after 300 s"):
        assert part in problems
    students = page.cells["students"]
    assert students[students.index("erin") + len(ASSIGNMENT.functions) + 2].startswith("partly graded")
    assert "failed to run" not in page.text
    with open(tmp_path / "grades.csv", encoding="utf-8", newline="") as handle:
        csv_status = {row["student"]: row["status"] for row in csv.DictReader(handle)}
    assert csv_status["alice"] == "graded" and csv_status["erin"].startswith("partly graded: optim.py")
    assert csv_status["zed"].startswith("not graded: cannot unpack")


def test_unavailable_functions_are_kept_apart_from_conceptual_mistakes(tmp_path):
    results = a_class()
    write_class_reports(results, ASSIGNMENT, tmp_path)
    page = parse_html(tmp_path / "summary.html")
    assert "sgd_step" in page.cells["unavailable"]
    assert not any("not available" in cell for cell in page.cells["mistakes"] + page.cells["failures"])
    assert "stays finite" in page.cells["failures"]  # failed without a diagnosis: listed by property
    assert MEAN in page.cells["mistakes"]  # each alternative of "A; or B" is a diagnosis of its own


def test_each_student_links_to_their_feedback(tmp_path):
    results = [*a_class(), make_result("김민준 #1")]
    write_class_reports(results, ASSIGNMENT, tmp_path)
    page = parse_html(tmp_path / "summary.html")
    links = set(page.links["students"])
    assert links == {f"feedback/{s}.md" for s in ("alice", "bob", "erin", "zed")} | {
        "feedback/%EA%B9%80%EB%AF%BC%EC%A4%80%20%231.md"}


def test_terminal_table_aligns_wide_characters():
    results = [make_result("김민준"), make_result("bob"), make_result("Zoë")]
    lines = score_table(results, ASSIGNMENT, set(), styled=False).splitlines()[:4]
    starts = {line[: line.index("/")] for line in lines[1:]}
    columns = {display_width(prefix) for prefix in starts}
    assert len(columns) == 1, lines  # every total's "/" sits in the same terminal column
    assert display_width("김민준") == 6 and display_width("Zoë") == 3


def test_one_mistake_worded_two_ways_is_one_group(tmp_path):
    results = [make_result("ann", {"sgd_step": [("a", diagnosed("the learning rate is ignored (W - dW)"))]}),
               make_result("ben", {"sgd_step": [("b", diagnosed("the learning rate is ignored: W - dW"))]})]
    lines = [line for line in score_table(results, ASSIGNMENT, set(), styled=False).splitlines()
             if "learning rate" in line]
    assert lines == ["  2 students (100% of graded): the learning rate is ignored (W - dW) [sgd_step]"]


def test_one_mistake_the_suite_words_twice_is_one_group_by_its_cause_id():
    """A loss test and a gradient test of one slip carry different texts and the same cause id."""
    loss_text, grad_text = "the regularization term is 0.5·reg·ΣW²", "the regularization gradient is reg·W"
    results = []
    for student, text in (("ann", loss_text), ("ben", grad_text)):
        result = make_result(student, {"svm_loss_naive": [("a", diagnosed(text))]})
        tests = [dataclasses.replace(t, root_cause=text, cause_id="reg-half") if not t.passed else t
                 for t in result.tests]
        results.append(dataclasses.replace(result, tests=tests))
    lines = [line for line in score_table(results, ASSIGNMENT, set(), styled=False).splitlines()
             if "regularization" in line]
    assert lines == [f"  2 students (100% of graded): {loss_text} [svm_loss_naive]"]
