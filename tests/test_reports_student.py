"""Per-student reports: results JSON round-trips and follows Gradescope's schema, feedback is
readable and leaks nothing trusted, and every file is written atomically."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_reports_fixtures import ASSIGNMENT, make_class, make_result

from grader.reports import load_results, write_student_reports
from grader.reports.atomic import write_atomic
from grader.reports.feedback import feedback_markdown, fenced
from grader.reports.sanitize import safe_text

SETTINGS = settings(derandomize=True, database=None, max_examples=150, deadline=None)
GRADESCOPE_VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}


def test_results_json_round_trips_through_load_results(tmp_path):
    benign = [r for r in make_class() if r.student != "hostile"]
    for result in benign:
        write_student_reports(result, tmp_path)
    loaded = load_results(tmp_path)
    assert loaded == sorted(benign, key=lambda r: r.student)
    assert loaded.unreadable == []


def test_results_json_follows_gradescope_schema(tmp_path):
    for result in make_class():
        write_student_reports(result, tmp_path)
        data = json.loads((tmp_path / "results" / f"{result.student}.json").read_text(encoding="utf-8"))
        assert isinstance(data["score"], (int, float)) and isinstance(data["output"], str)
        assert (
            data["visibility"] in GRADESCOPE_VISIBILITY and data["stdout_visibility"] in GRADESCOPE_VISIBILITY
        )
        assert data["output_format"] in {"text", "html", "simple_format", "md", "ansi"}
        assert isinstance(data["execution_time"], int) and data["execution_time"] >= 0
        assert data["student"] == result.student and data["seed"] == ASSIGNMENT.seed and data["sandbox"]
        assert set(data["functions"]) == {f.name for f in ASSIGNMENT.functions}
        numbers = [t["number"] for t in data["tests"]]
        assert len(set(numbers)) == len(numbers)
        for test in data["tests"]:
            assert test["status"] in {"passed", "failed"}
            assert isinstance(test["name"], str) and isinstance(test["output"], str)
            assert 0 <= test["score"] <= test["max_score"]
            assert test["visibility"] in GRADESCOPE_VISIBILITY
            assert test["tags"] == [test["function"]]
        assert sum(t["score"] for t in data["tests"]) == pytest.approx(data["score"])


def test_hostile_result_is_written_clean_and_capped(tmp_path):
    hostile = next(r for r in make_class() if r.student == "hostile")
    write_student_reports(hostile, tmp_path)
    raw = (tmp_path / "results" / "hostile.json").read_text(encoding="utf-8")
    assert len(raw) < 600_000  # 2 MB of output went in; caps keep the file small
    back = load_results(tmp_path)[0]
    assert back.score == hostile.score and back.functions == hostile.functions
    for text in [back.stdout, *(t.output for t in back.tests)]:
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)
    assert "more characters cut" in back.stdout


def test_load_results_names_unreadable_files_and_keeps_the_rest(tmp_path):
    write_student_reports(make_result("good"), tmp_path)
    (tmp_path / "results" / "truncated.json").write_text('{"student": "x", "sco', encoding="utf-8")
    (tmp_path / "results" / "wrong.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "results" / "binary.json").write_bytes(b"\xff\xfe\x00")
    loaded = load_results(tmp_path)
    assert [r.student for r in loaded] == ["good"]
    assert sorted(p.name for p, _ in loaded.unreadable) == ["binary.json", "truncated.json", "wrong.json"]
    assert all(reason for _, reason in loaded.unreadable)


def test_load_results_of_an_empty_folder_is_empty(tmp_path):
    assert load_results(tmp_path) == [] and load_results(tmp_path).unreadable == []


@pytest.mark.parametrize("student", ["", ".", "..", "../escape", "a/b", "nul\x00"])
def test_student_ids_that_are_not_plain_file_names_are_refused(tmp_path, student):
    with pytest.raises(ValueError, match="cannot be used as a report file name"):
        write_student_reports(make_result(student), tmp_path / "out")
    assert not (tmp_path / "escape.json").exists()


def test_feedback_shows_scores_failures_example_hint_output_and_seed():
    result = next(r for r in make_class() if r.student == "partial2")
    md = feedback_markdown(result)
    assert f"{result.score:g} / {result.max_score:g}" in md
    for name, fs in result.functions.items():
        assert f"{fs.score:g} / {fs.max_score:g}" in md and name in md
    for test in result.tests:
        assert (test.name in md) == (not test.passed)
        if not test.passed:
            assert test.output in md and test.falsifying_example in md and test.hint in md
            assert f"-{test.max_score - test.score:g} points" in md
    assert f"Random seed: {result.seed}" in md and "Sandbox level:" in md
    assert md.index("Properties that failed") < md.index("Random seed")


def test_feedback_puts_a_submission_error_first_in_plain_words():
    md = feedback_markdown(make_result("broken", error="linear_svm.py: SyntaxError on line 3"))
    assert md.index("could not be fully graded") < md.index("SyntaxError on line 3") < md.index("Total:")


def test_feedback_of_a_perfect_submission_lists_no_failures():
    md = feedback_markdown(make_result("correct"))
    assert "Properties that failed" not in md and "Output your code printed" not in md
    assert "100 / 100" in md


def fence_state(md: str) -> list[tuple[str, bool]]:
    """Each line of `md` with whether it is inside a backtick code fence (CommonMark rules: a fence
    opened by N backticks closes only on a line of at least N backticks and nothing else)."""
    out, fence = [], ""
    for line in md.split("\n"):
        if not fence:
            opening = re.match(r"^ {0,3}(`{3,})", line)
            out.append((line, False))
            fence = opening.group(1) if opening else ""
        elif re.fullmatch(rf" {{0,3}}{fence}`*\s*", line):
            out.append((line, False))
            fence = ""
        else:
            out.append((line, True))
    assert not fence, "a fence is left open"
    return out


def test_feedback_escapes_fences_caps_output_and_strips_controls():
    hostile = next(r for r in make_class() if r.student == "hostile")
    md = feedback_markdown(hostile)
    assert len(md) < 100_000
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]", md)
    lines = fence_state(md)
    forged = [inside for line, inside in lines if "Forged heading" in line]
    assert forged and all(forged)  # student text that looks like Markdown stays inside a fence
    outside = "\n".join(line for line, inside in lines if not inside)
    assert "<script>" not in outside and "</testcase>" not in outside  # names are escaped outside fences


@SETTINGS
@given(st.text(alphabet=st.sampled_from("`~ \nab#"), max_size=60))
def test_fenced_text_cannot_close_its_fence(text):
    block = fenced(text)
    fence = re.match(r"`+", block).group(0)
    inner = block.split("\n")[1:-1]
    assert not any(line.strip().startswith(fence) for line in inner)
    assert block.endswith("\n" + fence)


@SETTINGS
@given(st.text(max_size=200))
def test_sanitizing_is_idempotent_and_removes_controls(text):
    once = safe_text(text, 100)
    assert safe_text(once, 100 + 60) == once
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]", once)


def forbidden_lines(root: Path) -> list[str]:
    """Solution lines of the reference (and hidden tests) that the student kit does not contain."""
    public = {
        line.strip() for path in ASSIGNMENT.kit_dir.rglob("*.py") for line in path.read_text().splitlines()
    }
    lines = set()
    for path in [*ASSIGNMENT.reference_dir.rglob("*.py"), *ASSIGNMENT.hidden_tests_dir.rglob("*.py")]:
        for line in path.read_text().splitlines():
            code = line.strip()
            if len(code) >= 12 and code not in public and not code.startswith(("#", '"', "-")):
                lines.add(code)
    return sorted(lines)


def traceback_through(paths_and_lines: list[tuple[Path, int, str]]) -> str:
    frames = [f'  File "{path}", line {n}, in f\n    {code}\n    ^^^^^' for path, n, code in paths_and_lines]
    return "Traceback (most recent call last):\n" + "\n".join(frames) + "\nValueError: shapes do not match"


def test_feedback_and_json_never_show_reference_or_hidden_test_source(tmp_path):
    forbidden = forbidden_lines(ASSIGNMENT.root)
    assert len(forbidden) > 10  # the reference really has solution code to protect
    ref = ASSIGNMENT.reference_dir / "linear_svm.py"
    hidden = ASSIGNMENT.hidden_tests_dir / "test_svm.py"
    student_frame = (Path("/tmp/sub/linear_svm.py"), 7, "scores = X.dot(W) + my_own_bug")
    frames = [(ref if i % 2 else hidden, i, code) for i, code in enumerate(forbidden)]
    message = traceback_through([frames[0], student_frame, *frames[1:]])
    pytest_style = "\n".join(f"{hidden}:{i}: in test\n>   {code}" for i, code in enumerate(forbidden))
    result = make_result(
        "leaky",
        {"svm_loss_naive": [("property one", message), ("property two", pytest_style)]},
        stdout=message,
    )
    result.error = "grading crashed:\n" + message
    write_student_reports(result, tmp_path)
    texts = [
        (tmp_path / "feedback" / "leaky.md").read_text(encoding="utf-8"),
        (tmp_path / "results" / "leaky.json").read_text(encoding="utf-8"),
    ]
    for text in texts:
        for code in forbidden:
            assert code not in text and json.dumps(code)[1:-1] not in text
    md = texts[0]
    assert "reference/" not in md and "hidden_tests/" not in md
    assert "my_own_bug" in md and "ValueError: shapes do not match" in md  # the student's frames stay


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "deep" / "er" / "f.txt"
    write_atomic(target, "old")
    write_atomic(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    write_atomic(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.txt"]


@pytest.mark.parametrize("fail_at", ["fsync", "replace"])
def test_atomic_write_failing_midway_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch, fail_at):
    target = tmp_path / "results" / "alice.json"
    write_atomic(target, "complete old content")

    def boom(*args):
        raise OSError(f"simulated failure in {fail_at}")

    monkeypatch.setattr(os, fail_at, boom)
    with pytest.raises(OSError, match="simulated failure"):
        write_atomic(target, "x" * 1_000_000)
    monkeypatch.undo()
    assert target.read_text() == "complete old content"
    assert [p.name for p in target.parent.iterdir()] == ["alice.json"]


def test_student_reports_interrupted_keep_previous_complete_results(tmp_path, monkeypatch):
    first = make_result("alice")
    write_student_reports(first, tmp_path)
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_student_reports(make_result("alice", error="regrade crashed"), tmp_path)
    monkeypatch.undo()
    assert load_results(tmp_path) == [first]
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["alice.json"]


def test_unusual_but_legal_student_ids_round_trip(tmp_path):
    results = [
        make_result("zoë (late) #2"),
        make_result("a\\b" if os.sep == "/" else "a b"),
        make_result(".x"),
    ]
    for result in results:
        write_student_reports(result, tmp_path)
    assert sorted(r.student for r in load_results(tmp_path)) == sorted(r.student for r in results)
