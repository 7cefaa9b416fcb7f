"""CI templates: valid YAML with the structure each platform needs, shipped in the student kit,
and the student score summary built from a real JUnit report."""

import re
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
KIT = DEFAULT_ROOT / "assignments" / "loss_optimization"


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
    assert {".github/workflows/public-tests.yml", ".gitlab-ci.yml", ".ci/score_summary.py",
            ".ci/locale/ko/LC_MESSAGES/summary.mo"} <= set(kit.files)
    assert not any("grade-class" in f for f in kit.files)
    bare = release_kit(load_assignment("loss_optimization"), tmp_path / "bare", with_ci=False)
    assert not any(f.startswith((".github", ".ci", ".gitlab")) for f in bare.files)


def run_summary(*args, cwd):
    return subprocess.run([sys.executable, str(SUMMARY_SCRIPT), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=True).stdout


def test_score_summary_counts_each_test_for_the_function_it_declares(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text(  # what the kit's conftest does (tested on the kit below)
        "def pytest_itemcollected(item):\n    marker = item.get_closest_marker('grade')\n    if marker:\n"
        "        item.user_properties.append(('function', marker.kwargs['function']))\n")
    (tmp_path / "tests" / "test_public.py").write_text(
        "import pytest\n"
        "@pytest.mark.grade(function='svm_loss_naive')\ndef test_shape():\n    pass\n"
        "@pytest.mark.grade(function='svm_loss_naive')\ndef test_value():\n    assert 1 == 2, 'loss is off'\n"
        "@pytest.mark.grade(function='svm_loss_vectorized')\ndef test_softmax_loss_named_but_not_declared():\n    pass\n"
        "def test_declares_nothing():\n    pass\n"
    )
    (tmp_path / "assignment.toml").write_text(
        '[functions.svm_loss_naive]\nfile = "linear_svm.py"\npoints = 20\n'
        '[functions.svm_loss_vectorized]\nfile = "linear_svm.py"\npoints = 30\n'
        '[functions.softmax_loss]\nfile = "softmax.py"\npoints = 40\n'
    )
    subprocess.run([sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider",
                    "--junitxml=public-tests.xml"], check=False, cwd=tmp_path, capture_output=True, timeout=120)
    text = run_summary("public-tests.xml", "assignment.toml", cwd=tmp_path)
    assert "**3 / 4 public tests passed.**" in text
    assert "| `svm_loss_naive` | 1 / 2 | 10 / 20 |" in text
    assert "| `svm_loss_vectorized` | 1 / 1 | 30 / 30 |" in text
    assert "| `softmax_loss` | 0 / 0 | 0 / 40 |" in text  # a name in the test id is not a declaration
    assert "1 public tests declare no graded function" in text
    assert "test_value`: AssertionError: loss is off" in text


def kit_summary(tmp_path: Path, solution: Path) -> str:
    """The summary of the real kit's public tests run on solution, as the student CI runs them."""
    report = tmp_path / f"{solution.name}.xml"
    subprocess.run([sys.executable, "-m", "pytest", str(KIT / "tests"), "--solution-dir", str(solution), "-q",
                    "-p", "no:cacheprovider", "-p", "no:randomly", f"--junitxml={report}"], check=False,
                   cwd=tmp_path, capture_output=True, timeout=600)
    return run_summary(str(report), str(KIT / "assignment.toml"), cwd=tmp_path)


def summary_rows(text: str) -> dict[str, tuple[int, int, str]]:
    rows = {}
    for line in text.splitlines():
        if line.startswith("| `"):
            name, tests, estimate = (cell.strip() for cell in line.strip("|").split("|"))
            passed, total = (int(n) for n in tests.split(" / "))
            rows[name.strip("`")] = (passed, total, estimate)
    return rows


@pytest.mark.slow
def test_score_summary_of_the_real_kit_on_the_reference_and_on_the_stubs(tmp_path):
    assignment = load_assignment("loss_optimization")
    full = summary_rows(kit_summary(tmp_path, assignment.reference_dir))
    stubs = summary_rows(kit_summary(tmp_path, KIT))
    assert set(full) == set(stubs) == {spec.name for spec in assignment.functions}
    for spec in assignment.functions:
        passed, total, estimate = full[spec.name]
        assert total > 0 and passed == total and estimate == f"{spec.points:g} / {spec.points:g}", spec.name
        assert stubs[spec.name] == (0, total, f"0 / {spec.points:g}"), spec.name
    assert "declare no graded function" not in kit_summary(tmp_path, assignment.reference_dir)


def test_score_summary_in_korean_has_the_same_numbers_and_no_english_sentence(tmp_path, monkeypatch):
    """GRADER_LANG=ko (or the manifest's [feedback] lang) gives the Korean summary: the same table
    rows, the headings and sentences from .ci/locale's catalogue."""
    report = tmp_path / "r.xml"
    report.write_text('<testsuite><testcase classname="t" name="ok"><properties><property name="function" '
                      'value="f"/></properties></testcase><testcase classname="t" name="bad"><failure/></testcase>'
                      '</testsuite>')
    (tmp_path / "en.toml").write_text('[functions.f]\nfile = "a.py"\npoints = 10\n')
    (tmp_path / "ko.toml").write_text('[feedback]\nlang = "ko"\n[functions.f]\nfile = "a.py"\npoints = 10\n')
    english = run_summary("r.xml", "en.toml", cwd=tmp_path)
    korean = run_summary("r.xml", "ko.toml", cwd=tmp_path)
    monkeypatch.setenv("GRADER_LANG", "ko")
    assert run_summary("r.xml", "en.toml", cwd=tmp_path) == korean  # the variable wins over the manifest
    assert "**1 / 2 public tests passed.**" in english and "| `f` | 1 / 1 | 10 / 10 |" in english
    assert "**공개 테스트 2개 중 1개를 통과했습니다.**" in korean and "| `f` | 1 / 1 | 10 / 10 |" in korean
    assert "1개는 채점 함수를 선언하지 않아" in korean and "- `t::bad`: 실패" in korean
    sentences = [line for line in korean.splitlines() if re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", line)]
    assert sentences == [], sentences
    assert "테스트 보고서가 만들어지지 않았습니다" in run_summary("missing.xml", "ko.toml", cwd=tmp_path)


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
