"""The walkthrough notebook: built from its readable source without drift, and runs end to end
against the reference (nbclient + ipykernel) with the sanity checks it promises."""

import json
import math
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from grader.assignment import assignment_names, load_assignment
from grader.cli import main
from grader.notebook import build_notebooks, parse_cells, render, stale_notebooks

ASSIGNMENT = load_assignment("loss_optimization")
#: The assignments whose kit has a walkthrough notebook.
WITH_NOTEBOOK = [n for n in assignment_names() if (load_assignment(n).kit_dir / "notebook" / "walkthrough.py").is_file()]
#: Per assignment: names its walkthrough's code must use, and the function its first stubbed cell names.
NEEDED = {
    "loss_optimization": (("make_synthetic_data", "grad_check_sparse", "svm_loss_vectorized", "softmax_loss",
                           "sgd_step", "plt.plot", "learning_rates"), "svm_loss_naive (linear_svm.py)"),
    "optimization": (("sgd_momentum", "rmsprop", "adam", "elastic_net", "load_digits", "plt.plot", "learning_rates",
                      "lr_decay"), "sgd_momentum (optim.py)"),
}


def test_parse_cells_splits_on_markers_and_strips_markdown_comments():
    text = "# header, not a cell\n# %% [markdown]\n# # Title\n#\n# text\n\n# %%\nx = 1\n\n\ny = 2\n# %%\n\n"
    assert parse_cells(text) == [("markdown", "# Title\n\ntext"), ("code", "x = 1\n\n\ny = 2")]


def test_build_is_deterministic_and_rebuilds_only_stale_notebooks(tmp_path):
    (tmp_path / "notebook").mkdir()
    (tmp_path / "notebook" / "demo.py").write_text("# %%\nprint('hi')\n")
    assert build_notebooks(tmp_path) == [tmp_path / "demo.ipynb"]
    first = (tmp_path / "demo.ipynb").read_text()
    assert build_notebooks(tmp_path) == [] and (tmp_path / "demo.ipynb").read_text() == first
    (tmp_path / "notebook" / "demo.py").write_text("# %%\nprint('changed')\n")
    assert list(stale_notebooks(tmp_path)) == [tmp_path / "demo.ipynb"]


def test_notebook_command_checks_and_rebuilds(tmp_path):
    kit = tmp_path / "assignments" / "loss_optimization"
    shutil.copytree(ASSIGNMENT.kit_dir, kit, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    runner = CliRunner()
    args = ["notebook", "--root", str(tmp_path)]
    assert runner.invoke(main, [*args, "--check"]).exit_code == 0
    source = kit / "notebook" / "walkthrough.py"
    source.write_text(source.read_text() + "\n# %%\nprint('one more cell')\n")
    stale = runner.invoke(main, [*args, "--check"])
    assert stale.exit_code == 1 and "stale" in stale.output
    assert runner.invoke(main, args).exit_code == 0
    assert "one more cell" in nbformat.read(kit / "walkthrough.ipynb", as_version=4).cells[-1].source
    assert runner.invoke(main, [*args, "--check"]).exit_code == 0


def test_every_assignment_is_listed_with_what_its_walkthrough_needs():
    assert WITH_NOTEBOOK and set(WITH_NOTEBOOK) <= set(NEEDED)


@pytest.mark.parametrize("name", WITH_NOTEBOOK)
def test_committed_notebook_equals_a_fresh_build_of_its_source(name):
    kit = load_assignment(name).kit_dir
    notebook, source = kit / "walkthrough.ipynb", kit / "notebook" / "walkthrough.py"
    assert notebook.read_text(encoding="utf-8") == render(source.read_text(encoding="utf-8")), (
        "walkthrough.ipynb drifted from notebook/walkthrough.py: run `grader notebook`")
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    for needed in NEEDED[name][0]:
        assert needed in code


def printed_number(text: str, label: str) -> float:
    """The number printed right after label in the notebook's output text."""
    match = re.search(re.escape(label) + r"\s*([-+0-9.e]+)", text)
    assert match, f"{label!r} not printed; output was:\n{text}"
    return float(match.group(1))


def run_walkthrough(tmp_path, monkeypatch, solutions: Path | None, name="loss_optimization"):
    """The walkthrough of `name`'s kit executed in a kernel of this interpreter, in a copy of the kit with
    the files of `solutions` (None: the stubs); returns the executed notebook. Errors stay in the outputs."""
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    work = tmp_path / "kit"
    shutil.copytree(load_assignment(name).kit_dir, work, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis", "tests"))
    for path in (solutions.glob("*.py") if solutions else ()):
        shutil.copy(path, work / path.name)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    # A kernelspec of our own for this interpreter, so no user-wide "python3" kernel can be picked up.
    spec_dir = tmp_path / "jupyter" / "kernels" / "grader-walkthrough"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "grader walkthrough test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    nb = nbformat.read(work / "walkthrough.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import sys; print('kernel python:', sys.executable)"))
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="grader-walkthrough", allow_errors=True,
                                     resources={"metadata": {"path": str(work)}})
    client.execute()
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("name", WITH_NOTEBOOK)
def test_notebook_on_the_stubs_says_once_per_cell_what_to_write_and_never_raises_name_error(
        tmp_path, monkeypatch, name):
    nb = run_walkthrough(tmp_path, monkeypatch, None, name)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors and {e["ename"] for e in errors} == {"NotWrittenYet"}
    for error in errors:
        assert len(error["traceback"]) == 1 and "NotImplementedError" in error["traceback"][0]
    assert NEEDED[name][1] in errors[0]["traceback"][0]
    assert nb.cells[2].source.startswith("%load_ext autoreload\n%autoreload 2")


@pytest.mark.slow
def test_notebook_runs_end_to_end_against_the_reference(tmp_path, monkeypatch):
    nb = run_walkthrough(tmp_path, monkeypatch, ASSIGNMENT.reference_dir)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert not [o for o in outputs if o.output_type == "error"]
    assert f"kernel python: {sys.executable}" in text
    num_classes = 10
    assert abs(printed_number(text, "SVM loss:") - (num_classes - 1)) < 0.05
    assert abs(printed_number(text, "softmax loss:") - math.log(num_classes)) < 0.01
    errors = [float(e) for e in re.findall(r"relative error: ([-+0-9.e]+)", text)]
    assert len(errors) >= 20 and max(errors) < 1e-6
    assert printed_number(text, "loss difference:") < 1e-9
    assert printed_number(text, "SVM validation accuracy:") > 2 / num_classes
    assert printed_number(text, "best validation accuracy") > 2 / num_classes
    assert any("image/png" in o.get("data", {}) for o in outputs if o.output_type == "display_data")


@pytest.mark.slow
def test_optimization_notebook_runs_end_to_end_against_the_reference(tmp_path, monkeypatch):
    if "optimization" not in WITH_NOTEBOOK:
        pytest.skip("the optimization kit has no walkthrough")
    nb = run_walkthrough(tmp_path, monkeypatch, load_assignment("optimization").reference_dir, "optimization")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert not [o for o in outputs if o.output_type == "error"], text
    errors = {label: float(e) for label, e in re.findall(r"(\w+ \w+) relative error: ([-+0-9.e]+)", text)}
    # The notebook's expected values are printed to 8 decimals: Adam's next_w is 1.1e-7 off by rounding alone.
    assert len(errors) == 8 and max(e for k, e in errors.items() if k != "adam next_w") < 1e-7, errors
    assert errors["adam next_w"] < 2e-7
    assert printed_number(text, "elastic net gradient relative error:") < 1e-7
    for rule in ("sgd", "sgd_momentum", "rmsprop", "adam"):
        assert printed_number(text, f"{rule}: final loss") < 0.5
    assert len(re.findall(r"validation accuracy: ([0-9.]+)", text)) == 6
    assert min(float(a) for a in re.findall(r"validation accuracy: ([0-9.]+)", text)) > 0.85
    assert printed_number(text, "best validation accuracy") > 0.9
    assert any("image/png" in o.get("data", {}) for o in outputs if o.output_type == "display_data")
