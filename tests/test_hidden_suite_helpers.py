"""Unit tests of the hidden suite's helper modules: mutation detection in both bindings, the loop finder,
scale-derived tolerances, the kink-aware SVM subgradients and the corpus patcher."""

import sys
from types import SimpleNamespace

import numpy as np
import pytest
from corpus import patch_function

from grader.assignment import load_assignment

sys.path.insert(0, str(load_assignment("loss_optimization").hidden_tests_dir))

import prop_oracle
from prop_checks import call_and_check_mutation, likely_mistake, tolerance
from prop_source import loops_in


def scale_in_place(W, X):
    X *= 2.0
    return float(W.sum())


def test_mutation_is_found_in_process_by_comparing_copies():
    W, X = np.ones((2, 2)), np.ones((3, 2))
    result, mutated = call_and_check_mutation(SimpleNamespace(f=scale_in_place), "f", W, X)
    assert result == 4.0 and mutated == (1,)
    _, mutated = call_and_check_mutation(SimpleNamespace(f=lambda W, X: 0.0), "f", W, X)
    assert mutated == ()


def test_mutation_reported_by_a_sandbox_proxy_is_used():
    proxy = SimpleNamespace(f=lambda W, X: 0.0, last_call_mutated=(0,))
    _, mutated = call_and_check_mutation(proxy, "f", np.ones(2), np.ones(2))
    assert mutated == (0,)


def test_loops_are_found_in_the_function_and_the_helpers_it_calls():
    import ast

    tree = ast.parse(
        "def helper(a):\n    return [x for x in a]\n\n"
        "def clean(a):\n    return a.sum()\n\n"
        "def f(a):\n    while False:\n        pass\n    return helper(a)\n"
    )
    assert loops_in(tree, "clean") == []
    found = loops_in(tree, "f")
    assert any("while loop (in f)" in s for s in found) and any("list comprehension (in helper)" in s for s in found)


def test_tolerance_grows_with_scale_and_precision():
    W, X = np.ones((4, 3)), np.ones((5, 4))
    small, large = tolerance(W, X, 0.0, np.float64), tolerance(100 * W, X, 0.0, np.float64)
    assert 0 < small.loss < large.loss and small.grad < large.grad
    single = tolerance(W, X, 0.0, np.float32)
    assert single.loss > 1e6 * small.loss
    assert small.loss < 1e-10  # far below any real mistake


def test_svm_subgradients_cover_both_sides_of_a_tie():
    W = np.zeros((1, 2))
    X = np.array([[1.0]])
    y = np.array([0])
    W[0, 1] = -1.0  # margin of class 1: -1 - 0 + 1 = 0, a tie
    grads = prop_oracle.svm_subgradients(W, X, y, 0.0, 0.0)
    assert len(grads) == 2
    assert np.array_equal(grads[0], np.zeros((1, 2)))
    assert np.array_equal(grads[1], np.array([[-1.0, 1.0]]))


def test_likely_mistake_names_every_matching_explanation():
    text = likely_mistake(2.0, {"a": 2.0, "b": 3.0, "c": 2.0}, 1e-9)
    assert text == "likely mistake: a; or c"
    assert likely_mistake(2.0, {"b": 3.0}, 1e-9) == ""


def test_patch_function_replaces_only_the_named_function():
    text = "import x\n\n\ndef a():\n    return 1\n\n\n@dec\ndef b():\n    return 2\n"
    patched = patch_function(text, "b", "def b():\n    return 3\n")
    assert "return 3" in patched and "@dec" not in patched and "return 1" in patched
    with pytest.raises(KeyError):
        patch_function(text, "nope", "def nope(): pass")
