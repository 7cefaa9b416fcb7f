"""`grader grade` end to end: the demo class, resume after a killed run, --force/--only/--shard, bad
arguments, determinism, output modes. Uses the stand-in suite of test_grading.py (fast); the real
hidden suite runs in test_cli_grade_examples.py."""

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_grading import EXAMPLES, mini_root, reference_copy

from grader.cli import main

GRADER = str(Path(sys.executable).parent / "grader")
STUDENTS = ["alice", "bob", "carol", "dave", "erin", "frank", "mallory"]
SLOW_TEST = '''
import time
import pytest

@pytest.mark.grade(function="sgd_step", points=0)
def test_slow():
    """takes a while"""
    time.sleep(1.5)
'''


def lost(result: dict) -> set:
    """The functions a results.json gives less than full marks."""
    return {name for name, fs in result["functions"].items() if fs["score"] < fs["max_score"]}


def read_results(out: Path) -> dict:
    return {p.stem: json.loads(p.read_text()) for p in (out / "results").glob("*.json")}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return mini_root(tmp_path_factory.mktemp("suite"))


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    """Five quick students: reference copies, one with a wrong sgd_step, one notebook."""
    subs = tmp_path_factory.mktemp("class")
    for name in ("ann", "ben", "cal", "dee"):
        reference_copy(subs / name)
    (subs / "ben" / "optim.py").write_text("def sgd_step(W, dW, learning_rate):\n    return W - dW\n")
    shutil.copyfile(EXAMPLES / "carol.ipynb", subs / "eve.ipynb")
    return subs


@pytest.fixture(scope="module")
def graded_examples(root, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "reports"
    run = CliRunner().invoke(main, ["grade", "--assignment", "loss_optimization", str(EXAMPLES), "-o", str(out), "--root", str(root),
                                    "--timeout", "20", "--jobs", "2"])
    return run, out


def test_examples_exit_zero_with_reports_for_everyone(graded_examples):
    run, out = graded_examples
    assert run.exit_code == 0, run.output
    for student in STUDENTS:
        assert (out / "results" / f"{student}.json").is_file()
        assert (out / "feedback" / f"{student}.md").is_file()
    for name in ("grades.csv", "junit.xml", "summary.html"):
        assert (out / name).is_file()
    table = run.stdout.splitlines()
    assert table[0].split()[:2] == ["student", "total"] and "softmax_loss" in table[0]
    assert [line.split()[0] for line in table[1:1 + len(STUDENTS)]] == STUDENTS


def test_examples_lose_points_on_the_right_functions(graded_examples):
    results = read_results(graded_examples[1])
    assert lost(results["alice"]) == set() and results["alice"]["error"] == ""
    assert results["alice"]["score"] == results["alice"]["max_score"]
    assert lost(results["bob"]) == {"svm_loss_naive", "svm_loss_vectorized", "softmax_loss"}
    assert lost(results["carol"]) == {"sgd_step"}  # the notebook: definitions graded, training never ran
    assert {"svm_loss_naive", "svm_loss_vectorized", "softmax_loss"}.isdisjoint(lost(results["dave"]))
    assert {"svm_loss_vectorized", "softmax_loss", "sgd_step"} <= lost(results["erin"])
    assert lost(results["frank"]) == set() and results["frank"]["error"] == ""  # CS231n's own layout and names
    assert {"svm_loss_naive", "svm_loss_vectorized", "softmax_loss"} <= lost(results["mallory"])
    assert "sgd_step" not in lost(results["mallory"])  # partial credit survives a hostile neighbour file


def test_json_summary_from_a_real_process_and_resume(root, graded_examples):
    out = graded_examples[1]
    before = {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()}
    proc = subprocess.run([GRADER, "grade", "--assignment", "loss_optimization", str(EXAMPLES), "-o", str(out), "--root", str(root),
                           "--timeout", "20", "--json"], check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert [s["student"] for s in summary["students"]] == STUDENTS
    assert all(s["status"] in ("graded", "partly graded", "not graded") for s in summary["students"])
    assert all((s["status"] == "graded") == (not s["error"]) for s in summary["students"])
    assert summary["up_to_date"] == len(STUDENTS) and summary["graded"] == 0
    assert {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()} == before
    assert "Traceback" not in proc.stderr


def wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


@pytest.mark.parametrize("how", ["kill", "ctrl-c", "sigterm"])
def test_a_killed_run_resumes_without_regrading(tmp_path, small_class, how):
    root = mini_root(tmp_path, SLOW_TEST)
    out = tmp_path / "out"
    argv = [GRADER, "grade", "--assignment", "loss_optimization", str(small_class), "-o", str(out), "--root", str(root), "--json"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        wait_for(lambda: any((out / "results").glob("*.json")))
        if how == "kill":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGINT if how == "ctrl-c" else signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    if how != "kill":
        assert proc.returncode == 130, err
        assert "interrupted" in err and "run the same command again" in err and "Traceback" not in err, err
    first = {p.name: (p.stat().st_mtime_ns, json.loads(p.read_text())["content_hash"])
             for p in (out / "results").glob("*.json")}
    assert 1 <= len(first) < 5, first

    rerun = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert len(summary["students"]) == 5 and summary["up_to_date"] == len(first), (summary, first)
    after = {p.name: (p.stat().st_mtime_ns, json.loads(p.read_text())["content_hash"])
             for p in (out / "results").glob("*.json")}
    assert {k: after[k] for k in first} == first  # finished results were not regraded
    assert not list((out / "results").glob(".*.tmp"))


def test_force_regrades_and_grading_is_deterministic(tmp_path, root, small_class):
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["grade", "--assignment", "loss_optimization", str(small_class), "-o", str(out), "--root", str(root)]).exit_code == 0
    first = read_results(out)
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()}
    run = runner.invoke(main, ["grade", "--assignment", "loss_optimization", str(small_class), "-o", str(out), "--root", str(root), "--force",
                               "--json", "--jobs", "2"])
    assert run.exit_code == 0
    assert json.loads(run.stdout)["up_to_date"] == 0
    assert all(p.stat().st_mtime_ns != stamps[p.name] for p in (out / "results").iterdir())
    second = read_results(out)

    def facts(results):
        return {s: (r["score"], r["functions"], [(t["nodeid"], t["status"], t["score"]) for t in r["tests"]])
                for s, r in results.items()}

    assert facts(first) == facts(second)
    assert lost(first["ben"]) == {"sgd_step"} and lost(first["eve"]) == {"sgd_step"}


def test_out_inside_submissions_is_not_a_student(tmp_path, root):
    subs = tmp_path / "subs"
    reference_copy(subs / "ann")
    for _ in range(2):
        run = CliRunner().invoke(main, ["grade", "--assignment", "loss_optimization", str(subs), "-o", str(subs / "reports"), "--root", str(root),
                                        "--json"])
        assert run.exit_code == 0
        assert [s["student"] for s in json.loads(run.stdout)["students"]] == ["ann"]


def test_requested_sandbox_level_reaches_the_results(tmp_path, root, small_class):
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["grade", "--assignment", "loss_optimization", str(small_class), "-o", str(out), "--root", str(root),
                                    "--only", "ann", "--sandbox", "1", "--quiet"])
    assert run.exit_code == 0
    assert read_results(out)["ann"]["sandbox"].startswith("level 1")


def test_only_grades_the_named_students(tmp_path, root, small_class):
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["grade", "--assignment", "loss_optimization", str(small_class), "-o", str(out), "--root", str(root),
                                    "--only", "ben", "--only", "eve", "--json"])
    assert run.exit_code == 0
    assert [s["student"] for s in json.loads(run.stdout)["students"]] == ["ben", "eve"]
    assert sorted(p.stem for p in (out / "results").iterdir()) == ["ben", "eve"]


def test_shards_partition_the_class(tmp_path, root, small_class):
    seen = []
    for i in (1, 2, 3):
        out = tmp_path / f"out-{i}"
        run = CliRunner().invoke(main, ["grade", "--assignment", "loss_optimization", str(small_class), "-o", str(out), "--root", str(root),
                                        "--shard", f"{i}/3", "--quiet"])
        assert run.exit_code == 0 and run.output == ""
        seen.append(sorted(p.stem for p in (out / "results").iterdir()))
    assert sorted(s for part in seen for s in part) == ["ann", "ben", "cal", "dee", "eve"]
    assert max(map(len, seen)) - min(map(len, seen)) <= 1


@pytest.mark.parametrize("args, message", [
    (["{missing}", "-o", "{out}"], "no such folder"),
    (["{file}", "-o", "{out}"], "not a folder"),
    (["{subs}", "-o", "{out}", "--shard", "4/3"], "I must be between 1 and 3"),
    (["{subs}", "-o", "{out}", "--shard", "half"], "expected I/N"),
    (["{subs}", "-o", "{out}", "--only", "zed"], "no submission for 'zed'"),
    (["{subs}", "-o", "{out}", "--assignment", "nope"], "no such manifest"),
    (["{subs}", "-o", "{out}", "--jobs", "0"], "--jobs"),
    (["{subs}", "-o", "{out}", "--timeout", "-1"], "--timeout"),
    (["{subs}"], "-o"),
    (["{subs}", "-o", "{out}", "--sandbox", "7"], "--sandbox"),
    (["{subs}", "-o", "{out}", "--root", "{empty_root}"], "no hidden tests"),
])
def test_bad_arguments_fail_with_one_line(tmp_path, root, args, message):
    subs = tmp_path / "subs"
    reference_copy(subs / "ann")
    (tmp_path / "file").write_text("")
    empty_root = mini_root(tmp_path)
    shutil.rmtree(empty_root / "hidden_tests" / "loss_optimization")
    (empty_root / "hidden_tests" / "loss_optimization").mkdir()
    names = {"missing": tmp_path / "missing", "file": tmp_path / "file", "subs": subs, "out": tmp_path / "out",
             "empty_root": empty_root}
    argv = ["grade", "--root", str(root), *[a.format(**names) for a in args]]
    run = CliRunner().invoke(main, argv)
    assert run.exit_code != 0
    errors = [line for line in run.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], run.output
    assert "Traceback" not in run.output and run.exception is None or isinstance(run.exception, SystemExit)


def test_unreadable_folder_from_a_real_process(tmp_path):
    proc = subprocess.run([GRADER, "grade", "--assignment", "loss_optimization", str(tmp_path / "missing"), "-o", str(tmp_path / "out")],
                          check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [f"Error: {tmp_path / 'missing'}: no such folder"]


def test_no_color_is_respected(tmp_path, root, small_class):
    argv = ["grade", str(small_class), "-o", str(tmp_path / "out"), "--root", str(root), "--only", "ann"]
    colored = CliRunner().invoke(main, argv, color=True, env={"NO_COLOR": None})
    assert "\x1b[" in colored.output
    plain = CliRunner().invoke(main, argv, color=True, env={"NO_COLOR": "1"})
    assert plain.exit_code == 0 and "\x1b[" not in plain.output and "ann" in plain.output


def test_help_shows_examples():
    run = CliRunner().invoke(main, ["grade", "--assignment", "loss_optimization", "--help"])
    assert run.exit_code == 0 and "Examples:" in run.output and "--shard I/N" in run.output


def test_an_internal_error_is_one_line_too(tmp_path, root, small_class, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sys.modules["grader.commands.grade"], "grade_batch", broken)
    gc.collect()  # finalizers of earlier tests' objects must not print into this run's output
    run = CliRunner().invoke(main, ["grade", "--assignment", "loss_optimization", str(small_class), "-o", str(tmp_path / "out"), "--root", str(root)])
    assert run.exit_code == 1 and "Traceback" not in run.output
    expected = ("Error: grading stopped by an internal error (RuntimeError: boom); 0 finished results kept in "
                f"{tmp_path / 'out'}")
    assert run.output.strip().splitlines() == [expected]
