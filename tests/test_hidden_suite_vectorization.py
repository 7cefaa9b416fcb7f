"""Unit tests of how the hidden suite judges vectorization and real work: the loop check reads what Python runs
(coding cookies, decorators, rebinding), the speed check's fresh inputs and same-computation test, and the
gate's dependence on every input."""

import sys
from types import SimpleNamespace

import numpy as np
import pytest

from grader.assignment import load_assignment

ASSIGNMENT = load_assignment("loss_optimization")
sys.path.insert(0, str(ASSIGNMENT.hidden_tests_dir))
sys.path.insert(0, str(ASSIGNMENT.reference_dir))

import prop_timing
from prop_gate import does_no_work, ignores_its_input
from prop_source import check_loop_free

NAIVE = "def svm_loss_naive(W, X, y, reg):\n    for i in range(3):\n        pass\n    return 0.0, W\n"
CLEAN = "def svm_loss_vectorized(W, X, y, reg):\n    return float(X.dot(W).sum()), W\n"


def verdict(tmp_path, text: str | bytes, local=frozenset()):
    path = tmp_path / "linear_svm.py"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return check_loop_free(path, "svm_loss_vectorized", set(local))


def test_a_plain_loop_free_function_passes_and_the_reference_too(tmp_path):
    found = verdict(tmp_path, "import numpy as np\n" + NAIVE + CLEAN)
    assert found.defined and found.loops == [] and found.unreadable == []
    reference = check_loop_free(ASSIGNMENT.reference_dir / "linear_svm.py", "svm_loss_vectorized")
    assert reference.loops == [] and reference.unreadable == []


def test_a_utf7_cookie_is_decoded_as_python_decodes_it(tmp_path):
    hidden = (b"# -*- coding: utf-7 -*-\n" + NAIVE.encode()
              + b"def svm_loss_vectorized(W, X, y, reg):\n    # fast +AAo-    return svm_loss_naive(W, X, y, reg)\n"
              b"    return 0.0, W\n")
    found = verdict(tmp_path, hidden)
    assert found.encoding == "utf-7"
    assert any("for loop (in svm_loss_naive)" in loop for loop in found.loops)


def test_bytes_that_do_not_decode_are_an_error_not_a_pass(tmp_path):
    with pytest.raises(SyntaxError):
        verdict(tmp_path, b'"""caf\xe9"""\n' + CLEAN.encode())


@pytest.mark.parametrize("swap", [
    "def fast(f):\n    return svm_loss_naive\n\n@fast\n" + CLEAN,
    "def fast(f):\n    return lambda *a: svm_loss_naive(*a)\n\n@fast\n" + CLEAN,
    CLEAN + "svm_loss_vectorized = svm_loss_naive\n",
    CLEAN + "if True:\n    svm_loss_vectorized = svm_loss_naive\n",
    ("def svm_loss_vectorized(W, X, y, reg):\n    global svm_loss_vectorized\n"
     "    svm_loss_vectorized = svm_loss_naive\n    return 0.0, W\n"),
    "svm_loss_vectorized = lambda W, X, y, reg: svm_loss_naive(W, X, y, reg)\n",
], ids=["decorator", "decorator_lambda", "alias", "alias_in_if", "global_rebinding", "lambda"])
def test_what_the_name_is_bound_to_is_what_is_checked(tmp_path, swap):
    found = verdict(tmp_path, NAIVE + swap)
    assert any("(in svm_loss_naive)" in loop for loop in found.loops), found


@pytest.mark.parametrize("source, what", [
    ("def svm_loss_vectorized(W, X, y, reg, i=0):\n    return svm_loss_vectorized(W, X, y, reg, i + 1)\n",
     "recursion"),
    ("def svm_loss_vectorized(W, X, y, reg):\n    return sum(map(float, X)), W\n", "map()"),
    ("import numpy as np\ndef svm_loss_vectorized(W, X, y, reg):\n    return np.vectorize(float)(X), W\n",
     "vectorize()"),
])
def test_loops_by_another_name_are_loops(tmp_path, source, what):
    assert any(what in loop for loop in verdict(tmp_path, source).loops)


@pytest.mark.parametrize("source", [
    CLEAN + "globals()['svm_loss_vectorized'] = svm_loss_naive\n",
    CLEAN + "import sys\nsetattr(sys.modules[__name__], 'svm_loss_vectorized', None)\n",
    CLEAN + "__import__('linear_svm').svm_loss_vectorized = None\n",
    "from helpers import svm_loss_vectorized\n",
    "def svm_loss_vectorized(W, X, y, reg):\n    return eval('svm_loss_naive')(W, X, y, reg)\n",
], ids=["globals", "setattr", "attribute_store", "local_import", "eval"])
def test_code_the_check_cannot_read_is_never_a_pass(tmp_path, source):
    found = verdict(tmp_path, NAIVE + source, local={"helpers"})
    assert found.unreadable, found


def test_library_imports_and_module_constants_are_not_loops(tmp_path):
    source = ('__import__("ctypes")\nimport numpy as np\nTABLE = [i for i in range(3)]\n'
              "def svm_loss_vectorized(W, X, y, reg):\n    return float(np.sum(TABLE)), W\n")
    found = verdict(tmp_path, source)
    assert found.loops == [] and found.unreadable == []


def test_a_missing_name_is_reported(tmp_path):
    assert not verdict(tmp_path, NAIVE).defined


def test_timed_inputs_are_fresh_and_copies_of_a_block():
    rng = np.random.default_rng(0)
    first, second = prop_timing.fresh_timed(rng), prop_timing.fresh_timed(rng)
    assert not np.array_equal(first.big[1], second.big[1])
    _, X, _, reg = first.big
    assert X.shape == (prop_timing.SPEED_N, prop_timing.SPEED_D) and reg == 0.0
    assert len(np.unique(X, axis=0)) == prop_timing.BLOCK_N


def test_same_computation_accepts_a_mean_or_a_sum_over_examples_and_nothing_else():
    import linear_svm

    timed = prop_timing.fresh_timed(np.random.default_rng(1))
    big, block = linear_svm.svm_loss_vectorized(*timed.big), linear_svm.svm_loss_vectorized(*timed.block)
    assert prop_timing.same_computation(big, block)
    copies = prop_timing.COPIES
    assert prop_timing.same_computation((big[0] * copies, big[1] * copies), block)
    assert not prop_timing.same_computation((0.0, np.zeros_like(big[1])), block)
    assert not prop_timing.same_computation((big[0] + 1.0, big[1]), block)


def test_speedup_times_fresh_inputs_so_a_cache_never_hits():
    seen = []

    def fast(W, X, y, reg):
        seen.append(X[:3].tobytes())
        return float(X.mean()), np.zeros_like(W)

    measured = prop_timing.speedup(fast, lambda *a: sum(range(20000)), 1.0, 231, lambda r, W: r)
    assert measured.different == "" and len(seen) == len(set(seen))


def test_speedup_reports_a_different_computation_at_the_timed_size():
    def cheats(W, X, y, reg):
        return (0.0 if X.shape[0] > 100 else float(X.sum())), np.zeros_like(W)

    measured = prop_timing.speedup(cheats, lambda *a: None, 1.0, 231, lambda r, W: r)
    assert "copies" in measured.different and measured.speedup == 0.0


def svm_student(function):
    return SimpleNamespace(svm_loss_naive=function)


def test_the_gate_needs_dependence_on_each_input():
    import linear_svm

    assert ignores_its_input(svm_student(linear_svm.svm_loss_naive), "svm_loss_naive", 231) == ""

    def exact_at_zero_only(W, X, y, reg):
        return linear_svm.svm_loss_naive(W, X, y, reg) if not W.any() else (float(np.sum(W * W)), 2 * W)

    why = ignores_its_input(svm_student(exact_at_zero_only), "svm_loss_naive", 231)
    assert "ignores X, y and reg" in why

    def forgets_y(W, X, y, reg):
        return float(X.dot(W).sum() + reg * np.sum(W * W)), W * reg

    assert "ignores y" in ignores_its_input(svm_student(forgets_y), "svm_loss_naive", 231)


def test_the_gate_holds_a_constant_sgd_step_and_lets_one_forgotten_argument_through():
    constant = SimpleNamespace(sgd_step=lambda W, dW, learning_rate: np.ones_like(W))
    assert "whatever W, dW and learning_rate" in ignores_its_input(constant, "sgd_step", 231)
    for update in (lambda W, dW, lr: W - lr * dW, lambda W, dW, lr: W - dW, lambda W, dW, lr: -lr * dW):
        assert ignores_its_input(SimpleNamespace(sgd_step=update), "sgd_step", 231) == ""


def test_a_function_that_raises_does_no_work_for_the_strict_gate_only():
    def raises(W, X, y, reg):
        raise NotImplementedError("not yet")

    assert ignores_its_input(svm_student(raises), "svm_loss_naive", 231) == ""
    assert "NotImplementedError: not yet" in does_no_work(svm_student(raises), "svm_loss_naive", 231)


def test_forgetting_reg_everywhere_is_a_mistake_not_a_vacuous_function():
    import linear_svm

    def forgets_reg(W, X, y, reg):
        return linear_svm.svm_loss_naive(W, X, y, 0.0)

    assert ignores_its_input(svm_student(forgets_reg), "svm_loss_naive", 231) == ""
    # the strict gate calls it for real: a function that raised would be held there
    assert does_no_work(svm_student(forgets_reg), "svm_loss_naive", 231) == ""
