"""The optimization corpus: mutants, correct variants, the do-nothing submission and the tests that are not
Hypothesis properties (they show no falsifying example)."""

from corpus import Entry
from corpus.optimization.correct_variants import VARIANTS
from corpus.optimization.mutants import MUTANTS

#: Functions that return something well-formed without doing the work: they must score nothing.
DO_NOTHING = Entry("do_nothing", {
    "sgd_momentum": "def sgd_momentum(w, dw, config=None):\n    return w, {} if config is None else config\n",
    "rmsprop": "def rmsprop(w, dw, config=None):\n    return w, {} if config is None else config\n",
    "adam": "def adam(w, dw, config=None):\n    return w, {} if config is None else config\n",
    "elastic_net": "def elastic_net(W, l1, l2):\n    return 0.0, np.zeros_like(W)\n",
    "train": "def train(X, y, W, **options):\n    return W.copy(), [0.0] * options.get('num_iters', 100)\n",
})
#: The hidden tests that are not Hypothesis properties (no falsifying example to show).
NOT_PROPERTIES = {"test_momentum_notebook_check", "test_rmsprop_notebook_check", "test_adam_notebook_check",
                  "test_train_reaches_good_accuracy_on_digits"}

__all__ = ["DO_NOTHING", "MUTANTS", "NOT_PROPERTIES", "VARIANTS"]
