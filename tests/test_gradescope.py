"""`grader export gradescope`: the zip holds what Gradescope runs, and run_autograder, unpacked into a
temporary AUTOGRADER_ROOT, grades correct, wrong and notebook submissions into results.json with
the visibility asked for."""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from test_merge import fake_result, mini_root

from grader.assignment import DEFAULT_ROOT, load_assignment
from grader.cli import main
from grader.gradescope.results_json import VisibilityPolicy, gradescope_results
from grader.results import VISIBILITIES

NAME = "loss_optimization"
GRADESCOPE_TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output",
                        "output_format", "tags", "visibility", "extra_data"}
GRADESCOPE_TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format",
                       "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}


def test_zip_has_the_scripts_the_grader_and_the_assignment_without_caches(tmp_path):
    result = CliRunner().invoke(main, ["export", "gradescope", "--assignment", "loss_optimization", "-o", str(tmp_path / "autograder.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        config = json.loads(archive.read("gradescope.json"))
        manifest = archive.read(f"assignments/{NAME}/assignment.toml").decode()
    for script in ("setup.sh", "run_autograder"):
        assert script in names and modes[script] & stat.S_IXUSR
    assert {"pyproject.toml", "grader/grading/batch.py", "grader/gradescope/run.py", f"reference/{NAME}/softmax.py",
            f"assignments/{NAME}/linear_svm.py"} <= names
    hidden = {f"hidden_tests/{NAME}/{p.relative_to(DEFAULT_ROOT / 'hidden_tests' / NAME).as_posix()}"
              for p in (DEFAULT_ROOT / "hidden_tests" / NAME).rglob("*.py") if "__pycache__" not in p.parts}
    assert hidden and hidden <= names
    assert not any("__pycache__" in n or n.endswith(".pyc") or ".hypothesis" in n for n in names)
    assert config == {"assignment": NAME, "visibility": {"hidden_tests": "visible", "function_totals": True,
                                                        "leaderboard": []}}
    assert "seed" in manifest
    for script in ("setup.sh", "run_autograder.sh"):
        subprocess.run(["bash", "-n", str(DEFAULT_ROOT / "grader" / "gradescope" / script)], check=True)


def unpack(zip_path: Path, root: Path) -> Path:
    """Lay the zip out as Gradescope does: its files in ROOT/source, run_autograder copied to ROOT."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    return root


def run_autograder(root: Path, submission_files: dict[str, str], python: str = sys.executable) -> dict:
    """Put the files in ROOT/submission, run ROOT/run_autograder, return results.json."""
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    for name, text in submission_files.items():
        (root / "submission" / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": python}
    done = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    data["_stdout"] = done.stdout
    return data


def sources(folder: Path) -> dict[str, str]:
    return {name: (folder / name).read_text(encoding="utf-8") for name in ("linear_svm.py", "softmax.py", "optim.py")}


@pytest.mark.slow
def test_run_autograder_grades_correct_wrong_and_notebook_submissions(tmp_path):
    root = mini_root(tmp_path)
    zip_path = tmp_path / "autograder.zip"
    result = CliRunner().invoke(main, ["export", "gradescope", "--assignment", "loss_optimization", "-o", str(zip_path), "--root", str(root),
                                       "--hidden-visibility", "after_due_date"])
    assert result.exit_code == 0, result.output
    ag = unpack(zip_path, tmp_path / "autograder")
    reference = sources(DEFAULT_ROOT / "reference" / NAME)

    correct = run_autograder(ag, reference)
    assert set(correct) - {"_stdout"} <= GRADESCOPE_TOP_KEYS
    assert correct["score"] == load_assignment(NAME).max_score
    assert f"from {ag / 'source' / 'grader'}" in correct["_stdout"], "the bundled grader must be the one running"
    hidden = [t for t in correct["tests"] if "(total)" not in t["name"]]
    totals = [t for t in correct["tests"] if "(total)" in t["name"]]
    assert hidden and all(t["status"] == "passed" and t["visibility"] == "after_due_date" for t in hidden)
    assert [t["name"] for t in totals] == [f"{f.name} (total)" for f in load_assignment(NAME).functions]
    assert all(t["visibility"] == "visible" and t["score"] == t["max_score"] for t in totals)
    assert all(set(t) <= GRADESCOPE_TEST_KEYS for t in correct["tests"])

    wrong = dict(reference)
    wrong["optim.py"] = reference["optim.py"].replace("W - learning_rate * dW", "W + learning_rate * dW")
    wrong["softmax.py"] = (DEFAULT_ROOT / "assignments" / NAME / "softmax.py").read_text()
    graded = run_autograder(ag, {**wrong, "notes.txt": "print('hello')"})
    by_function = {t["name"]: t for t in graded["tests"] if "(total)" in t["name"]}
    assert by_function["sgd_step (total)"]["score"] == 0 and by_function["softmax_loss (total)"]["score"] == 0
    assert by_function["svm_loss_naive (total)"]["score"] == by_function["svm_loss_naive (total)"]["max_score"]
    assert graded["score"] == sum(t["score"] for t in by_function.values())
    failed = [t for t in graded["tests"] if t.get("status") == "failed"]
    assert {tuple(t["tags"]) for t in failed} == {("sgd_step",), ("softmax_loss",)}
    assert all(t["output"] and t["visibility"] == "after_due_date" for t in failed)
    assert "`sgd_step`: 0 / 15" in graded["output"]

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text) for text in reference.values()])
    from_notebook = run_autograder(ag, {"walkthrough.ipynb": nbformat.writes(notebook)})
    assert from_notebook["score"] == correct["score"]

    nothing = run_autograder(ag, {"README.md": "I forgot my files"})
    assert nothing["score"] == 0 and "linear_svm.py" in nothing["output"].split("\n\n", 1)[1]


def test_run_autograder_writes_a_result_even_when_the_grader_cannot_start(tmp_path):
    zip_path = tmp_path / "autograder.zip"
    assert CliRunner().invoke(main, ["export", "gradescope", "--assignment", "loss_optimization", "-o", str(zip_path)]).exit_code == 0
    ag = unpack(zip_path, tmp_path / "autograder")
    data = run_autograder(ag, {"optim.py": "x = 1\n"}, python=str(tmp_path / "no-such-python"))
    assert data["score"] == 0 and "could not run" in data["output"] and data["tests"] == []


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("totals", [True, False])
def test_visibility_policy_applies_to_hidden_tests_and_printed_output(visibility, totals):
    assignment = load_assignment(NAME)
    result = fake_result("alice", 95.0)
    result.tests[0].falsifying_example = "Falsifying example: W=array([[0.]])"
    result.tests[0].hint = "return a new array"
    result.tests[0].output = "expected W - lr * dW"
    result.stdout = "debug: W.shape = (3, 10)\n"
    data = gradescope_results(result, assignment, VisibilityPolicy(visibility, function_totals=totals))
    assert set(data) <= GRADESCOPE_TOP_KEYS and data["score"] == 95.0
    hidden = [t for t in data["tests"] if "(total)" not in t["name"]]
    assert all(t["visibility"] == visibility for t in hidden)
    assert any(t["name"] == "Output printed by your code" and "W.shape" in t["output"] for t in hidden)
    failed = next(t for t in hidden if t.get("status") == "failed")
    assert "W=array" in failed["output"] and "**Hint:** return a new array" in failed["output"]
    totals_shown = [t for t in data["tests"] if "(total)" in t["name"]]
    assert len(totals_shown) == (len(assignment.functions) if totals else 0)
    assert all(t["visibility"] == "visible" for t in totals_shown)
    assert "**Score: 95 / 100**" in data["output"] and "`sgd_step`: 10 / 15" in data["output"]
    assert "W=array" not in data["output"], "the always-visible summary must not reveal hidden test details"


def test_unknown_visibility_is_refused():
    with pytest.raises(ValueError, match="not one of"):
        VisibilityPolicy("to_everyone")
    result = CliRunner().invoke(main, ["export", "gradescope", "--assignment", "loss_optimization", "--hidden-visibility", "to_everyone"])
    assert result.exit_code != 0 and "Traceback" not in result.output


def metadata(created_at: str, due: str, users=({"name": "Kim Minjun", "email": "mkim@uni.example", "id": 4242},)):
    """submission_metadata.json as Gradescope documents it (the keys the grader reads, and others)."""
    return {"id": 123456, "created_at": created_at, "submission_method": "upload", "users": list(users),
            "assignment": {"due_date": due, "late_due_date": None, "id": 25828, "title": "HW", "total_points": "100.0",
                           "group_submission": False, "group_size": None, "release_date": due},
            "previous_submissions": []}


@pytest.mark.slow
def test_simulated_gradescope_run_names_the_student_and_applies_the_late_policy(tmp_path):
    root = mini_root(tmp_path)
    manifest = root / "assignments" / NAME / "assignment.toml"
    manifest.write_text(manifest.read_text() + "\n[late]\npenalty_per_day = 0.1\ncap = 0.25\ngrace_minutes = 10\n")
    zip_path = tmp_path / "autograder.zip"
    made = CliRunner().invoke(main, ["export", "gradescope", "--assignment", "loss_optimization", "-o", str(zip_path), "--root", str(root),
                                     "--leaderboard", "Total=score", "--leaderboard", "Seconds=time"])
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(zip_path) as archive:
        pins = archive.read("requirements.lock").decode().split()
    assert "numpy==" + __import__("numpy").__version__ in pins and all("==" in line for line in pins)
    ag = unpack(zip_path, tmp_path / "autograder")
    reference = sources(DEFAULT_ROOT / "reference" / NAME)
    wrong = {**reference, "optim.py": reference["optim.py"].replace("W - learning_rate * dW", "W + learning_rate * dW")}
    due = "2026-10-05T23:59:00+09:00"

    def graded_at(created_at, files=wrong):
        (ag / "submission_metadata.json").write_text(json.dumps(metadata(created_at, due)), encoding="utf-8")
        return run_autograder(ag, files)

    on_time = graded_at("2026-10-06T00:05:00+09:00")  # within the 10 grace minutes
    two_days = graded_at("2026-10-07T10:00:00+09:00")  # 34 h late: two started days, 20 %
    a_week = graded_at("2026-10-12T23:59:00+09:00")  # 7 days: 70 %, capped at 25 %
    earned = 85.0  # everything but sgd_step
    assert on_time["score"] == earned and "Submitted on time." in on_time["output"]
    assert two_days["score"] == pytest.approx(earned * 0.8)
    assert a_week["score"] == pytest.approx(earned * 0.75)
    penalty = next(t for t in two_days["tests"] if t["name"] == "Late submission penalty")
    assert penalty["score"] == pytest.approx(-earned * 0.2) and penalty["visibility"] == "visible"
    assert "Submitted 2 days late: -20%" in two_days["output"]
    for data in (on_time, two_days, a_week):
        assert "Graded for Kim Minjun" in data["output"]
        assert data["extra_data"]["submission"]["users"][0]["id"] == "4242"
        assert data["output_format"] == data["test_output_format"] == "md"
        assert set(data) - {"_stdout"} <= GRADESCOPE_TOP_KEYS
        assert all(set(t) <= GRADESCOPE_TEST_KEYS and t["number"] for t in data["tests"])
        numbers = [t["number"] for t in data["tests"]]
        assert len(set(numbers)) == len(numbers)
    board = {entry["name"]: entry for entry in two_days["leaderboard"]}
    assert board["Total"] == {"name": "Total", "value": two_days["score"], "order": "desc"}
    assert board["Seconds"]["order"] == "asc" and board["Seconds"]["value"] > 0
    failed = [t for t in two_days["tests"] if t.get("status") == "failed"]
    # by default a student sees why points were lost at once, not only after grades are published
    assert failed and all(t["visibility"] == "visible" and t["output_format"] == "md" for t in failed)


def test_markdown_outputs_keep_hostile_text_inside_code_blocks():
    assignment = load_assignment(NAME)
    result = fake_result("x", 85)
    result.tests[0].output = "```\n# forged heading\n<script>alert(1)</script>"
    result.tests[0].hint = "Return `W - learning_rate * dW`."
    data = gradescope_results(result, assignment, VisibilityPolicy())
    output = next(t for t in data["tests"] if t.get("status") == "failed")["output"]
    opening = output.splitlines()[0]
    fence = opening.removesuffix("text")
    assert fence == "````" and output.splitlines().count(fence) == 1  # the student's ``` cannot close the block
    assert output.index("<script>") < output.index("\n" + fence + "\n") and "**Hint:** Return `W" in output


FAKE_TOOL = """#!/usr/bin/env bash
echo "$0 $*" >> "$FAKE_LOG"
if [ "${1:-}" = "-m" ] && [ "${2:-}" = "venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi
exit 0
"""


def test_setup_builds_its_venv_under_autograder_root(tmp_path):
    """setup.sh with apt-get and python3 stood in for: the venv goes to $AUTOGRADER_ROOT/venv."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("apt-get", "python3"):
        (tools / name).write_text(FAKE_TOOL)
        (tools / name).chmod(0o755)
    root, log = tmp_path / "autograder", tmp_path / "log.txt"
    env = {"PATH": f"{tools}:/usr/bin:/bin", "AUTOGRADER_ROOT": str(root), "FAKE_LOG": str(log)}
    subprocess.run(["bash", str(DEFAULT_ROOT / "grader" / "gradescope" / "setup.sh")], env=env, check=True,
                   capture_output=True)
    calls = log.read_text()
    assert f"-m venv {root}/venv" in calls and (root / "venv" / "bin" / "python").exists()
    assert f"{root}/venv/bin/python -m pip install" in calls and "/autograder/venv" not in calls.replace(str(root), "")
