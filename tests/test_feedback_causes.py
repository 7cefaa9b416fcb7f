"""Feedback by root cause: a diagnosed mistake is one section with the properties it broke and what
they cost, an unavailable function one line, the page is bounded, the instructor's cap on one cause
holds, and the reproduction snippet is real Python that reproduces the failure."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest
from corpus import run_suite

from grader import diagnosis
from grader.assignment import ManifestError, load_assignment
from grader.grading.scoring import cap_causes
from grader.reports.feedback import DETAILED_SECTIONS, LINE_ITEMS, feedback_markdown
from grader.results import SubmissionResult, TestResult

ROOT = load_assignment("loss_optimization").root
HALF = diagnosis.Mistake("reg-half", "the regularization term is 0.5·reg·ΣW²")


def failed(name, function, points, cause_id="", cause="", output="", reproduction=""):
    return TestResult(name=name, nodeid=f"t::{name}::{function}", function=function, score=0.0,
                      max_score=points, status="failed", output=output or f"{name} failed\n  detail",
                      root_cause=cause, cause_id=cause_id, reproduction=reproduction)


def result_of(tests) -> SubmissionResult:
    return SubmissionResult(student="s", assignment="a", score=0.0, max_score=100.0, tests=tests)


def test_likely_mistake_names_the_first_match_by_id_and_root_cause_reads_it_back():
    line = diagnosis.likely_mistake(1.5, {HALF: 1.5, "a plain slip": 1.5, "far off": 9.0}, 1e-9)
    assert line == "likely mistake (reg-half): the regularization term is 0.5·reg·ΣW²; or a plain slip"
    cause_id, text, cleaned = diagnosis.root_cause("Loss wrong.\n  expected 1\n  " + line)
    assert (cause_id, text) == ("reg-half", "the regularization term is 0.5·reg·ΣW²")
    assert "(reg-half)" not in cleaned and "  likely mistake: the regularization" in cleaned
    assert diagnosis.likely_mistake(1.5, {HALF: 3.0}, 1e-9) == ""
    assert diagnosis.root_cause("no diagnosis here") == ("", "", "no diagnosis here")
    plain = diagnosis.root_cause("x\nlikely mistake: The loss is NOT divided by N.")
    assert plain[0] == "the loss is not divided by n" and plain[1] == "The loss is NOT divided by N"


def test_reproduction_snippet_runs_and_rebuilds_the_exact_inputs():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((2, 3)).astype(np.float32)
    X, y = rng.standard_normal((1, 2)), np.array([2], dtype=np.uint8)
    diagnosis.show_inputs({"W": W, "X": X, "y": y, "reg": 0.25}, call="loss, dW = {function}(W, X, y, reg)")
    snippet = diagnosis.reproduction("seen")
    seen = {}

    def record(*args):
        seen["args"] = args
        return 1.0, None

    exec(snippet, {"seen": record})  # noqa: S102 - the snippet is what a student pastes
    W2, X2, y2, reg2 = seen["args"]
    assert W2.dtype == W.dtype and np.array_equal(W2, W) and np.array_equal(X2, X)
    assert y2.dtype == y.dtype and np.array_equal(y2, y) and reg2 == 0.25
    assert "seen(W, X, y, reg)" in snippet and "Problem(" not in snippet and "base_seed" not in snippet
    diagnosis.forget_inputs()
    assert diagnosis.reproduction("seen") == ""


def test_large_arrays_are_summarised_so_a_snippet_stays_bounded():
    diagnosis.show_inputs({"X": np.ones((500, 40)), "reg": 1.0}, call="{function}(X, reg)")
    snippet = diagnosis.reproduction("f")
    assert "# X: shape (500, 40), dtype float64" in snippet and len(snippet) < 300


def test_one_mistake_across_functions_is_one_section_with_every_property_and_its_cost():
    names = [f"property {k}" for k in range(7)]
    tests = [failed(n, fn, 3.0, "reg-half", HALF.text) for fn in ("f_naive", "f_vec") for n in names]
    tests.append(failed("another property", "f_vec", 2.0))
    md = feedback_markdown(result_of(tests))
    headings = [line for line in md.splitlines() if line.startswith("### ")]
    assert headings[0] == f"### Likely mistake: {HALF.text} (-42 points)"
    assert len(headings) == 2 and md.count(HALF.text) == 1
    for test in tests[:-1]:
        assert f"- {test.name} ({test.function}, -3 points)" in md


def test_an_unavailable_function_is_one_line_however_many_tests_it_failed():
    msg = "optim.py does not define step"
    tests = [failed(f"step property {k}", "step", 1.0, "unavailable:" + diagnosis.cause_words(msg), msg, msg)
             for k in range(33)]
    md = feedback_markdown(result_of(tests))
    assert md.count(msg) == 1 and "- step (-33 points): optim.py does not define step" in md
    assert "step property" not in md and "### " not in md


def test_the_page_is_bounded_whatever_failed():
    tests = [failed(f"property {k}", "f", 1.0, output=f"property {k} failed\n" + "x" * 200) for k in range(200)]
    md = feedback_markdown(result_of(tests))
    assert md.count("\n### ") == DETAILED_SECTIONS
    assert f"- and {200 - DETAILED_SECTIONS - LINE_ITEMS} more" in md
    assert len(md.splitlines()) < 20 * DETAILED_SECTIONS + LINE_ITEMS + 40


def test_a_capped_cause_costs_the_cap_and_nothing_else_is_refunded():
    tests = [failed(f"p{k}", "f", 4.0, "reg-half", HALF.text) for k in range(5)]
    missing = [failed(f"m{k}", "g", 4.0, "unavailable:g", "no g") for k in range(3)]
    other = failed("q", "f", 4.0)
    capped = cap_causes([*tests, *missing, other], cap=5.0)
    assert sum(t.max_score - t.score for t in capped[:5]) == pytest.approx(5.0)
    assert all(t.score == 0.0 for t in capped[5:])
    assert cap_causes([failed("p", "f", 4.0, "reg-half")], cap=None)[0].score == 0.0


@pytest.mark.parametrize("value, ok", [("7.5", True), ("0", True), ("-1", False), ('"ten"', False)])
def test_the_manifest_cap_is_read_and_checked(tmp_path, value, ok):
    shutil.copytree(ROOT / "assignments" / "loss_optimization", tmp_path / "assignments" / "loss_optimization")
    manifest = tmp_path / "assignments" / "loss_optimization" / "assignment.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + f"\n[feedback]\nmax_points_per_cause = {value}\n",
                        encoding="utf-8")
    if ok:
        assert load_assignment("loss_optimization", tmp_path).max_points_per_cause == float(value)
    else:
        with pytest.raises(ManifestError, match="max_points_per_cause"):
            load_assignment("loss_optimization", tmp_path)


@pytest.mark.slow
def test_a_half_reg_submission_gets_one_section_and_a_snippet_that_reproduces_it(tmp_path):
    assignment = load_assignment("loss_optimization")
    sub = tmp_path / "sub"
    shutil.copytree(assignment.reference_dir, sub)
    svm = sub / "linear_svm.py"
    text = svm.read_text(encoding="utf-8")
    for old, new in [("loss += reg * np.sum(W * W)", "loss += 0.5 * reg * np.sum(W * W)"),
                     ("dW += 2 * reg * W", "dW += reg * W")]:
        assert old in text
        text = text.replace(old, new)
    svm.write_text(text, encoding="utf-8")
    outcome = run_suite(sub, tmp_path / "r.json", assignment,
                        extra_args=["-k", "svm and naive and (matches_reference or split or float32)"])
    tests = [TestResult(**t) for t in outcome.results["tests"]]
    broken = [t for t in tests if not t.passed]
    assert len(broken) >= 3 and {t.cause_id for t in broken} == {"reg-half"}, outcome.failures()
    md = feedback_markdown(result_of(tests))
    assert md.count("\n### ") == 1 and "0.5·reg·ΣW²" in md.split("\n### ")[1].splitlines()[0]
    first = next(t for t in broken if t.nodeid.endswith("test_svm_loss_matches_reference[naive]"))
    got = float(re.search(r"got:\s+(\S+)", first.output).group(1))
    namespace = {}
    exec(compile(svm.read_text(encoding="utf-8"), str(svm), "exec"), namespace)  # noqa: S102
    exec(first.reproduction, namespace)  # noqa: S102 - what the student pastes under their own code
    assert namespace["loss"] == pytest.approx(got, rel=1e-12)
    assert json.dumps(outcome.results).count("reg-half") == len(broken)
