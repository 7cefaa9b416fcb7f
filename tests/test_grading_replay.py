"""The fast path (each property's examples drawn once per batch and replayed, Hypothesis's search only
for a property a submission fails) gives exactly the plain path's results: on the demo class and on
every corpus entry (mutants, correct variants, the reference, do-nothing functions, the kit's stubs), the same tests
pass and fail with the same messages, hints and smallest falsifying examples, and the same scores."""

import json
import re

import pytest
from corpus import REFERENCE, STUBS
from test_grading import EXAMPLES
from test_hidden_suite_corpus import CORPORA, NAMES

from grader.assignment import load_assignment
from grader.grading import GradeOptions, grade_batch
from grader.results import SubmissionResult
from grader.submissions import discover

pytestmark = pytest.mark.slow

#: Tests that measure wall time: machine load can move them between two runs, so they are left out.
TIMED = re.compile(r"faster than", re.IGNORECASE)


def verdicts(result) -> dict:
    """Everything a student reads about each untimed test, and the points of the untimed tests."""
    tests = {t.nodeid: (t.status, t.score, t.output, t.hint, t.falsifying_example)
             for t in result.tests if not TIMED.search(t.name)}
    points = round(sum(t.score for t in result.tests if not TIMED.search(t.name)), 6)
    return {"tests": tests, "points": points, "error": result.error}


def test_the_demo_class_gets_the_same_results_both_ways(demo_class, tmp_path):
    """The fast path: the demo class's shared grading (`grader grade ... --timeout 60`, conftest.demo_class);
    the plain path: grade_batch with the same options and replay off."""
    graded, out = demo_class
    assert graded.returncode == 0, graded.stderr
    fast = {p.stem: SubmissionResult.from_json(json.loads(p.read_text())) for p in (out / "results").glob("*.json")}
    plain = {r.student: r for r in grade_batch(discover(EXAMPLES).entries, load_assignment("loss_optimization"),
                                               tmp_path / "plain", jobs=2,
                                               options=GradeOptions(timeout_s=60, replay=False))}
    assert sorted(fast) == list(plain) and len(fast) >= 5
    for student, result in fast.items():
        assert verdicts(result) == verdicts(plain[student]), student
    assert any(t.falsifying_example for r in fast.values() for t in r.tests)  # failures were compared too


@pytest.mark.parametrize("name", NAMES)
def test_every_corpus_entry_gets_the_same_results_both_ways(corpus_grading, name):
    corpus = CORPORA[name]
    graded = corpus_grading(name)  # shared with test_hidden_suite_corpus.py: graded once, both ways
    fast, plain = graded.fast, graded.plain
    assert list(fast) == list(plain)
    assert set(fast) == {REFERENCE.name, corpus.DO_NOTHING.name, STUBS, *(e.name for e in corpus.MUTANTS),
                         *(e.name for e in corpus.VARIANTS)}
    different = [name for name in fast if verdicts(fast[name]) != verdicts(plain[name])]
    assert different == []
    failed = [t for r in fast.values() for t in r.tests if not t.passed and t.falsifying_example]
    assert len(failed) >= len(corpus.MUTANTS) // 2  # the smallest failing examples were compared, not just passes
