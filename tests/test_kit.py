"""Every assignment's student kit: the reference passes its public tests, the stubs fail each one with a
one-line "not implemented yet", common mistakes fail with a message naming the broken property, the kit's
own `make test` works on a copy, and the stubs do not drift from the reference."""

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from grader.assignment import assignment_names, load_assignment
from grader.kit_harness import HARNESS_DIR, STAMPED

ROOT = Path(__file__).resolve().parent.parent
NAMES = assignment_names()
#: The first kit, whose file-specific checks (broken files) are written for its files.
FIRST = "loss_optimization"


def kit_of(name):
    return ROOT / "assignments" / name


def reference_of(name):
    return ROOT / "reference" / name


def solution_copy(name, tmp_path):
    """A copy of the reference with the kit's provided files beside it (what a finished student folder holds)."""
    solution = tmp_path / "solution"
    shutil.copytree(reference_of(name), solution, ignore=shutil.ignore_patterns("__pycache__"))
    for file in load_assignment(name).provided_files:
        shutil.copy(kit_of(name) / file, solution / file)
    return solution


def solution_dir_variable(name):
    """The environment variable a kit's conftest reads for the folder to test: <NAME>_SOLUTION_DIR."""
    return f"{name.upper()}_SOLUTION_DIR"


KIT = kit_of(FIRST)
REFERENCE = reference_of(FIRST)
NOISE = (
    "Traceback",
    "raise NotImplementedError",
    "hypothesis",
    "Falsifying example",
    "kit_checks.py",
    "kit_failures.py",
    "E   ",
)


#: What an outer `make test PYTEST_ARGS=...` of this project leaves in the environment: never the kit's.
OUTER_MAKE_VARIABLES = frozenset({"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTEST_ARGS"})


def public_env(**extra):
    """A clean environment for a child pytest: no inherited solution folder, no bytecode files."""
    variables = {solution_dir_variable(name) for name in NAMES} | OUTER_MAKE_VARIABLES
    env = {k: v for k, v in os.environ.items() if k not in variables}
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


@pytest.fixture(scope="module", params=NAMES)
def name(request):
    """Each assignment in turn."""
    return request.param


@pytest.fixture(scope="module")
def reference_run(name, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    return run_public_tests(out, str(kit_of(name) / "tests"), "--solution-dir", str(solution_copy(name, out)))


@pytest.fixture(scope="module")
def stub_run(name, tmp_path_factory):
    return run_public_tests(tmp_path_factory.mktemp("stubs"), str(kit_of(name) / "tests"))


def test_the_reference_passes_every_public_test(reference_run):
    code, output, cases = reference_run
    assert code == 0, output
    assert len(cases) >= 20, f"expected the whole public suite, got {sorted(cases)}"
    assert {outcome for outcome, _, _ in cases.values()} == {"passed"}, output


def test_the_stubs_fail_every_public_test_with_one_plain_line(name, stub_run, reference_run):
    code, output, cases = stub_run
    assert code == 1, output
    assert set(cases) == set(reference_run[2]), "the stub run and the reference run collect the same tests"
    files = {fn.name: fn.file for fn in load_assignment(name).functions}
    named = set()
    for test, (outcome, summary, text) in cases.items():
        assert outcome == "failure", (test, outcome, text)
        match = re.fullmatch(r"(\w+) is not implemented yet \(edit (\w+\.py)\)", text.strip())
        assert match and summary == text.strip(), f"{test}: {text!r}"
        function, file = match.groups()
        assert files[function] == file
        named.add(function)
        parametrized = re.search(r"\[(\w+)\]$", test)
        if parametrized and parametrized.group(1) in files:
            assert function == parametrized.group(1), test
    assert named == set(files), "every function's stub is reported by some test"
    for noise in NOISE:
        assert noise not in output, f"{noise!r} in the students' output:\n{output}"


@pytest.mark.parametrize("name", NAMES)
def test_the_kits_make_test_passes_once_the_reference_is_copied_in(tmp_path, name):
    kit = tmp_path / "kit"
    shutil.copytree(kit_of(name), kit, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache"))
    for path in reference_of(name).glob("*.py"):
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


@pytest.mark.parametrize("name", NAMES)
def test_the_kits_make_test_names_missing_packages_and_the_pip_command(tmp_path, name):
    # `python -S` skips site-packages: numpy, pytest and hypothesis are then missing.
    proc = subprocess.run(
        ["make", "test", f"PYTHON={sys.executable} -S"],
        check=False,
        cwd=kit_of(name),
        capture_output=True,
        text=True,
        env=public_env(),
        timeout=60,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Missing Python packages: numpy, pytest, hypothesis." in out
    assert "-m pip install -r requirements.txt" in out and (kit_of(name) / "requirements.txt").is_file()


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
        tmp_path, str(KIT / "tests"), env=public_env(**{solution_dir_variable(FIRST): str(solution)})
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


# Common mistakes per assignment, each an edit of the reference's source: (id, file, public test that must
# catch it, words its failure must contain, (old, new) replacements, each old text found exactly once).
MUTANTS = {FIRST: [
    ("svm_forgets_the_mean", "linear_svm.py",
     "test_zero_weights_give_exactly_C_minus_1[svm_loss_vectorized]", "divide by N",
     (("loss = margins.sum() / num_train +", "loss = margins.sum() +"),
      ("dW = X.T.dot(coeff) / num_train +", "dW = X.T.dot(coeff) +"))),
    ("svm_half_reg", "linear_svm.py",
     "test_regularization_is_reg_times_sum_of_squares[svm_loss_naive]",
     "likely mistake: the regularization term is 0.5·reg·ΣW² (this course uses reg·ΣW²)",
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
], "optimization": [
    ("momentum_wrong_sign", "optim.py", "test_momentum_zero_is_sgd", "plain SGD",
     (("    next_w = w + v\n", "    next_w = w - v\n"),)),
    ("rmsprop_cache_not_stored", "optim.py", "test_cs231n_notebook_check[rmsprop]", "config['cache']",
     (('    config["cache"] = cache\n', ""),)),
    ("adam_no_bias_correction", "optim.py", "test_first_adaptive_step_has_a_fixed_size[adam]", "bias correction",
     (("    m_hat = m / (1 - beta1**t)\n", "    m_hat = m\n"), ("    v_hat = v / (1 - beta2**t)\n", "    v_hat = v\n"))),
    ("adam_t_after_use", "optim.py", "test_cs231n_notebook_check[adam]", "increment t before using it",
     (("    m_hat = m / (1 - beta1**t)\n", '    m_hat = m / (1 - beta1 ** config["t"])\n'),
      ("    v_hat = v / (1 - beta2**t)\n", '    v_hat = v / (1 - beta2 ** config["t"])\n'))),
    ("elastic_net_half_l2_gradient", "regularization.py", "test_gradient_matches_centred_differences",
     "gradient of the penalty", (("dW = l1 * np.sign(W) + 2 * l2 * W", "dW = l1 * np.sign(W) + l2 * W"),)),
    ("train_unseeded", "train.py", "test_the_same_seed_gives_the_same_weights", "default_rng(seed)",
     (("rng = np.random.default_rng(seed)", "rng = np.random.default_rng()"),)),
]}


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


@pytest.mark.parametrize("name, mutant", [(n, m) for n in NAMES for m in MUTANTS.get(n, ())],
                         ids=[f"{n}-{m[0]}" for n in NAMES for m in MUTANTS.get(n, ())])
def test_the_public_tests_catch_a_common_mistake(tmp_path, name, mutant):
    _, file, catching_test, words, replacements = mutant
    solution = solution_copy(name, tmp_path)
    (solution / file).write_text(edited((reference_of(name) / file).read_text(), replacements))
    module = f"test_public_{Path(file).stem}"
    code, output, cases = run_public_tests(
        tmp_path, str(kit_of(name) / "tests" / f"{module}.py"), "--solution-dir", str(solution)
    )
    assert code == 1, output
    outcome, _, text = cases[f"{module}::{catching_test}"]
    assert outcome == "failure" and words in text, text
    assert "expected:" in text and "got:" in text and "look at:" in text and "input:" in text, text


# Correct alternatives per assignment (other idioms, the other subgradient at the hinge kink, numpy-scalar
# losses; in-place updates, copied configs, other algebra of Adam, another sampling call), all patched into
# one copy of the reference: the public tests must never fail a correct solution.
CORRECT_VARIANTS = {FIRST: {
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
}, "optimization": {
    "optim.py": [
        """
def sgd_momentum(w, dw, config=None):
    config = dict(config or {})
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w)) * config["momentum"] - config["learning_rate"] * dw
    w += v
    config["velocity"] = v
    return w, config
""",
        """
def adam(w, dw, config=None):
    config = {} if config is None else config
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    b1, b2 = config["beta1"], config["beta2"]
    config["t"] += 1
    t = config["t"]
    config["m"] = b1 * config.get("m", 0.0) + (1 - b1) * dw
    config["v"] = b2 * config.get("v", 0.0) + (1 - b2) * dw * dw
    denom = np.sqrt(config["v"]) / np.sqrt(1 - b2**t) + config["epsilon"]
    w -= config["learning_rate"] * (config["m"] / (1 - b1**t)) / denom
    return w, config
""",
    ],
    "regularization.py": [
        """
def elastic_net(W, l1, l2):
    return l1 * np.abs(W).sum() + l2 * np.vdot(W, W), np.where(W == 0, 0.0, l1 * np.sign(W)) + 2 * l2 * W
""",
    ],
    "train.py": [
        """
def train(X, y, W, *, loss="softmax", update_rule="sgd", optim_config=None, reg=0.0, batch_size=200,
          num_iters=100, lr_decay=1.0, iters_per_decay=None, seed=0):
    rng = np.random.default_rng(seed)
    config = {} if optim_config is None else dict(optim_config)
    period = iters_per_decay or max(len(X) // batch_size, 1)
    W, history = np.array(W), []
    for it in range(1, num_iters + 1):
        idx = rng.integers(0, len(X), size=batch_size)
        value, grad = LOSSES[loss](W, X[idx], y[idx], reg)
        history.append(float(value))
        W, config = getattr(optim, update_rule)(W, grad, config)
        if it % period == 0:
            config["learning_rate"] *= lr_decay
    return W, history
""",
    ],
}}


@pytest.mark.parametrize("name", NAMES)
def test_the_public_tests_pass_correct_alternatives(tmp_path, name):
    solution = solution_copy(name, tmp_path)
    for file, functions in CORRECT_VARIANTS.get(name, {}).items():
        source = (solution / file).read_text()
        for function_source in functions:
            source = patched(source, textwrap.dedent(function_source))
        (solution / file).write_text(source)
    code, output, cases = run_public_tests(tmp_path, str(kit_of(name) / "tests"), "--solution-dir", str(solution))
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


@pytest.mark.parametrize("name, file", [(n, p.name) for n in NAMES for p in sorted(reference_of(n).glob("*.py"))])
def test_stubs_and_reference_have_the_same_signatures_and_docstrings(name, file):
    reference = function_signatures(reference_of(name) / file)
    stubs = function_signatures(kit_of(name) / file)
    assert reference, f"{file}: the reference defines functions"
    assert stubs == reference, f"{file}: a stub's name, signature or docstring drifted from the reference"


@pytest.mark.parametrize("name", NAMES)
def test_every_graded_function_has_a_stub_and_the_kit_binds_the_manifests_files(name):
    assignment = load_assignment(name)
    kit = kit_of(name)
    functions = {fn.name: fn.file for fn in assignment.functions}
    for function, file in functions.items():
        assert function in function_signatures(kit / file), f"{file} has no stub {function}"
    manifest = kit_module(name, "kit_manifest")
    bound = manifest.function_files(manifest.read(kit / "assignment.toml"), kit)
    # The kit may also bind the finished functions it hands out (provided.functions), from the file holding them.
    assert {k: v for k, v in bound.items() if k in functions} == functions
    assert set(bound) - set(functions) <= set(assignment.provided_functions)
    for function in set(bound) - set(functions):
        assert function in function_signatures(kit / bound[function]), f"{bound[function]} has no {function}"


@pytest.mark.parametrize("name", NAMES)
def kit_module(name, module):
    """A module of a kit's tests/ folder (one that imports no other kit module), loaded from its file."""
    spec = importlib.util.spec_from_file_location(f"_{name}_{module}", kit_of(name) / "tests" / f"{module}.py")
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


@pytest.mark.parametrize("name", NAMES)
def test_every_kit_holds_the_stamped_harness_byte_for_byte(name):
    """The repository's kits run the same harness `grader release` stamps: a copy edited in one kit (or
    a harness change not copied) fails here, naming the file."""
    drifted = [target for source, target in STAMPED.items()
               if not (kit_of(name) / target).is_file()
               or (kit_of(name) / target).read_bytes() != (HARNESS_DIR / source).read_bytes()]
    assert drifted == [], (f"{drifted} differ from grader/kit_harness/: edit the harness there, then copy it "
                           "into every kit with grader.release.stamp_harness(kit folder)")


def test_the_harness_names_no_assignment_and_none_of_its_functions():
    """Written once: the harness learns every name from the kit's manifest."""
    words = set(NAMES)
    for name in NAMES:
        assignment = load_assignment(name)
        words |= {fn.name for fn in assignment.functions} | {fn.file for fn in assignment.functions}
        words |= set(assignment.provided_functions) | set(assignment.provided_files)
    for source in STAMPED:
        text = (HARNESS_DIR / source).read_text(encoding="utf-8")
        found = {word for word in words if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)}
        assert not found, f"grader/kit_harness/{source} names {sorted(found)}"


@pytest.mark.parametrize("name", NAMES)
def test_the_kits_solution_dir_variable_is_its_manifest_name_in_capitals(tmp_path, name):
    """<NAME>_SOLUTION_DIR (LOSS_OPTIMIZATION_SOLUTION_DIR, OPTIMIZATION_SOLUTION_DIR, as before the
    harness was shared) selects the folder to test: the reference passes there, the stubs do not."""
    manifest = kit_module(name, "kit_manifest")
    variable = manifest.solution_dir_variable(manifest.read(kit_of(name) / "assignment.toml"))
    assert variable == solution_dir_variable(name)
    tests = str(kit_of(name) / "tests")
    code, output, _cases = run_public_tests(tmp_path, tests, env=public_env(**{variable: str(solution_copy(name, tmp_path))}))
    assert code == 0, output


@pytest.mark.parametrize("name", NAMES)
def test_every_public_test_declares_the_graded_function_it_checks(tmp_path, name):
    """The stamped conftest writes each test's grade(function=...) marker into the JUnit report (the
    student CI's per-function score summary reads it): every test declares a function of the manifest,
    every function has tests, and a parametrized test for several functions declares each its own."""
    xml = tmp_path / "public.xml"
    subprocess.run([sys.executable, "-m", "pytest", str(kit_of(name) / "tests"), "-q", "-p", "no:cacheprovider",
                    f"--junitxml={xml}"], check=False, cwd=tmp_path, env=public_env(), capture_output=True,
                   timeout=300)
    functions = {fn.name for fn in load_assignment(name).functions}
    declared = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        found = [p.get("value") for p in case.iter("property") if p.get("name") == "function"]
        assert len(found) == 1 and found[0] in functions, (case.get("name"), found)
        declared[case.get("name")] = found[0]
        parametrized = re.search(r"\[(\w+)\]$", case.get("name"))
        if parametrized and parametrized.group(1) in functions:
            assert found[0] == parametrized.group(1), case.get("name")
    assert set(declared.values()) == functions


@pytest.mark.parametrize("name", NAMES)
def test_the_kit_never_imports_the_grader(name):
    for path in (kit_of(name) / "tests").glob("*.py"):
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


def test_the_kit_names_the_regularization_slips_as_the_hidden_suite_does(tmp_path):
    """Where the public tests check the same property (the regularization split), a student reads the
    hidden suite's own diagnosis: the texts agree word for word, and a 0.5·reg submission is told it."""
    sys.path.insert(0, str(ROOT / "hidden_tests" / "loss_optimization"))
    sys.path.insert(0, str(ROOT / "assignments" / "loss_optimization" / "tests"))
    try:
        import kit_checks
        import prop_checks
    finally:
        del sys.path[:2]
    for name in ("REG_HALF", "REG_MISSING", "REG_HALF_GRAD", "REG_MISSING_GRAD"):
        assert getattr(kit_checks, name) == getattr(prop_checks, name).text, name
    W = np.arange(6.0).reshape(3, 2) / 5
    assert "likely mistake: " + prop_checks.REG_HALF.text in kit_checks.likely_mistake(
        0.5 * 0.3 * np.sum(W * W), 0.3 * np.sum(W * W), ((0.5, kit_checks.REG_HALF), (0.0, kit_checks.REG_MISSING)))
    assert kit_checks.likely_mistake(0.7, 1.0, ((0.5, kit_checks.REG_HALF),)) == ""
