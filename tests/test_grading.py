"""Grading one submission and a batch: scores from the plugin's results, time limits, crashes, resume.

These tests run a small stand-in hidden suite (MINI_SUITE: each function against the reference on a
few inputs that catch the classic mistakes) in a temporary root, so they are fast and do not depend
on the real suite; tests/test_cli_grade_examples.py runs the real one.
"""

import json
import multiprocessing
import os
import shutil
import signal
import textwrap
from pathlib import Path

import pytest

from grader.assignment import DEFAULT_ROOT, load_assignment
from grader.grading.batch import SelectionError, grade_batch, grade_submission
from grader.grading.child import start_child
from grader.grading.options import GradeOptions
from grader.grading.scoring import parse_tests, score_functions
from grader.results import TestResult as Outcome
from grader.submissions import discover, prepare

EXAMPLES = DEFAULT_ROOT / "examples" / "submissions"

MINI_SUITE = '''
"""A small stand-in hidden suite: each function against the reference."""
import numpy as np
import pytest


def data(offset=0.0, seed=0):
    """W (6, 4), X (5, 6), y (5,); offset: size of a per-row score shift (small spread inside a row)."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(6, 4)) + np.outer(rng.normal(size=6) * offset, np.ones(4))
    return W, rng.normal(size=(5, 6)), rng.integers(0, 4, size=5)


def same(student, reference, fn, offset=0.0, reg=0.5):
    W, X, y = data(offset)
    copies = W.copy(), X.copy(), y.copy()
    loss, dW = getattr(student, fn)(W, X, y, reg)
    ref_loss, ref_dW = getattr(reference, fn)(*copies, reg)
    assert np.isclose(loss, ref_loss), f"loss {loss!r}, expected {ref_loss!r}"
    assert np.allclose(dW, ref_dW), "the gradient differs from the expected one"


@pytest.mark.grade(function="svm_loss_naive", points=25, hint="check the regularization")
def test_svm_naive(student, reference):
    """svm_loss_naive matches the definition"""
    same(student, reference, "svm_loss_naive")


@pytest.mark.grade(function="svm_loss_vectorized", points=25)
def test_svm_vectorized(student, reference):
    """svm_loss_vectorized matches the definition"""
    same(student, reference, "svm_loss_vectorized")


@pytest.mark.grade(function="softmax_loss", points=20)
def test_softmax(student, reference):
    """softmax_loss matches the definition"""
    same(student, reference, "softmax_loss")


@pytest.mark.grade(function="softmax_loss", points=15)
def test_softmax_large_scores(student, reference):
    """softmax_loss stays finite on large scores"""
    same(student, reference, "softmax_loss", offset=300.0)


@pytest.mark.grade(function="sgd_step", points=15)
def test_sgd(student, reference):
    """sgd_step moves against the gradient"""
    W, dW = np.ones((2, 3)), np.full((2, 3), 2.0)
    assert np.allclose(student.sgd_step(W, dW, 0.25), reference.sgd_step(W, dW, 0.25)), "wrong step"
'''


def mini_root(tmp_path: Path, extra: str = "") -> Path:
    """A grader root: the real manifest and reference, MINI_SUITE (+ extra tests) as the hidden suite."""
    root = tmp_path / "root"
    for name in ("assignments", "reference"):
        shutil.copytree(DEFAULT_ROOT / name / "loss_optimization", root / name / "loss_optimization",
                        ignore=shutil.ignore_patterns("__pycache__", "tests"))
    suite = root / "hidden_tests" / "loss_optimization"
    suite.mkdir(parents=True)
    (suite / "test_mini.py").write_text(MINI_SUITE)
    if extra:
        (suite / "test_zz_extra.py").write_text(textwrap.dedent(extra))
    return root


def reference_copy(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in ("linear_svm.py", "softmax.py", "optim.py"):
        shutil.copyfile(DEFAULT_ROOT / "reference" / "loss_optimization" / name, folder / name)
    return folder


def grade_folder(folder: Path, assignment, tmp_path: Path, options=None, logs=None):
    [entry] = [e for e in discover(folder.parent).entries if e.student == folder.name]
    prepared = prepare(entry, tmp_path / f"work-{folder.name}", assignment)
    return grade_submission(prepared, assignment, options or GradeOptions(), entry=entry, logs_dir=logs)


def make_test(function, score, max_score, status="passed"):
    return Outcome(name="t", nodeid="n", function=function, score=score, max_score=max_score, status=status)


def test_function_scores_are_the_points_earned_never_rescaled():
    assignment = load_assignment("loss_optimization")
    tests = [make_test("svm_loss_naive", 2, 2), make_test("svm_loss_naive", 0, 2, "failed"), make_test("sgd_step", 1, 1)]
    scores = score_functions(assignment, tests)
    assert scores["svm_loss_naive"].score == 2  # not scaled up to the manifest's points
    assert scores["sgd_step"].score == 1
    assert scores["softmax_loss"].score == 0  # no test ran


def test_function_scores_never_exceed_the_manifest():
    assignment = load_assignment("loss_optimization")
    tests = [make_test("svm_loss_naive", 10, 10), make_test("softmax_loss", 80, 80)]
    scores = score_functions(assignment, tests)
    assert scores["svm_loss_naive"].score == 10  # the tests that never ran earn nothing
    assert scores["softmax_loss"].score == assignment.function("softmax_loss").points


def test_forged_test_entries_are_sanitized():
    raw = [
        {"name": "a", "nodeid": "a", "function": "sgd_step", "score": 1e9, "max_score": 1, "status": "passed"},
        {"name": "b", "nodeid": "b", "function": "sgd_step", "score": 5, "max_score": 5, "status": "weird"},
        {"name": "c", "nodeid": "c", "function": "sgd_step", "score": "x", "max_score": 1, "status": "passed"},
        {"name": "d", "nodeid": "d", "function": "sgd_step", "score": float("nan"), "max_score": 1,
         "status": "passed"},
        "not a dict",
    ]
    tests = parse_tests(raw)
    assert [(t.name, t.score, t.status) for t in tests] == [("a", 1.0, "passed"), ("b", 0.0, "failed")]
    assert parse_tests({"tests": "no list"}) == []


def test_reference_gets_full_marks_and_a_mistake_costs_its_function(tmp_path):
    assignment = load_assignment("loss_optimization", mini_root(tmp_path))
    good = grade_folder(reference_copy(tmp_path / "subs" / "ref"), assignment, tmp_path)
    assert good.error == "" and good.score == good.max_score == assignment.max_score
    assert all(t.passed for t in good.tests) and good.sandbox
    wrong = tmp_path / "subs" / "wrong"
    reference_copy(wrong)
    (wrong / "optim.py").write_text("def sgd_step(W, dW, learning_rate):\n    return W + learning_rate * dW\n")
    result = grade_folder(wrong, assignment, tmp_path)
    lost = {name for name, fs in result.functions.items() if fs.score < fs.max_score}
    assert lost == {"sgd_step"}
    [failed] = [t for t in result.tests if not t.passed]
    assert failed.function == "sgd_step" and failed.output


def test_overridden_limits_reach_the_suite(tmp_path):
    extra = '''
    import pytest

    @pytest.mark.grade(function="sgd_step", points=0)
    def test_limits_seen(assignment):
        """limits seen"""
        assert assignment.limits.memory_mb == 777 and assignment.limits.submission_timeout_s == 42
    '''
    assignment = load_assignment("loss_optimization", mini_root(tmp_path, extra))
    result = grade_folder(reference_copy(tmp_path / "subs" / "ref"), assignment, tmp_path,
                          GradeOptions(timeout_s=42, memory_mb=777))
    assert [t.status for t in result.tests if t.name == "limits seen"] == ["passed"]


def test_time_limit_keeps_the_tests_that_finished(tmp_path):
    extra = '''
    import time
    import pytest

    @pytest.mark.grade(function="sgd_step", points=0)
    def test_zz_hangs():
        """never ends"""
        time.sleep(600)
    '''
    assignment = load_assignment("loss_optimization", mini_root(tmp_path, extra))
    result = grade_folder(reference_copy(tmp_path / "subs" / "ref"), assignment, tmp_path,
                          GradeOptions(timeout_s=10))
    assert "time limit" in result.error and result.duration_s < 60
    assert "never ends" not in {t.name for t in result.tests}  # interrupted, so never recorded as run
    assert result.functions["svm_loss_naive"].score == result.functions["svm_loss_naive"].max_score
    for name, fs in result.functions.items():  # the tests that finished keep their points
        assert fs.score == sum(t.score for t in result.tests if t.function == name)


def test_a_crashed_run_scores_zero_with_a_reason_and_a_log(tmp_path):
    extra = '''
    import os
    import signal

    import pytest

    @pytest.mark.grade(function="sgd_step", points=0)
    def test_dies():
        os.kill(os.getpid(), signal.SIGKILL)
    '''
    assignment = load_assignment("loss_optimization", mini_root(tmp_path, extra))
    logs = tmp_path / "logs"
    result = grade_folder(reference_copy(tmp_path / "subs" / "ref"), assignment, tmp_path, logs=logs)
    assert "grading crashed (killed by SIGKILL)" in result.error
    assert result.score == 0 and all(fs.score == 0 for fs in result.functions.values())
    assert (logs / "ref.log").is_file()


def test_batch_survives_broken_submissions_and_resumes(tmp_path):
    assignment = load_assignment("loss_optimization", mini_root(tmp_path))
    subs = tmp_path / "subs"
    reference_copy(subs / "ann")
    reference_copy(subs / "ben")
    (subs / "ben" / "softmax.py").write_text("def softmax_loss(W, X, y, reg):\n    return 0.0, W\n")
    (subs / "cat.ipynb").write_text("{broken")
    (subs / "dan").mkdir()
    out = tmp_path / "out"
    seen = []
    results = grade_batch(discover(subs).entries, assignment, out, jobs=2, progress_callback=seen.append)
    by_id = {r.student: r for r in results}
    assert list(by_id) == ["ann", "ben", "cat", "dan"]
    assert by_id["ann"].score == assignment.max_score
    assert {n for n, fs in by_id["ben"].functions.items() if fs.score < fs.max_score} == {"softmax_loss"}
    assert by_id["cat"].error.startswith("cat.ipynb: not a valid notebook")
    assert by_id["dan"].error and by_id["dan"].score == 0
    assert seen[-1].done == seen[-1].total == 4 and seen[-1].failures == 2
    for student in by_id:
        assert json.loads((out / "results" / f"{student}.json").read_text())["student"] == student
        assert (out / "feedback" / f"{student}.md").is_file()
    assert (out / "grades.csv").is_file()

    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()}
    (subs / "ben" / "softmax.py").write_text((subs / "ann" / "softmax.py").read_text())
    again = grade_batch(discover(subs).entries, assignment, out)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir() if p.name != "ben.json"} == {
        k: v for k, v in stamps.items() if k != "ben.json"}
    assert (out / "results" / "ben.json").stat().st_mtime_ns != stamps["ben.json"]
    assert {r.student: r.score for r in again}["ben"] == assignment.max_score

    grade_batch(discover(subs).entries, assignment, out, only=["ann"], force=True)
    assert (out / "results" / "ann.json").stat().st_mtime_ns != stamps["ann.json"]
    assert (out / "results" / "dan.json").stat().st_mtime_ns == stamps["dan.json"]
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + 4  # --only regrades one student; the class reports still cover everyone


def test_unknown_only_student_is_refused(tmp_path):
    assignment = load_assignment("loss_optimization", mini_root(tmp_path))
    reference_copy(tmp_path / "subs" / "ann")
    with pytest.raises(SelectionError, match="no submission for 'zed'"):
        grade_batch(discover(tmp_path / "subs").entries, assignment, tmp_path / "out", only=["zed"])


def test_without_fork_a_fresh_pytest_process_grades_the_same(tmp_path, monkeypatch):
    assignment = load_assignment("loss_optimization", mini_root(tmp_path))
    subs = tmp_path / "subs"
    reference_copy(subs / "ref")
    (subs / "ref" / "softmax.py").write_text("def softmax_loss(W, X, y, reg):\n    return 0.0, W\n")
    forked = grade_folder(subs / "ref", assignment, tmp_path)
    monkeypatch.setattr("grader.grading.child.multiprocessing.get_all_start_methods", lambda: ["spawn"])
    spawned = grade_folder(subs / "ref", assignment, tmp_path / "spawned")
    assert spawned.error == "" and spawned.functions == forked.functions
    assert spawned.functions["softmax_loss"].score == 0 < spawned.score


def test_notebook_remarks_reach_the_result_and_the_rest_is_graded(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    assignment = load_assignment("loss_optimization", mini_root(tmp_path))
    reference = DEFAULT_ROOT / "reference" / "loss_optimization"
    cells = [new_code_cell((reference / name).read_text()) for name in ("linear_svm.py", "optim.py")]
    cells.append(new_code_cell("def softmax_loss(W, X, y, reg):\n    return (0.0, W"))
    (tmp_path / "subs").mkdir()
    nbformat.write(new_notebook(cells=cells), str(tmp_path / "subs" / "nina.ipynb"))
    [entry] = discover(tmp_path / "subs").entries
    result = grade_submission(prepare(entry, tmp_path / "work", assignment), assignment, entry=entry)
    assert "nina.ipynb: code cell 3 does not parse" in result.error
    assert {n for n, fs in result.functions.items() if fs.score < fs.max_score} == {"softmax_loss"}


def test_a_ctrl_c_held_during_fork_kills_the_new_child_and_prints_nothing(tmp_path, monkeypatch, capfd):
    """A Ctrl-C that arrives while fork holds signals is raised before any job owns the child: the child
    must die then (not outlive its removed folder) and never write to the grader's own streams."""
    started = {}
    real_start = multiprocessing.get_context("fork").Process.start

    def start_then_ctrl_c(process):
        real_start(process)
        started["process"] = process
        os.kill(os.getpid(), signal.SIGINT)  # pending: start_child blocks it around the fork

    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", start_then_ctrl_c)
    workdir = tmp_path / "work"
    workdir.mkdir()
    with pytest.raises(KeyboardInterrupt):
        start_child(["--version"], workdir / "pytest.log", workdir)
    shutil.rmtree(workdir)  # what the batch's cleanup does next
    process = started["process"]
    process.join(timeout=10)
    assert not process.is_alive()
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_limits_only_root_changes_the_limits_table_and_nothing_else(tmp_path):
    """The helper tests/test_hostile.py grades under: its root must differ from the real one only in limits."""
    from limited_root import root_with_limits

    from grader.assignment import Limits

    real = load_assignment("loss_optimization")
    limits = Limits(call_timeout_s=3.0, submission_timeout_s=42.0, cpu_s=9, memory_mb=777, output_kb=8)
    limited = load_assignment("loss_optimization", root_with_limits(real, limits, tmp_path))
    assert limited.limits == limits and limited.limits != real.limits
    assert (limited.functions, limited.seed, limited.title) == (real.functions, real.seed, real.title)
