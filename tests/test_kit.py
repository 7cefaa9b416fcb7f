"""The student kit's public tests: the reference passes them all, the stubs fail each one with a one-line
"not implemented yet", common mistakes fail with a message naming the broken property, the kit's own
`make test` works on a copy, and the stubs do not drift from the reference."""

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.assignment import load_assignment

ROOT = Path(__file__).resolve().parent.parent
NAME = "loss_optimization"
KIT = ROOT / "assignments" / NAME
REFERENCE = ROOT / "reference" / NAME
SOLUTION_DIR_VARIABLE = "LOSS_OPTIMIZATION_SOLUTION_DIR"
NOISE = (
    "Traceback",
    "raise NotImplementedError",
    "hypothesis",
    "Falsifying example",
    "kit_checks.py",
    "E   ",
)


#: What an outer `make test PYTEST_ARGS=...` of this project leaves in the environment: never the kit's.
OUTER_MAKE_VARIABLES = frozenset({"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTEST_ARGS"})


def public_env(**extra):
    """A clean environment for a child pytest: no inherited solution folder, no bytecode files."""
    env = {k: v for k, v in os.environ.items() if k != SOLUTION_DIR_VARIABLE and k not in OUTER_MAKE_VARIABLES}
    env.update(PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def run_public_tests(out_dir, *pytest_args, env=None):
    """Run the kit's public tests in a child process; returns (exit code, terminal output, cases).

    cases maps "module::test" to (outcome, summary line, full failure text) from a JUnit XML report.
    """
    xml = Path(out_dir) / "public.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={xml}", *pytest_args],
        check=False,
        capture_output=True,
        text=True,
        env=env or public_env(),
        cwd=out_dir,
        timeout=300,
    )
    cases = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        key = f"{case.get('classname').rsplit('.', 1)[-1]}::{case.get('name')}"
        problem = next((c for c in case if c.tag in ("failure", "error")), None)
        if problem is None:
            skipped = any(c.tag == "skipped" for c in case)
            cases[key] = ("skipped" if skipped else "passed", "", "")
        else:
            cases[key] = (problem.tag, problem.get("message", ""), problem.text or "")
    return proc.returncode, proc.stdout + proc.stderr, cases


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    return run_public_tests(
        tmp_path_factory.mktemp("reference"), str(KIT / "tests"), "--solution-dir", str(REFERENCE)
    )


@pytest.fixture(scope="module")
def stub_run(tmp_path_factory):
    return run_public_tests(tmp_path_factory.mktemp("stubs"), str(KIT / "tests"))


def test_the_reference_passes_every_public_test(reference_run):
    code, output, cases = reference_run
    assert code == 0, output
    assert len(cases) >= 20, f"expected the whole public suite, got {sorted(cases)}"
    assert {outcome for outcome, _, _ in cases.values()} == {"passed"}, output


def test_the_stubs_fail_every_public_test_with_one_plain_line(stub_run, reference_run):
    code, output, cases = stub_run
    assert code == 1, output
    assert set(cases) == set(reference_run[2]), "the stub run and the reference run collect the same tests"
    files = {fn.name: fn.file for fn in load_assignment(NAME).functions}
    named = set()
    for test, (outcome, summary, text) in cases.items():
        assert outcome == "failure", (test, outcome, text)
        match = re.fullmatch(r"(\w+) is not implemented yet \(edit (\w+\.py)\)", text.strip())
        assert match and summary == text.strip(), f"{test}: {text!r}"
        function, file = match.groups()
        assert files[function] == file
        named.add(function)
        parametrized = re.search(r"\[(\w+)\]$", test)
        if parametrized:
            assert function == parametrized.group(1), test
    assert named == set(files), "every function's stub is reported by some test"
    for noise in NOISE:
        assert noise not in output, f"{noise!r} in the students' output:\n{output}"


def test_the_kits_make_test_passes_once_the_reference_is_copied_in(tmp_path):
    kit = tmp_path / "kit"
    shutil.copytree(KIT, kit, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache"))
    for path in REFERENCE.glob("*.py"):
        shutil.copy(path, kit / path.name)
    proc = subprocess.run(
        ["make", "test", f"PYTHON={sys.executable}"],
        check=False,
        cwd=kit,
        capture_output=True,
        text=True,
        env=public_env(),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"\b\d+ passed\b", proc.stdout) and "failed" not in proc.stdout, proc.stdout


def test_the_kits_make_test_names_missing_packages_and_the_pip_command(tmp_path):
    # `python -S` skips site-packages: numpy, pytest and hypothesis are then missing.
    proc = subprocess.run(
        ["make", "test", f"PYTHON={sys.executable} -S"],
        check=False,
        cwd=KIT,
        capture_output=True,
        text=True,
        env=public_env(),
        timeout=60,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Missing Python packages: numpy, pytest, hypothesis." in out
    assert "-m pip install -r requirements.txt" in out and (KIT / "requirements.txt").is_file()


def test_broken_files_are_reported_in_plain_words(tmp_path):
    solution = tmp_path / "solution"
    shutil.copytree(REFERENCE, solution, ignore=shutil.ignore_patterns("__pycache__"))
    (solution / "linear_svm.py").write_text(
        "import numpy as np\n\ndef svm_loss_naive(W, X, y, reg)\n    pass\n"
    )
    (solution / "optim.py").unlink()
    softmax = (solution / "softmax.py").read_text()
    (solution / "softmax.py").write_text(
        softmax.replace("    num_train = X.shape[0]\n", "    num_train = X.shape[3]\n")
    )
    code, output, cases = run_public_tests(
        tmp_path, str(KIT / "tests"), env=public_env(**{SOLUTION_DIR_VARIABLE: str(solution)})
    )
    assert code == 1
    for test, (outcome, _, text) in cases.items():
        assert outcome == "failure", test
        if test.startswith("test_public_linear_svm"):
            assert text == "could not import linear_svm.py: syntax error on line 3: expected ':'", text
        elif test.startswith("test_public_optim"):
            assert text == f"optim.py not found in {solution}", text
        else:
            assert text.startswith("softmax_loss raised IndexError: tuple index out of range\n  input: N="), (
                text
            )
            assert "softmax.py, line" in text and "in softmax_loss: num_train = X.shape[3]" in text, text
    assert "Traceback" not in output and "kit_checks.py" not in output


# Common mistakes, each an edit of the reference's source: (id, file, public test that must catch it,
# words its failure must contain, (old, new) replacements, each old text found exactly once).
MUTANTS = [
    ("svm_forgets_the_mean", "linear_svm.py",
     "test_zero_weights_give_exactly_C_minus_1[svm_loss_vectorized]", "divide by N",
     (("loss = margins.sum() / num_train +", "loss = margins.sum() +"),
      ("dW = X.T.dot(coeff) / num_train +", "dW = X.T.dot(coeff) +"))),
    ("svm_half_reg", "linear_svm.py",
     "test_regularization_is_reg_times_sum_of_squares[svm_loss_naive]", "(0.5 times the right value)",
     (("    loss += reg * np.sum(W * W)\n", "    loss += 0.5 * reg * np.sum(W * W)\n"),
      ("    dW += 2 * reg * W\n", "    dW += reg * W\n"))),
    ("svm_counts_the_correct_class", "linear_svm.py",
     "test_zero_weights_give_exactly_C_minus_1[svm_loss_naive]", "the correct class j == y[i] is counted",
     (("            if j == y[i]:\n                continue\n", ""),)),
    ("svm_no_hinge", "linear_svm.py",
     "test_zero_loss_stays_zero_when_W_is_scaled_up[svm_loss_vectorized]", "the loss and dW must be 0",
     (("margins = np.maximum(0, scores - correct + 1)", "margins = scores - correct + 1"),)),
    ("svm_gradient_misses_the_correct_class", "linear_svm.py",
     "test_gradient_matches_numerical_gradient[svm_loss_vectorized]", "does not match the numerical gradient",
     (("    coeff[rows, y] = -coeff.sum(axis=1)\n", ""),)),
    ("softmax_without_max_shift", "softmax.py",
     "test_large_scores_do_not_overflow", "softmax is not numerically stable",
     (("shifted = scores - scores.max(axis=1, keepdims=True)", "shifted = scores"),)),
    ("softmax_forgets_the_mean", "softmax.py",
     "test_zero_weights_give_log_C", "divide by N",
     (("loss = -log_probs[rows, y].sum() / num_train +", "loss = -log_probs[rows, y].sum() +"),
      ("dW = X.T.dot(probs) / num_train +", "dW = X.T.dot(probs) +"))),
    ("sgd_updates_in_place", "optim.py",
     "test_sgd_step_keeps_its_inputs", "it modified its input W",
     (("    next_W = W - learning_rate * dW\n    return next_W\n", "    W -= learning_rate * dW\n    return W\n"),)),
]


def edited(source, replacements):
    """source with each (old, new) applied; every old text must occur exactly once."""
    for old, new in replacements:
        assert source.count(old) == 1, f"the reference no longer contains {old!r} exactly once"
        source = source.replace(old, new)
    return source


def patched(source, function_source):
    """source with the top-level function of the same name replaced by function_source."""
    new = ast.parse(function_source).body[0]
    old = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == new.name)
    lines = source.splitlines(keepends=True)
    return (
        "".join(lines[: old.lineno - 1])
        + function_source.strip("\n")
        + "\n"
        + "".join(lines[old.end_lineno :])
    )


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_the_public_tests_catch_a_common_mistake(tmp_path, mutant):
    _, file, catching_test, words, replacements = mutant
    solution = tmp_path / "solution"
    shutil.copytree(REFERENCE, solution, ignore=shutil.ignore_patterns("__pycache__"))
    (solution / file).write_text(edited((REFERENCE / file).read_text(), replacements))
    module = f"test_public_{Path(file).stem}"
    code, output, cases = run_public_tests(
        tmp_path, str(KIT / "tests" / f"{module}.py"), "--solution-dir", str(solution)
    )
    assert code == 1, output
    outcome, _, text = cases[f"{module}::{catching_test}"]
    assert outcome == "failure" and words in text, text
    assert "expected:" in text and "got:" in text and "look at:" in text and "input:" in text, text


# Correct alternatives (other idioms, the other subgradient at the hinge kink, numpy-scalar losses), all
# patched into one copy of the reference: the public tests must never fail a correct solution.
CORRECT_VARIANTS = {
    "linear_svm.py": [
        """
def svm_loss_naive(W, X, y, reg):
    dW = np.zeros_like(W)
    loss = np.float64(0.0)
    for i in range(X.shape[0]):
        margins = X[i] @ W - X[i] @ W[:, y[i]] + 1
        margins[y[i]] = -1.0
        active = margins >= 0
        loss += margins[active].sum()
        dW += np.outer(X[i], active) - np.outer(X[i], np.eye(W.shape[1])[y[i]]) * active.sum()
    return loss / X.shape[0] + reg * np.linalg.norm(W) ** 2, dW / X.shape[0] + 2 * reg * W
""",
        """
def svm_loss_vectorized(W, X, y, reg):
    Y = np.eye(W.shape[1])[y]
    scores = np.einsum("nd,dc->nc", X, W)
    margins = np.maximum(0.0, scores - np.sum(scores * Y, axis=1, keepdims=True) + 1.0) * (1 - Y)
    active = (margins > 0).astype(float)
    coeff = active - Y * active.sum(axis=1, keepdims=True)
    dW = np.einsum("nd,nc->dc", X, coeff) / len(y) + 2 * reg * W
    return np.sum(margins) / len(y) + reg * np.sum(W**2), dW
""",
    ],
    "softmax.py": [
        """
def softmax_loss(W, X, y, reg):
    scores = X @ W
    top = scores.max(axis=1, keepdims=True)
    log_sum = top + np.log(np.exp(scores - top).sum(axis=1, keepdims=True))
    Y = np.eye(W.shape[1])[y]
    loss = np.mean(log_sum[:, 0] - np.sum(scores * Y, axis=1)) + reg * np.sum(W * W)
    return loss, X.T @ (np.exp(scores - log_sum) - Y) / X.shape[0] + 2 * reg * W
""",
    ],
    "optim.py": [
        """
def sgd_step(W, dW, learning_rate):
    next_W = W.copy()
    next_W -= learning_rate * dW
    return next_W
""",
    ],
}


def test_the_public_tests_pass_correct_alternatives(tmp_path):
    solution = tmp_path / "solution"
    shutil.copytree(REFERENCE, solution, ignore=shutil.ignore_patterns("__pycache__"))
    for file, functions in CORRECT_VARIANTS.items():
        source = (solution / file).read_text()
        for function_source in functions:
            source = patched(source, textwrap.dedent(function_source))
        (solution / file).write_text(source)
    code, output, cases = run_public_tests(tmp_path, str(KIT / "tests"), "--solution-dir", str(solution))
    assert code == 0, output
    assert {outcome for outcome, _, _ in cases.values()} == {"passed"}, output


def function_signatures(path):
    """{name: (ast dump of the arguments, docstring)} for every top-level function in path."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: (ast.dump(node.args), ast.get_docstring(node), [ast.dump(d) for d in node.decorator_list])
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }


@pytest.mark.parametrize("file", sorted(p.name for p in REFERENCE.glob("*.py")))
def test_stubs_and_reference_have_the_same_signatures_and_docstrings(file):
    reference = function_signatures(REFERENCE / file)
    stubs = function_signatures(KIT / file)
    assert reference, f"{file}: the reference defines functions"
    assert stubs == reference, f"{file}: a stub's name, signature or docstring drifted from the reference"


def test_every_graded_function_has_a_stub_and_the_kit_binds_the_manifests_files():
    functions = {fn.name: fn.file for fn in load_assignment(NAME).functions}
    for name, file in functions.items():
        assert name in function_signatures(KIT / file), f"{file} has no stub {name}"
    conftest = ast.parse((KIT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    bound = next(
        ast.literal_eval(n.value)
        for n in conftest.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "FUNCTION_FILES"
    )
    assert bound == functions


def test_the_kit_never_imports_the_grader():
    for path in (KIT / "tests").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            assert not any(n.split(".")[0] == "grader" for n in names), f"{path.name} imports the grader"


def test_an_outer_make_invocation_does_not_reach_the_kits_make(monkeypatch):
    monkeypatch.setenv("PYTEST_ARGS", "-k nothing_at_all")
    monkeypatch.setenv("MAKEFLAGS", " -- PYTEST_ARGS=-k\\ nothing_at_all")
    env = public_env()
    assert not OUTER_MAKE_VARIABLES & set(env)
