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
#: What the suite's gate says when a function ignores its input (its failures carry no property hint).
GATE_MESSAGE = "ignores W"
#: The hidden tests that are not Hypothesis properties (no falsifying example to show).
NOT_PROPERTIES = {"test_svm_vectorized_has_no_loops", "test_svm_vectorized_is_fast"}

__all__ = ["DO_NOTHING", "GATE_MESSAGE", "MUTANTS", "NOT_PROPERTIES", "VARIANTS"]
