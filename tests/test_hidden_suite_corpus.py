"""The hidden suite is sharp and fair: every corpus mutant loses points on its function only, every correct variant,
and the reference, get full marks, and the untouched stubs get zero. Each entry is graded through the real
contract (pytest subprocess + grader plugin + --grader-results), two at a time."""

import pytest
from corpus import Entry, make_submission, run_many
from corpus.correct_variants import VARIANTS
from corpus.mutants import MUTANTS

from grader.assignment import load_assignment

pytestmark = pytest.mark.slow

REFERENCE = Entry("reference", {})
#: Functions that ignore their input: they satisfy types, purity, invariances and their own gradient check
#: vacuously, and must still score nothing.
DO_NOTHING = Entry("do_nothing", {
    "svm_loss_naive": "def svm_loss_naive(W, X, y, reg):\n    return 0.0, np.zeros_like(W)\n",
    "svm_loss_vectorized": "def svm_loss_vectorized(W, X, y, reg):\n    return 0.0, np.zeros_like(W)\n",
    "softmax_loss": "def softmax_loss(W, X, y, reg):\n    return 0.0, np.zeros_like(W)\n",
    "sgd_step": "def sgd_step(W, dW, learning_rate):\n    return W.copy()\n",
})
#: The hidden tests that are not Hypothesis properties (no falsifying example to show).
NOT_PROPERTIES = {"test_svm_vectorized_has_no_loops", "test_svm_vectorized_is_fast"}
#: Vectorized mutants that loop (or call the loop): they lose the loop-free points and keep every value point.
LOOPING = {"vectorized_loops", "vectorized_calls_naive"}
#: Vectorized mutants that raise on ordinary inputs (a broadcast of (N,) against (N, C); N taken from X's
#: second axis): they do no work, so the gate holds them before the loop check.
RAISING = {"vectorized_no_newaxis", "vectorized_n_from_wrong_axis"}
#: What every message of the gate says (a gate failure carries no hint: it is not the property's mistake).
GATED = "earns no points for properties"


@pytest.fixture(scope="module")
def assignment():
    return load_assignment("loss_optimization")


@pytest.fixture(scope="module")
def outcomes(assignment, tmp_path_factory):
    """Grades of every corpus entry, the reference and the stubs, keyed by entry name."""
    root = tmp_path_factory.mktemp("corpus")
    folders = {
        entry.name: make_submission(root / "submissions" / entry.name, assignment, entry.patches)
        for entry in [REFERENCE, DO_NOTHING, *MUTANTS, *VARIANTS]
    }
    folders["stubs"] = assignment.kit_dir
    return run_many(folders, root / "results", assignment, jobs=2)


def graded(outcomes, name):
    """The per-function scores of one entry, failing the test if the run produced no results."""
    outcome = outcomes[name]
    assert outcome.results is not None, f"{name}: {outcome.problem}"
    return outcome, outcome.scores()


def test_corpus_is_large_and_single_bug():
    assert len(MUTANTS) >= 30 and len(VARIANTS) >= 8
    names = [entry.name for entry in [*MUTANTS, *VARIANTS]]
    assert len(names) == len(set(names))
    for entry in MUTANTS:
        assert len(entry.patches) == 1 and tuple(entry.patches) == entry.loses, entry.name
    assert all(not entry.loses for entry in VARIANTS)


def test_reference_gets_full_marks_and_points_match_manifest(outcomes, assignment):
    outcome, scores = graded(outcomes, "reference")
    assert outcome.failures() == []
    assert scores == {f.name: (f.points, f.points) for f in assignment.functions}


def test_stubs_get_zero(outcomes, assignment):
    _, scores = graded(outcomes, "stubs")
    assert {fn: score for fn, (score, _) in scores.items()} == {f.name: 0.0 for f in assignment.functions}


def test_functions_that_ignore_their_input_get_zero(outcomes, assignment):
    outcome, scores = graded(outcomes, "do_nothing")
    assert {fn: score for fn, (score, _) in scores.items()} == {f.name: 0.0 for f in assignment.functions}
    gated = [t for t in outcome.results["tests"] if "ignores W" in t["output"]]
    assert gated and all(t["hint"] == "" for t in gated)  # the property's hint is about another mistake


@pytest.mark.parametrize("entry", MUTANTS, ids=lambda e: e.name)
def test_mutant_loses_points_on_its_function_only(outcomes, entry):
    outcome, scores = graded(outcomes, entry.name)
    for function, (score, top) in scores.items():
        if function in entry.loses:
            assert score < top, f"{entry.name} ({entry.why}) kept full marks on {function}"
        else:
            assert score == top, f"{entry.name} lost points on {function}: {outcome.failures(function)}"


def node_name(test: dict) -> str:
    return test["nodeid"].split("::")[-1].split("[")[0]


@pytest.mark.parametrize("entry", [m for m in MUTANTS if m.loses == ("svm_loss_vectorized",)
                                   and m.name not in LOOPING | RAISING], ids=lambda e: e.name)
def test_loop_free_mutants_keep_their_loop_free_points(outcomes, entry):
    """A property's points are lost only for what it checks: wrong values cost the value properties only."""
    outcome, _ = graded(outcomes, entry.name)
    [loop_free] = [t for t in outcome.results["tests"] if node_name(t) == "test_svm_vectorized_has_no_loops"]
    assert loop_free["status"] == "passed", loop_free["output"]


@pytest.mark.parametrize("entry", [m for m in MUTANTS if m.name in LOOPING], ids=lambda e: e.name)
def test_looping_mutants_lose_the_loop_free_points_only(outcomes, entry):
    """Correct values computed by a loop: every untimed property passes but the loop check."""
    outcome, _ = graded(outcomes, entry.name)
    failed = {node_name(t) for t in outcome.results["tests"] if t["status"] != "passed"}
    assert failed - {"test_svm_vectorized_is_fast"} == {"test_svm_vectorized_has_no_loops"}


@pytest.mark.parametrize("entry", VARIANTS, ids=lambda e: e.name)
def test_correct_variant_gets_full_marks(outcomes, entry):
    outcome, scores = graded(outcomes, entry.name)
    assert outcome.failures() == [], f"{entry.name} ({entry.why}) lost points"
    assert all(score == top for score, top in scores.values())


@pytest.mark.parametrize("entry", MUTANTS, ids=lambda e: e.name)
def test_mutant_failures_teach(outcomes, entry):
    """Each failure a student reads has a message, a hint and (for properties) the smallest failing input."""
    outcome, _ = graded(outcomes, entry.name)
    for test in outcome.results["tests"]:
        if test["status"] == "passed":
            continue
        assert test["output"].strip(), test["nodeid"]
        assert test["hint"].strip() or GATED in test["output"], test["nodeid"]
        assert "hidden_tests" not in test["output"] and "def test_" not in test["output"], test["nodeid"]
        if test["nodeid"].split("::")[-1].split("[")[0] not in NOT_PROPERTIES:
            assert test["falsifying_example"].startswith("Falsifying example"), test["nodeid"]
