"""`grader merge`: shard outputs combine into the reports of one run; conflicts are clear errors."""

import csv
import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.assignment import DEFAULT_ROOT, load_assignment
from grader.cli import main
from grader.grading.batch import feedback_messages
from grader.merge import MergeError, merge_outputs
from grader.reports import write_class_reports, write_student_reports
from grader.reports.tables import score_table_markdown
from grader.results import FunctionScore, SubmissionResult
from grader.results import TestResult as HiddenTestResult

NAME = "loss_optimization"

#: A tiny hidden suite (one property per function) so the end-to-end test is fast and stands alone.
MINI_SUITE = textwrap.dedent('''
    import numpy as np
    import pytest


    def problem():
        rng = np.random.default_rng(0)
        return rng.normal(size=(5, 3)), rng.normal(size=(4, 5)), np.array([0, 2, 1, 2])


    @pytest.mark.grade(function="svm_loss_naive", points=25)
    def test_svm_naive(student, reference):
        """svm_loss_naive matches the reference"""
        W, X, y = problem()
        np.testing.assert_allclose(student.svm_loss_naive(W, X, y, 0.1)[1], reference.svm_loss_naive(W, X, y, 0.1)[1])


    @pytest.mark.grade(function="svm_loss_vectorized", points=25)
    def test_svm_vectorized(student, reference):
        """svm_loss_vectorized matches the reference"""
        W, X, y = problem()
        got = student.svm_loss_vectorized(W, X, y, 0.1)[1]
        np.testing.assert_allclose(got, reference.svm_loss_vectorized(W, X, y, 0.1)[1])


    @pytest.mark.grade(function="softmax_loss", points=35)
    def test_softmax(student, reference):
        """softmax_loss matches the reference"""
        W, X, y = problem()
        np.testing.assert_allclose(student.softmax_loss(W, X, y, 0.1)[0], reference.softmax_loss(W, X, y, 0.1)[0])


    @pytest.mark.grade(function="sgd_step", points=15)
    def test_sgd(student, reference):
        """sgd_step moves against the gradient"""
        W, _, _ = problem()
        np.testing.assert_allclose(student.sgd_step(W, W * 2, 0.1), reference.sgd_step(W, W * 2, 0.1))
''')


def mini_root(tmp_path: Path) -> Path:
    """A grader root with this assignment's kit and reference and MINI_SUITE as its hidden tests."""
    root = tmp_path / "root"
    for part in ("assignments", "reference"):
        shutil.copytree(DEFAULT_ROOT / part / NAME, root / part / NAME,
                        ignore=shutil.ignore_patterns("__pycache__", "tests", "notebook", "*.ipynb"))
    (root / "hidden_tests" / NAME).mkdir(parents=True)
    (root / "hidden_tests" / NAME / "test_mini.py").write_text(MINI_SUITE)
    return root


def small_class(tmp_path: Path) -> Path:
    """Five students: correct, all stubs, a wrong sgd_step, a missing softmax.py, a second correct one."""
    subs = tmp_path / "subs"
    ref, kit = DEFAULT_ROOT / "reference" / NAME, DEFAULT_ROOT / "assignments" / NAME
    files = ("linear_svm.py", "softmax.py", "optim.py")
    for student, source in (("alice", ref), ("bob", kit), ("carol", ref), ("dave", ref), ("erin", ref)):
        (subs / student).mkdir(parents=True)
        for name in files:
            shutil.copy(source / name, subs / student / name)
    optim = subs / "carol" / "optim.py"
    optim.write_text(optim.read_text().replace("W - learning_rate * dW", "W + learning_rate * dW"))
    (subs / "dave" / "softmax.py").unlink()
    return subs


def grades_rows(out: Path) -> list[dict]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def scores(out: Path) -> dict:
    found = {}
    for path in (out / "results").glob("*.json"):
        data = json.loads(path.read_text())
        found[data["student"]] = (data["score"], data["functions"], sorted(
            (t["nodeid"], t["status"], t["score"]) for t in data["tests"]))
    return found


@pytest.mark.slow
def test_sharded_then_merged_equals_graded_at_once(tmp_path):
    root, subs = mini_root(tmp_path), small_class(tmp_path)
    runner = CliRunner()
    common = ["--root", str(root), "--quiet"]
    assert runner.invoke(main, ["grade", "--assignment", "loss_optimization", str(subs), "-o", str(tmp_path / "all"),
                                "--lang", "ko", *common]).exit_code == 0
    for i in (1, 2, 3):
        result = runner.invoke(main, ["grade", "--assignment", "loss_optimization", str(subs), "-o", str(tmp_path / f"shard-{i}"), "--shard", f"{i}/3",
                                      *common])
        assert result.exit_code == 0, result.output
    shards = [str(tmp_path / f"shard-{i}") for i in (1, 2, 3)]
    assert all(len(list((tmp_path / f"shard-{i}" / "results").glob("*.json"))) < 5 for i in (1, 2, 3))
    merged = runner.invoke(main, ["merge", "--assignment", "loss_optimization", *shards, "-o", str(tmp_path / "merged"),
                                  "--root", str(root), "--lang", "ko"])
    assert merged.exit_code == 0, merged.output
    assert "merged 5 students from 3 shards" in merged.output

    at_once = scores(tmp_path / "all")
    assert set(at_once) == {"alice", "bob", "carol", "dave", "erin"}
    assert at_once["alice"][0] == 100 and at_once["bob"][0] == 0 and 0 < at_once["carol"][0] < 100
    assert scores(tmp_path / "merged") == at_once
    assert grades_rows(tmp_path / "merged") == grades_rows(tmp_path / "all")
    for name in ("junit.xml", "summary.html"):
        assert (tmp_path / "merged" / name).is_file()
    assert sorted(p.name for p in (tmp_path / "merged" / "feedback").iterdir()) == \
        sorted(p.name for p in (tmp_path / "all" / "feedback").iterdir())
    # the shards wrote English feedback; merge --lang ko writes what grade --lang ko wrote
    for path in (tmp_path / "all" / "feedback").iterdir():
        assert (tmp_path / "merged" / "feedback" / path.name).read_text() == path.read_text()
    assert "총점" in (tmp_path / "merged" / "feedback" / "carol.md").read_text()


def fake_result(student: str, score: float, content_hash: str = "h") -> SubmissionResult:
    """A hand-made graded result (no grading run), consistent with the manifest's functions."""
    assignment = load_assignment(NAME)
    functions = {spec.name: FunctionScore(spec.points, spec.points) for spec in assignment.functions}
    functions["sgd_step"] = FunctionScore(score - 85.0, 15.0)
    tests = [HiddenTestResult(name="sgd works", nodeid="t::sgd", function="sgd_step", score=score - 85.0,
                        max_score=15.0, status="passed" if score == 100 else "failed")]
    return SubmissionResult(student=student, assignment=NAME, score=score, max_score=100.0, tests=tests,
                            functions=functions, content_hash=content_hash, duration_s=score / 100)


def shard_dir(path: Path, *results: SubmissionResult) -> Path:
    for result in results:
        write_student_reports(result, path)
    write_class_reports(list(results), load_assignment(NAME), path)
    return path


def test_conflicting_duplicates_are_a_clear_error_and_identical_ones_merge(tmp_path):
    assignment = load_assignment(NAME)
    one = shard_dir(tmp_path / "one", fake_result("alice", 100), fake_result("bob", 90))
    same = shard_dir(tmp_path / "same", fake_result("bob", 90))
    merged = merge_outputs([one, same], tmp_path / "ok", assignment)
    assert [r.student for r in merged.results] == ["alice", "bob"]
    assert [row["student"] for row in grades_rows(tmp_path / "ok")] == ["alice", "bob"]

    other = shard_dir(tmp_path / "other", fake_result("bob", 85, content_hash="h2"))
    result = CliRunner().invoke(main, ["merge", "--assignment", "loss_optimization", str(one), str(other), "-o", str(tmp_path / "bad")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "bob is in" in result.output and "different results" in result.output
    assert not (tmp_path / "bad" / "grades.csv").exists()


def test_missing_unreadable_foreign_and_stale_inputs_are_reported(tmp_path):
    assignment = load_assignment(NAME)
    good = shard_dir(tmp_path / "good", fake_result("alice", 100))
    broken = shard_dir(tmp_path / "broken", fake_result("bob", 90))
    (broken / "results" / "bob.json").write_text("{not json")
    foreign = fake_result("carol", 100)
    foreign.assignment = "another_assignment"
    shard_dir(tmp_path / "foreign", foreign)
    with pytest.raises(MergeError) as caught:
        merge_outputs([good, tmp_path / "nowhere", broken, tmp_path / "foreign"], tmp_path / "out", assignment)
    message = str(caught.value)
    assert "nowhere: no results/ folder" in message and "bob.json: unreadable" in message
    assert "'another_assignment'" in message

    shard_dir(tmp_path / "old", fake_result("zoe", 50 + 85))
    with pytest.raises(MergeError, match="zoe"):
        merge_outputs([good], tmp_path / "old", assignment)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_merge_writes_the_feedback_in_the_chosen_language_as_grade_does(tmp_path, lang):
    assignment = load_assignment(NAME)
    results = (fake_result("alice", 100), fake_result("bob", 90))
    shard = tmp_path / "shard"
    for result in results:  # the shard's feedback is in the other language
        write_student_reports(result, shard, feedback_messages(assignment, "en" if lang == "ko" else "ko"))
    run = CliRunner().invoke(main, ["merge", "--assignment", NAME, str(shard), "-o", str(tmp_path / "out"),
                                    "--lang", lang])
    assert run.exit_code == 0, run.output
    for result in results:  # what `grader grade --lang` writes for the same result
        write_student_reports(result, tmp_path / "graded", feedback_messages(assignment, lang))
        merged = (tmp_path / "out" / "feedback" / f"{result.student}.md").read_text(encoding="utf-8")
        assert merged == (tmp_path / "graded" / "feedback" / f"{result.student}.md").read_text(encoding="utf-8")
        assert merged != (shard / "feedback" / f"{result.student}.md").read_text(encoding="utf-8")
    bob = (tmp_path / "out" / "feedback" / "bob.md").read_text(encoding="utf-8")
    korean = {"총점: 90 / 100점", "성립하지 않은 성질", "(-10점)"}
    english = {"Total: 90 / 100 points", "Properties that failed", "(-10 points)"}
    assert all(line in bob for line in (korean if lang == "ko" else english)), bob
    assert not any(line in bob for line in (english if lang == "ko" else korean)), bob


def test_markdown_score_table_lists_every_student():
    assignment = load_assignment(NAME)
    broken = fake_result("bob", 85)
    broken.error = "could not import softmax.py | SyntaxError"
    text = score_table_markdown([fake_result("alice", 100), broken], assignment)
    lines = text.splitlines()
    assert "2 submissions: 1 graded, 1 partly graded, 0 not graded. Mean 92.5, median 92.5 of 100" in text
    assert lines[4].count("|") == lines[5].count("|") == lines[6].count("|") == len(assignment.functions) + 4
    assert "| alice | 100 / 100 | 25 | 25 | 35 | 15 | graded |" in lines
    assert "| partly graded: could not import softmax.py / SyntaxError |" in text
