"""`grader release`: the student kit holds what students need and nothing private."""

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from grader.assignment import DEFAULT_ROOT, assignment_names, load_assignment
from grader.cli import main
from grader.release import ReleaseError, release_kit

NAME = "loss_optimization"
NAMES = assignment_names()


def bodies_of(source: str, leave_out=()) -> set[str]:
    """ast dumps of every function body in source (but the functions named in leave_out), docstrings dropped."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name not in leave_out:
            body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            found.add(ast.dump(ast.Module(body=body, type_ignores=[])))
    return found


def released_sources(folder: Path) -> dict[str, str]:
    """Python source of every .py file and every notebook's code cells in folder."""
    sources = {}
    for path in folder.rglob("*.py"):
        sources[str(path.relative_to(folder))] = path.read_text(encoding="utf-8")
    for path in folder.rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        sources[str(path.relative_to(folder))] = "\n".join(
            line for line in "\n".join(code).splitlines() if not line.lstrip().startswith(("%", "!"))
        )
    return sources


@pytest.fixture
def fake_root(tmp_path):
    """A copy of the repository's assignment, reference, hidden tests and CI templates to plant files in."""
    root = tmp_path / "repo"
    for part in ("assignments", "reference", "hidden_tests"):
        shutil.copytree(DEFAULT_ROOT / part / NAME, root / part / NAME,
                        ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
    if (DEFAULT_ROOT / "ci_templates").is_dir():
        shutil.copytree(DEFAULT_ROOT / "ci_templates", root / "ci_templates")
    return root


@pytest.mark.parametrize("name", NAMES)
def test_release_has_the_kit_and_no_reference_body_or_hidden_test(tmp_path, name):
    result = CliRunner().invoke(main, ["release", "--assignment", name, "-o", str(tmp_path / "kit")])
    assert result.exit_code == 0, result.output
    kit = tmp_path / "kit"
    assignment = load_assignment(name)
    for fn in assignment.functions:
        assert fn.name in (kit / fn.file).read_text(encoding="utf-8")
    for file in assignment.provided_files:
        assert (kit / file).is_file()
    assert (kit / "tests").is_dir() and (kit / "Makefile").is_file()

    reference = set()
    for path in assignment.reference_dir.rglob("*.py"):
        # Provided functions are handed out on purpose: the kit carries their finished bodies.
        reference |= bodies_of(path.read_text(encoding="utf-8"), leave_out=assignment.provided_functions)
    assert reference, "the reference has function bodies to compare with"
    for rel, source in released_sources(kit).items():
        assert not bodies_of(source) & reference, f"{rel} carries a reference function body"

    hidden = {p.name for p in assignment.hidden_tests_dir.rglob("*")
              if p.is_file() and p.name not in {"__init__.py", "conftest.py"}}
    released = {p.name for p in kit.rglob("*") if p.is_file()}
    assert not hidden & released
    assert not any(p.name in {"__pycache__", ".hypothesis", ".pytest_cache"} for p in kit.rglob("*"))
    assert not any(part in {"reference", "hidden_tests", "grader"} for p in kit.rglob("*")
                   for part in p.relative_to(kit).parts)


def test_the_first_kit_ships_its_helpers(tmp_path):
    kit = release_kit(load_assignment(NAME), tmp_path / "kit").out_dir
    assert (kit / "gradient_check.py").is_file() and (kit / "data_utils.py").is_file()


def test_provided_functions_are_not_leaks_but_graded_reference_bodies_still_are(tmp_path):
    """A manifest's provided function (finished, handed out) may carry the reference's body; a graded one
    may not: the same file with the reference's graded bodies is refused, naming them and not the other."""
    name = next((n for n in NAMES if load_assignment(n).provided_functions), None)
    if name is None:
        pytest.skip("no assignment hands out a finished function (provided.functions)")
    assignment = load_assignment(name)
    root = tmp_path / "repo"
    for part in ("assignments", "reference", "hidden_tests"):
        shutil.copytree(DEFAULT_ROOT / part / name, root / part / name,
                        ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
    release_kit(load_assignment(name, root), tmp_path / "clean", with_ci=False)
    file = next(fn.file for fn in assignment.functions
                if set(assignment.provided_functions) & set(function_names(root / "reference" / name / fn.file)))
    shutil.copy(root / "reference" / name / file, root / "assignments" / name / file)
    with pytest.raises(ReleaseError, match="private material") as refused:
        release_kit(load_assignment(name, root), tmp_path / "leaky", with_ci=False)
    graded = {fn.name for fn in assignment.functions if fn.file == file}
    assert all(f"{file}: {fn} has the body" in str(refused.value) for fn in graded)
    assert not any(f"{file}: {fn} has the body" in str(refused.value) for fn in assignment.provided_functions)


def function_names(path: Path) -> set[str]:
    """The names of the functions defined at the top of path."""
    return {n.name for n in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("name", NAMES)
def test_manifest_loses_only_its_private_keys(tmp_path, name):
    kit = release_kit(load_assignment(name), tmp_path / "kit").out_dir
    original = tomllib.loads((DEFAULT_ROOT / "assignments" / name / "assignment.toml").read_text())
    released = tomllib.loads((kit / "assignment.toml").read_text())
    assert "seed" in original and "seed" not in released
    assert released == {k: v for k, v in original.items() if k != "seed"}


@pytest.mark.parametrize("plant", ["reference_in_stub", "reference_in_notebook", "hidden_test"])
def test_release_refuses_private_material_and_writes_nothing(fake_root, tmp_path, plant):
    kit_dir = fake_root / "assignments" / NAME
    if plant == "reference_in_stub":
        shutil.copy(fake_root / "reference" / NAME / "softmax.py", kit_dir / "softmax.py")
    elif plant == "reference_in_notebook":
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_code_cell("%matplotlib inline"),
            nbformat.v4.new_code_cell((fake_root / "reference" / NAME / "optim.py").read_text()),
        ])
        nbformat.write(nb, kit_dir / "solutions.ipynb")
    else:
        hidden = fake_root / "hidden_tests" / NAME / "test_secret_properties.py"
        hidden.write_text("def test_secret():\n    assert 1 + 1 == 2\n")
        (kit_dir / "tests").mkdir(exist_ok=True)
        shutil.copy(hidden, kit_dir / "tests" / hidden.name)
    result = CliRunner().invoke(main, ["release", "--assignment", "loss_optimization", "-o", str(tmp_path / "out"), "--root", str(fake_root)])
    assert result.exit_code != 0 and "private material" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_caches_and_notebook_source_are_left_out(fake_root, tmp_path):
    kit_dir = fake_root / "assignments" / NAME
    for junk in ("__pycache__/linear_svm.cpython-311.pyc", ".hypothesis/examples/x", "notebook/walkthrough.py",
                 ".pytest_cache/v/x"):
        (kit_dir / junk).parent.mkdir(parents=True, exist_ok=True)
        (kit_dir / junk).write_text("x")
    kit = release_kit(load_assignment(NAME, fake_root), tmp_path / "out")
    assert not any(f.startswith(("__pycache__", ".hypothesis", "notebook/", ".pytest_cache")) for f in kit.files)
    assert "linear_svm.py" in kit.files


def test_release_replaces_a_previous_release_only_with_force_and_never_other_folders(tmp_path):
    assignment = load_assignment(NAME)
    out = tmp_path / "kit"
    release_kit(assignment, out)
    (out / "linear_svm.py").write_text("# an edit made in the release folder\n")
    result = CliRunner().invoke(main, ["release", "--assignment", "loss_optimization", "--out", str(out)])
    assert result.exit_code != 0 and "--force" in result.output and "already holds a release" in result.output
    assert (out / "linear_svm.py").read_text() == "# an edit made in the release folder\n"
    (out / "stale.txt").write_text("left from an old release")
    result = CliRunner().invoke(main, ["release", "--assignment", "loss_optimization", "--output", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert not (out / "stale.txt").exists() and "an edit" not in (out / "linear_svm.py").read_text()

    other = tmp_path / "project"
    other.mkdir()
    (other / "precious.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["release", "--assignment", "loss_optimization", "-o", str(other)])
    assert result.exit_code != 0 and "not empty" in result.output and "Traceback" not in result.output
    assert (other / "precious.txt").read_text() == "keep me"


def test_release_never_writes_over_or_inside_the_sources(fake_root):
    assignment = load_assignment(NAME, fake_root)
    before = sorted(p.relative_to(fake_root) for p in fake_root.rglob("*"))
    for target in (assignment.kit_dir, assignment.kit_dir / "dist", fake_root, assignment.reference_dir):
        with pytest.raises(ReleaseError, match="overlaps"):
            release_kit(assignment, target, force=True)
    assert sorted(p.relative_to(fake_root) for p in fake_root.rglob("*")) == before
    copy = fake_root.parent / "copy-of-kit"
    shutil.copytree(assignment.kit_dir, copy)
    with pytest.raises(ReleaseError, match="not a previous release"):
        release_kit(assignment, copy)


def make_test(kit: Path) -> subprocess.CompletedProcess:
    """The student's command, `make test`, in the released folder with this interpreter."""
    return subprocess.run(["make", "test", f"PYTHON={sys.executable}"], cwd=kit, capture_output=True, text=True,
                          timeout=600, check=False, env={**os.environ, "NO_COLOR": "1"})


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("name", NAMES)
def test_released_kit_fails_cleanly_with_stubs_and_passes_with_the_reference(tmp_path, name):
    """The GitHub Classroom template: on its own, `make test` fails on the stubs and passes on the reference."""
    assignment = load_assignment(name)
    kit = release_kit(assignment, tmp_path / "kit").out_dir
    stubs = make_test(kit)
    output = stubs.stdout + stubs.stderr
    assert stubs.returncode != 0
    assert "Traceback" not in output
    for fn in assignment.functions:
        assert f"{fn.name} is not implemented yet" in output

    for path in assignment.reference_dir.glob("*.py"):
        shutil.copy(path, kit / path.name)
    solved = make_test(kit)
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert " passed" in solved.stdout and "failed" not in solved.stdout
