"""Hidden properties of elastic_net: l1·Σ|W| + l2·ΣW² and its (sub)gradient l1·sign(W) + 2·l2·W, its two
special cases (l1 = 0 is L2, l2 = 0 is L1), a gradient check away from zeros, any subgradient in
[−l1, l1] where W is exactly 0, inputs untouched."""

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rule_checks import fail, sentence

FN = "elastic_net"


def grade(points: float, hint: str):
    """The grade marker of an elastic_net test."""
    return pytest.mark.grade(function=FN, points=points, hint=hint)


@dataclass(frozen=True)
class Penalty:
    """W of `shape` (standard normal, a fraction `zeros` of entries set to exactly 0) and strengths l1, l2."""

    shape: tuple
    l1: float
    l2: float
    zeros: float = 0.0
    seed: int = 0

    def W(self, base_seed: int) -> np.ndarray:
        rng = np.random.default_rng([base_seed, self.seed])
        W = rng.standard_normal(self.shape)
        W[rng.random(self.shape) < self.zeros] = 0.0
        return W

    def describe(self) -> str:
        return sentence("input: W of shape {shape}, l1 = {l1}, l2 = {l2}", shape=self.shape, l1=repr(self.l1),
                        l2=repr(self.l2))


def penalties(l1=(0.0, 0.1, 1.0, 3e-3), l2=(0.0, 0.5, 1e-2, 2.0), zeros=(0.0,), size=6,
              ndim=3) -> st.SearchStrategy[Penalty]:
    """Penalties with W of 1 to `ndim` dimensions (sizes 1..size) and the given strengths."""
    return st.builds(Penalty, shape=st.lists(st.integers(1, size), min_size=1, max_size=ndim).map(tuple),
                     l1=st.sampled_from(l1), l2=st.sampled_from(l2), zeros=st.sampled_from(zeros),
                     seed=st.integers(0, 2**16))


def run(student, W, l1, l2, context: str) -> tuple[float, np.ndarray]:
    """The student's (penalty, dW) on a copy of W, after checking the structure."""
    out = student.elastic_net(W.copy(), l1, l2)
    if not isinstance(out, tuple) or len(out) != 2:
        fail("elastic_net must return a tuple (penalty, dW).", context, sentence("got {kind}", kind=type(out).__name__))
    penalty, dW = out
    if not isinstance(penalty, (float, np.floating)) or not isinstance(dW, np.ndarray) or dW.shape != W.shape:
        fail("elastic_net must return (penalty as a float, dW as an array shaped like W).", context,
             sentence("got ({penalty}, {kind} of shape {shape})", penalty=type(penalty).__name__,
                      kind=type(dW).__name__, shape=np.shape(dW)))
    return float(penalty), dW.astype(np.float64)


def expected(W, l1, l2) -> tuple[float, np.ndarray]:
    return float(l1 * np.abs(W).sum() + l2 * (W * W).sum()), l1 * np.sign(W) + 2 * l2 * W


def check_against(W, l1, l2, got_penalty, got_dW, prop: str, context: str, mistakes: dict) -> None:
    """Fail with `prop` unless (penalty, dW) is the elastic net's; name a matching mistake."""
    penalty, dW = expected(W, l1, l2)
    tol_p = 1e-12 * (l1 * np.abs(W).sum() + l2 * (W * W).sum()) + 1e-300
    tol_g = 1e-12 * (l1 + 2 * l2 * np.abs(W)) + 1e-300
    ok_p = abs(got_penalty - penalty) <= tol_p
    ok_g = bool(np.all(np.abs(got_dW - dW) <= tol_g))
    if ok_p and ok_g:
        return
    why = [m for m, (p, g) in mistakes.items()
           if (ok_p or abs(got_penalty - p) <= 1e-9 * (1 + abs(p))) and (ok_g or np.allclose(got_dW, g))]
    if not ok_p:
        detail = sentence("{entry}: expected {expected}, got {got}", entry="penalty", expected=repr(penalty),
                          got=repr(got_penalty))
    else:
        k = np.unravel_index(int(np.argmax(np.abs(got_dW - dW))), W.shape)
        entry = sentence("{entry} at W = {w}", entry=f"dW{[int(i) for i in k]}", w=repr(float(W[k])))
        detail = sentence("{entry}: expected {expected}, got {got}", entry=entry, expected=repr(float(dW[k])),
                          got=repr(float(got_dW[k])))
    fail(prop, context, detail, ("likely mistake: " + "; or ".join(why)) if why else "")


def known_mistakes(W, l1, l2) -> dict:
    """Common wrong answers: {what went wrong: (penalty, dW)}."""
    a, q = np.abs(W).sum(), (W * W).sum()
    return {
        "the L2 gradient is missing its factor 2 (d/dW of l2·W² is 2·l2·W)": (l1 * a + l2 * q, l1 * np.sign(W) + l2 * W),
        "the L1 gradient is l1·W instead of l1·sign(W)": (l1 * a + l2 * q, l1 * W + 2 * l2 * W),
        "the L1 penalty sums W instead of |W|": (l1 * W.sum() + l2 * q, l1 * np.sign(W) + 2 * l2 * W),
        "l1 and l2 swapped": (l2 * a + l1 * q, l2 * np.sign(W) + 2 * l1 * W),
        "the penalty uses 0.5·l2·ΣW² (another convention; this kit's is l2·ΣW²)": (l1 * a + 0.5 * l2 * q,
                                                                                   l1 * np.sign(W) + l2 * W),
    }


@grade(3, "penalty = l1 * np.sum(np.abs(W)) + l2 * np.sum(W * W); dW = l1 * np.sign(W) + 2 * l2 * W.")
@given(p=penalties())
def test_elastic_net_value_and_gradient(student, base_seed, p):
    """Elastic net: penalty and gradient for any shape and strengths"""
    W = p.W(base_seed)
    got = run(student, W, p.l1, p.l2, p.describe())
    check_against(W, p.l1, p.l2, *got, "elastic_net: penalty or dW differs from l1·Σ|W| + l2·ΣW².",
                  p.describe(), known_mistakes(W, p.l1, p.l2))


@grade(2, "l1 = 0 leaves the loss functions' L2 penalty reg·ΣW² with gradient 2·reg·W; l2 = 0 leaves "
          "l1·Σ|W| with gradient l1·sign(W).")
@given(p=penalties(l1=(0.3,), l2=(0.7,)), which=st.sampled_from(("l1 = 0 (pure L2)", "l2 = 0 (pure L1)")))
def test_elastic_net_special_cases(student, base_seed, p, which):
    """Elastic net: l1 = 0 is the L2 penalty and l2 = 0 the L1 penalty"""
    W = p.W(base_seed)
    l1, l2 = (0.0, p.l2) if which.startswith("l1") else (p.l1, 0.0)
    context = sentence("input: W of shape {shape}, l1 = {l1}, l2 = {l2}", shape=p.shape, l1=repr(l1), l2=repr(l2))
    got = run(student, W, l1, l2, context)
    check_against(W, l1, l2, *got, sentence("elastic_net with {which} must be that penalty alone.", which=which), context,
                  known_mistakes(W, l1, l2))


@grade(2, "dW must be the derivative of the penalty: check it against centred differences.")
@given(p=penalties(l1=(0.1, 1.0), l2=(0.5, 2.0), size=4, ndim=2))
def test_elastic_net_gradient_check(student, base_seed, p):
    """Elastic net: dW agrees with centred differences of the student's own penalty (away from zeros)"""
    W = p.W(base_seed)
    W[np.abs(W) < 1e-3] = 1e-3
    penalty, dW = run(student, W, p.l1, p.l2, p.describe())
    check_against(W, p.l1, p.l2, penalty, dW, "elastic_net: penalty or dW is wrong.", p.describe(),
                  known_mistakes(W, p.l1, p.l2))
    h = 1e-5
    numeric = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        plus, minus = W.copy(), W.copy()
        plus[idx] += h
        minus[idx] -= h
        numeric[idx] = (run(student, plus, p.l1, p.l2, p.describe())[0]
                        - run(student, minus, p.l1, p.l2, p.describe())[0]) / (2 * h)
    err = np.abs(numeric - dW) / np.maximum(1e-8, np.abs(numeric) + np.abs(dW))
    if np.all(err < 1e-6):
        return
    k = np.unravel_index(int(np.argmax(err)), W.shape)
    fail("elastic_net: dW must be the gradient of the penalty it returns.", p.describe(),
         sentence("at {index}: dW = {dW}, centred difference {numeric}", index=[int(i) for i in k],
                  dW=repr(float(dW[k])), numeric=repr(float(numeric[k]))))


@grade(1, "Where W is exactly 0, |W| has no derivative: any value in [-l1, l1] (np.sign gives 0) plus 2·l2·0.")
@given(p=penalties(l1=(0.5, 2.0), zeros=(0.5, 1.0)))
def test_elastic_net_subgradient_at_zero(student, base_seed, p):
    """Elastic net: at W = 0 exactly, dW lies in [−l1, l1]"""
    W = p.W(base_seed)
    penalty, dW = run(student, W, p.l1, p.l2, p.describe())
    want = float(p.l1 * np.abs(W).sum() + p.l2 * (W * W).sum())
    if not abs(penalty - want) <= 1e-12 * (1 + want):
        fail("elastic_net: the penalty is wrong.", p.describe(),
             sentence("expected {expected}, got {got}", expected=repr(want), got=repr(penalty)))
    off = W != 0
    if not np.allclose(dW[off], (p.l1 * np.sign(W) + 2 * p.l2 * W)[off], rtol=1e-12, atol=1e-300):
        fail("elastic_net: dW is wrong where W is not 0.", p.describe())
    zero = W == 0
    bad = zero & ~(np.abs(dW) <= p.l1 * (1 + 1e-12))
    if not bad.any():
        return
    k = tuple(int(i) for i in np.argwhere(bad)[0])
    fail("elastic_net: where W is 0, dW must be a subgradient of l1·|W|: a value in [-l1, l1].", p.describe(),
         f"at {list(k)}: W = 0.0, dW = {float(dW[k])!r}")


@grade(2, "Compute the penalty without changing W (no W *= ..., no np.abs(W, out=W)).")
@given(p=penalties(l1=(0.1, 1.0), l2=(0.5,)))
def test_elastic_net_leaves_W_alone(student, base_seed, p):
    """Elastic net: W is left unchanged and the answer is right"""
    W = p.W(base_seed)
    kept = W.copy()
    student.elastic_net(W, p.l1, p.l2)
    changed = student.last_call_mutated
    if 0 in changed or not np.array_equal(W, kept):
        fail("elastic_net modified its input W: a training loop reuses it.", p.describe())
    run_out = run(student, kept, p.l1, p.l2, p.describe())
    check_against(kept, p.l1, p.l2, *run_out, "elastic_net: penalty or dW is wrong.", p.describe(),
                  known_mistakes(kept, p.l1, p.l2))
