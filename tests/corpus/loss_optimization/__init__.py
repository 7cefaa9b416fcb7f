"""The loss_optimization corpus: mutants, correct variants, the do-nothing submission and the tests that are
not Hypothesis properties (they show no falsifying example)."""

from corpus import Entry
from corpus.loss_optimization.correct_variants import VARIANTS
from corpus.loss_optimization.mutants import MUTANTS

#: Functions that ignore their input: they satisfy types, purity, invariances and their own gradient check
#: vacuously, and must still score nothing.
DO_NOTHING = Entry("do_nothing", {
    "svm_loss_naive": "def svm_loss_naive(W, X, y, reg):\n    return 0.0, np.zeros_like(W)\n",
    "svm_loss_vectorized": "def svm_loss_vectorized(W, X, y, reg):\n    return 0.0, np.zeros_like(W)\n",
    "softmax_loss": "def softmax_loss(W, X, y, reg):\n    return 0.0, np.zeros_like(W)\n",
    "sgd_step": "def sgd_step(W, dW, learning_rate):\n    return W.copy()\n",
})
#: What every message of the suite's gate says (its failures carry no property hint: not the property's mistake).
GATE_MESSAGE = "earns no points for properties"
#: The hidden tests that are not Hypothesis properties (no falsifying example to show).
NOT_PROPERTIES = {"test_svm_vectorized_has_no_loops", "test_svm_vectorized_is_fast"}

#: The function with loop-free points, its loop-free test and its timed tests.
LOOP_FREE_FUNCTION = "svm_loss_vectorized"
LOOP_FREE_TEST = "test_svm_vectorized_has_no_loops"
TIMED_TESTS = {"test_svm_vectorized_is_fast"}
#: Vectorized mutants that loop (or call the loop): they lose the loop-free points and keep every value point.
LOOPING = {"vectorized_loops", "vectorized_calls_naive"}
#: Vectorized mutants that raise on ordinary inputs (a broadcast of (N,) against (N, C); N taken from X's
#: second axis): they do no work, so the gate holds them before the loop check.
RAISING = {"vectorized_no_newaxis", "vectorized_n_from_wrong_axis"}

__all__ = ["DO_NOTHING", "GATE_MESSAGE", "LOOPING", "LOOP_FREE_FUNCTION", "LOOP_FREE_TEST", "MUTANTS",
           "NOT_PROPERTIES", "RAISING", "TIMED_TESTS", "VARIANTS"]
