"""CI templates: valid YAML with the structure each platform needs, shipped in the student kit,
and the student score summary built from a real JUnit report."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grader.assignment import DEFAULT_ROOT, load_assignment
from grader.release import release_kit

TEMPLATES = DEFAULT_ROOT / "ci_templates"
STUDENT_WORKFLOW = TEMPLATES / "student" / ".github" / "workflows" / "public-tests.yml"
INSTRUCTOR_WORKFLOW = TEMPLATES / "instructor" / ".github" / "workflows" / "grade-class.yml"
FEEDBACK_WORKFLOW = TEMPLATES / "instructor" / ".github" / "workflows" / "post-feedback.yml"
SUMMARY_SCRIPT = TEMPLATES / "student" / ".ci" / "score_summary.py"


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


def github_steps_text(workflow: dict) -> str:
    return "\n".join(str(step.get("run", "")) for job in workflow["jobs"].values() for step in job["steps"])


WORKFLOWS = sorted(TEMPLATES.rglob("*.yml")) + sorted((DEFAULT_ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(DEFAULT_ROOT)))
def test_every_template_is_valid_yaml_with_jobs(path):
    data = load(path)
    if ".github" in path.parts:
        assert True in data or "on" in data, "a workflow needs triggers (`on:`, read by YAML 1.1 as True)"
        for name, job in data["jobs"].items():
            assert "runs-on" in job, name
            assert job["steps"] and all(("uses" in s) != ("run" in s) for s in job["steps"]), name
            assert all(isinstance(s.get("run", ""), str) for s in job["steps"])
    else:
        jobs = {k: v for k, v in data.items() if isinstance(v, dict) and "script" in v}
        assert jobs and all(isinstance(job["script"], list) for job in jobs.values())
        stages = data.get("stages", ["test"])
        assert all(job.get("stage", "test") in stages for job in jobs.values())
    if TEMPLATES in path.parents:
        assert "cannot" in path.read_text(), "each template says what it cannot guarantee"


def test_student_workflow_runs_public_tests_with_junit_and_a_summary():
    workflow = load(STUDENT_WORKFLOW)
    assert {"push", "pull_request"} <= set(workflow[True])
    text = github_steps_text(workflow)
    assert "pytest tests --junitxml=public-tests.xml" in text
    assert '>> "$GITHUB_STEP_SUMMARY"' in text and ".ci/score_summary.py" in text
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.get("uses", "").startswith("dorny/test-reporter") and s["with"]["path"] == "public-tests.xml"
               for s in steps)
    assert workflow["permissions"]["checks"] == "write"

    gitlab = load(TEMPLATES / "student" / ".gitlab-ci.yml")
    assert gitlab["public-tests"]["artifacts"]["reports"]["junit"] == "public-tests.xml"


def test_instructor_workflow_grades_shards_in_a_matrix_then_merges():
    workflow = load(INSTRUCTOR_WORKFLOW)
    grade, merge = workflow["jobs"]["grade"], workflow["jobs"]["merge"]
    assert "matrix" in grade["strategy"] and "grade" in merge["needs"]
    grade_runs = " ".join(s.get("run", "") for s in grade["steps"])
    assert "grader grade" in grade_runs and '--shard "${{ matrix.shard }}/$SHARDS"' in grade_runs
    assert "grader merge out/shard-*" in " ".join(s.get("run", "") for s in merge["steps"])
    checkouts = [s for job in workflow["jobs"].values() for s in job["steps"]
                 if s.get("uses", "").startswith("actions/checkout")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
    assert workflow["permissions"] == {"contents": "read"}

    gitlab = load(TEMPLATES / "instructor" / ".gitlab-ci.yml")
    assert gitlab["grade"]["parallel"] >= 2
    assert '--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"' in " ".join(gitlab["grade"]["script"])
    assert any("grader merge" in line for line in gitlab["merge"]["script"])


def test_release_ships_the_student_ci_files_only(tmp_path):
    kit = release_kit(load_assignment("loss_optimization"), tmp_path / "kit")
    assert {".github/workflows/public-tests.yml", ".gitlab-ci.yml", ".ci/score_summary.py"} <= set(kit.files)
    assert not any("grade-class" in f for f in kit.files)
    bare = release_kit(load_assignment("loss_optimization"), tmp_path / "bare", with_ci=False)
    assert not any(f.startswith((".github", ".ci", ".gitlab")) for f in bare.files)


def run_summary(*args, cwd):
    return subprocess.run([sys.executable, str(SUMMARY_SCRIPT), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=True).stdout


def test_score_summary_from_a_real_junit_report(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_public.py").write_text(
        "def test_svm_loss_naive_shape():\n    pass\n"
        "def test_svm_loss_naive_value():\n    assert 1 == 2, 'loss is off'\n"
        "def test_svm_loss_vectorized_matches_naive():\n    pass\n"
        "def test_sgd_step_moves_against_the_gradient():\n    pass\n"
    )
    (tmp_path / "assignment.toml").write_text(
        '[functions.svm_loss_naive]\nfile = "linear_svm.py"\npoints = 20\n'
        '[functions.svm_loss_vectorized]\nfile = "linear_svm.py"\npoints = 30\n'
        '[functions.sgd_step]\nfile = "optim.py"\npoints = 10\n'
        '[functions.softmax_loss]\nfile = "softmax.py"\npoints = 40\n'
    )
    subprocess.run([sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider",
                    "--junitxml=public-tests.xml"], check=False, cwd=tmp_path, capture_output=True, timeout=120)
    text = run_summary("public-tests.xml", "assignment.toml", cwd=tmp_path)
    assert "**3 / 4 public tests passed.**" in text
    assert "| `svm_loss_naive` | 1 / 2 | 10 / 20 |" in text
    assert "| `svm_loss_vectorized` | 1 / 1 | 30 / 30 |" in text
    assert "| `softmax_loss` | 0 / 0 | 0 / 40 |" in text
    assert "test_svm_loss_naive_value`: AssertionError: loss is off" in text


def test_score_summary_without_or_with_a_broken_report(tmp_path):
    assert "could not run" in run_summary("missing.xml", cwd=tmp_path)
    (tmp_path / "bad.xml").write_text("<testsuite><testcase")
    assert "not valid JUnit XML" in run_summary("bad.xml", cwd=tmp_path)


def grader_commands(path: Path) -> list[list[str]]:
    """The `grader ...` command lines a template runs, split into words."""
    data = load(path)
    if ".github" in path.parts:
        lines = [s.get("run", "") for job in data["jobs"].values() for s in job["steps"]]
    else:
        lines = [line for job in data.values() if isinstance(job, dict) for line in job.get("script", [])]
    return [line.split(">>")[0].split("|")[0].split() for text in lines for line in text.splitlines()
            if line.strip().startswith("grader ")]


@pytest.mark.parametrize(("path", "verbs"), [(INSTRUCTOR_WORKFLOW, {"grade", "merge"}),
                                             (TEMPLATES / "instructor" / ".gitlab-ci.yml", {"grade", "merge"}),
                                             (FEEDBACK_WORKFLOW, {"post-feedback"})],
                         ids=["github", "gitlab", "feedback"])
def test_instructor_templates_call_existing_verbs_and_options(path, verbs):
    from grader.cli import main

    commands = grader_commands(path)
    assert {words[1] for words in commands} == verbs
    for words in commands:
        command = main.commands[words[1]]
        known = {opt for param in command.params for opt in getattr(param, "opts", [])}
        used = {w for w in words[2:] if w.startswith("-")}
        assert used <= known, f"{' '.join(words)}: unknown options {used - known}"
