"""`grader similarity`: a renamed copy ranks first, the stub's own code counts for nothing, and the
reports are a self-contained page and a CSV of the pairs above the threshold."""

from __future__ import annotations

import csv
import re
import shutil

from click.testing import CliRunner

from grader.assignment import DEFAULT_ROOT, load_assignment
from grader.cli import main
from grader.similarity import compare

NAME = "loss_optimization"
RENAMES = {"total": "acc", "grad": "g", "scores": "S", "correct": "right", "onehot": "Y", "active": "mask",
           "coeff": "k", "loss": "L"}


def renamed_copy(source: str) -> str:
    """What a student who copies and disguises does: other names, no comments or docstrings."""
    text = re.sub(r'"""[^"]*"""', "", source)
    text = re.sub(r"#[^\n]*", "", text)
    for old, new in RENAMES.items():
        text = re.sub(rf"\b{old}\b", new, text)
    return text


def a_class(tmp_path):
    """The example class (independent authors), a disguised copy of alice, and two untouched stubs."""
    subs = tmp_path / "subs"
    shutil.copytree(DEFAULT_ROOT / "examples" / "submissions", subs)
    (subs / "zoe").mkdir()
    for path in (subs / "alice").glob("*.py"):
        (subs / "zoe" / path.name).write_text(renamed_copy(path.read_text(encoding="utf-8")), encoding="utf-8")
    kit = DEFAULT_ROOT / "assignments" / NAME
    for student in ("stub1", "stub2"):
        (subs / student).mkdir()
        for name in ("linear_svm.py", "softmax.py", "optim.py"):
            shutil.copy(kit / name, subs / student / name)
    (subs / "broken.zip").write_bytes(b"not a zip")
    return subs


def test_a_renamed_copy_ranks_first_and_the_stub_is_boilerplate(tmp_path):
    found = compare(a_class(tmp_path), load_assignment(NAME))
    top = found.pairs[0]
    assert {top.a, top.b} == {"alice", "zoe"}
    assert top.similarity > 0.8 and top.similarity > found.pairs[1].similarity + 0.2
    stubs = next(p for p in found.pairs if {p.a, p.b} == {"stub1", "stub2"})
    assert stubs.similarity == 0.0  # identical files, but only the stub's code: nothing shared counts
    assert [s for s, _ in found.unreadable] == ["broken"]
    n = len(found.students)
    assert len(found.pairs) == n * (n - 1) // 2


def test_cli_writes_a_self_contained_report_and_the_pairs_above_threshold(tmp_path):
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["similarity", "--assignment", "loss_optimization", str(a_class(tmp_path)), "-o", str(out), "--threshold", "0.5"])
    assert done.exit_code == 0, done.output
    assert "not compared: broken" in done.stderr
    with open(out / "pairs.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(float(r["similarity"]) >= 0.5 for r in rows)
    assert {rows[0]["student_a"], rows[0]["student_b"]} == {"alice", "zoe"} and rows[0]["rank"] == "1"
    page = (out / "similarity.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http" not in page and "<link" not in page
    assert "not evidence of copying" in page and '<mark class="a">' in page
