"""The README's main job, for real: `grader grade examples/submissions` with the real hidden suite and
the sandbox. Every demo student loses points exactly on the functions they got wrong, and grading
again gives the same scores."""

import json
import re
import shutil
import subprocess

import pytest
from test_cli_grade import GRADER, STUDENTS, read_results
from test_grading import EXAMPLES

from grader.assignment import assignment_names, load_assignment

pytestmark = pytest.mark.slow

ASSIGNMENT = load_assignment("loss_optimization")
if not any(ASSIGNMENT.hidden_tests_dir.glob("test_*.py")):
    pytest.skip("the hidden suite has no tests yet", allow_module_level=True)


#: Tests that measure wall time: this shared machine's load can move them, so verdicts leave them out.
TIMED = re.compile(r"faster than", re.IGNORECASE)


def lost(result: dict) -> set:
    """The functions a results.json gives less than full marks on its untimed tests."""
    short = {}
    for test in result["tests"]:
        if not TIMED.search(test["name"]):
            short[test["function"]] = short.get(test["function"], 0.0) + test["max_score"] - test["score"]
    return {name for name, missing in short.items() if missing > 0} | {
        name for name in result["functions"] if name not in short}


@pytest.fixture
def graded(demo_class):
    """The demo class graded by `grader grade ... --timeout 60 --jobs 2 --json`: (CompletedProcess, reports)."""
    return demo_class


def test_the_class_is_graded(graded):
    proc, out = graded
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    summary = json.loads(proc.stdout)
    assert [s["student"] for s in summary["students"]] == STUDENTS
    for student in STUDENTS:
        assert (out / "feedback" / f"{student}.md").is_file()
    assert all(r["sandbox"] for r in read_results(out).values())


def test_each_student_loses_points_on_the_right_functions(graded):
    results = read_results(graded[1])
    assert lost(results["alice"]) == set() and results["alice"]["error"] == ""
    assert results["alice"]["max_score"] == ASSIGNMENT.max_score
    assert lost(results["bob"]) == {"svm_loss_naive", "svm_loss_vectorized", "softmax_loss"}
    assert {"svm_loss_naive", "svm_loss_vectorized"}.isdisjoint(lost(results["carol"]))
    assert "sgd_step" in lost(results["carol"])
    assert lost(results["dave"]) == {"sgd_step"}
    assert lost(results["erin"]) == {"svm_loss_vectorized", "softmax_loss", "sgd_step"}
    assert lost(results["frank"]) == set() and results["frank"]["error"] == ""  # CS231n's collectSubmission zip
    assert {"svm_loss_naive", "svm_loss_vectorized", "softmax_loss"} <= lost(results["mallory"])
    assert "sgd_step" not in lost(results["mallory"])


def test_feedback_names_the_problem_without_the_suite_source(graded):
    out = graded[1]
    erin = (out / "feedback" / "erin.md").read_text()
    assert "softmax.py" in erin and "optim.py" in erin
    suite_lines = {line.strip() for path in ASSIGNMENT.hidden_tests_dir.glob("*.py")
                   for line in path.read_text().splitlines() if len(line.strip()) > 40}
    for student in STUDENTS:
        text = (out / "feedback" / f"{student}.md").read_text()
        assert not [line for line in suite_lines if line in text]


def test_grading_again_gives_the_same_scores(graded, tmp_path):
    first = read_results(graded[1])
    out = tmp_path / "again"
    proc = subprocess.run([GRADER, "grade", "--assignment", "loss_optimization", str(EXAMPLES), "-o", str(out), "--only", "bob", "--only", "dave",
                           "--quiet"], check=False, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and proc.stdout == ""
    for student, again in read_results(out).items():
        assert [(t["nodeid"], t["status"]) for t in again["tests"] if not TIMED.search(t["name"])] == [
            (t["nodeid"], t["status"]) for t in first[student]["tests"] if not TIMED.search(t["name"])]


#: The optimization assignment's demo class: Ada (correct, written differently from the reference), Ben
#: (Adam without the bias correction, the rest right) and Chen (CS231n's own optim.py layout, unedited).
OPTIMIZATION = load_assignment("optimization")
OPTIMIZATION_EXAMPLES = EXAMPLES.parent / "optimization" / "submissions"


@pytest.fixture(scope="module")
def graded_optimization(tmp_path_factory):
    out = tmp_path_factory.mktemp("optimization") / "reports"
    proc = subprocess.run([GRADER, "grade", "--assignment", "optimization", str(OPTIMIZATION_EXAMPLES), "-o", str(out),
                           "--jobs", "2", "--json"], check=False, capture_output=True, text=True, timeout=900)
    return proc, out


def test_the_optimization_class_loses_points_only_where_wrong(graded_optimization):
    proc, out = graded_optimization
    assert proc.returncode == 0, proc.stderr
    assert [s["student"] for s in json.loads(proc.stdout)["students"]] == ["ada", "ben", "chen"]
    results = read_results(out)
    assert all(r["sandbox"] for r in results.values())
    for student in ("ada", "chen"):
        assert lost(results[student]) == set() and results[student]["error"] == ""
        assert results[student]["score"] == results[student]["max_score"] == OPTIMIZATION.max_score
    assert lost(results["ben"]) == {"adam"}
    assert "bias correction" in (out / "feedback" / "ben.md").read_text()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("chosen", [None, "optimization", "loss_optimization"])
def test_make_grade_grades_every_demo_class_or_the_one_asked_for(chosen):
    """`make grade` loops over every assignment (each demo class, the first one's also in Korean);
    `make grade ASSIGNMENT=name` over that one only. Checked on make's dry run (-n): nothing is graded."""
    proc = subprocess.run(["make", "-n", "grade", *([f"ASSIGNMENT={chosen}"] if chosen else [])],
                          cwd=EXAMPLES.parent.parent, check=False, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    looped = [chosen] if chosen else sorted(assignment_names())
    assert f"for a in {' '.join(looped)}; do" in proc.stdout, proc.stdout
