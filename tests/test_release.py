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
from grader.kit_harness import HARNESS_DIR, STAMPED
from grader.release import ReleaseError, release_kit, stamp_harness

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


def test_the_release_stamps_the_harness_over_a_drifted_or_missing_copy(fake_root, tmp_path):
    """The released kit's harness is grader/kit_harness/ itself, whatever the assignment folder holds."""
    kit_dir = fake_root / "assignments" / NAME
    (kit_dir / "tests" / "kit_report.py").write_text("# an edited copy\n")
    (kit_dir / "tests" / "kit_manifest.py").unlink()
    (kit_dir / "Makefile").unlink()
    kit = release_kit(load_assignment(NAME, fake_root), tmp_path / "kit", with_ci=False)
    for source, target in STAMPED.items():
        assert target in kit.files
        assert (kit.out_dir / target).read_bytes() == (HARNESS_DIR / source).read_bytes(), target


#: What a released kit's Python files may import besides the standard library and the kit's own modules:
#: the three packages students install, and tomli, which pytest itself installs on Python 3.10.
KIT_PACKAGES = frozenset({"numpy", "pytest", "hypothesis", "tomli"})


def imported_modules(source: str) -> set[str]:
    """The top-level names of every module source imports (absolute imports, wherever they are)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("name", NAMES)
def test_the_released_kit_imports_only_the_standard_library_numpy_pytest_and_hypothesis(tmp_path, name):
    kit = release_kit(load_assignment(name), tmp_path / "kit").out_dir
    own = {path.stem for path in kit.rglob("*.py")}
    allowed = set(sys.stdlib_module_names) | KIT_PACKAGES | own
    for path in kit.rglob("*.py"):
        foreign = imported_modules(path.read_text(encoding="utf-8")) - allowed
        assert not foreign, f"{path.relative_to(kit)} imports {sorted(foreign)}"


TOY_MANIFEST = """name = "toy_unit"
title = "A made-up assignment"
[functions.double]
file = "toy.py"
points = 10
[provided]
functions = ["half"]
"""
TOY_STUB = """def half(x):
    return x / 2


def double(x):
    raise NotImplementedError
"""
TOY_TEST = """import pytest
from kit_failures import call, fail

pytestmark = pytest.mark.grade(function="double")


def test_double(student):
    got = call(student, "double", "x=3", 3)
    if got != 6:
        fail("double", "must be twice x.", "x=3", "6", repr(got), "return 2 * x.")


def test_half_is_bound_from_the_file_that_defines_it(student):
    assert student.half(3) == 1.5
"""


def toy_kit(folder: Path) -> Path:
    """A kit of a made-up assignment: its manifest, one stub file, one public test file, the stamped harness."""
    (folder / "tests").mkdir(parents=True)
    (folder / "assignment.toml").write_text(TOY_MANIFEST, encoding="utf-8")
    (folder / "toy.py").write_text(TOY_STUB, encoding="utf-8")
    (folder / "tests" / "test_public_toy.py").write_text(TOY_TEST, encoding="utf-8")
    assert stamp_harness(folder) == list(STAMPED.values())
    return folder


def toy_pytest(kit: Path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_SOLUTION_DIR") and k != "GRADER_LANG"}
    return subprocess.run([sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
                          cwd=kit, capture_output=True, text=True, timeout=120, check=False,
                          env={**clean, "PYTHONDONTWRITEBYTECODE": "1", **env})


def test_a_new_assignments_kit_runs_on_the_stamped_harness_with_nothing_written_for_it(tmp_path):
    """A third assignment needs no harness code: its manifest names the functions, files and the
    environment variable (TOY_UNIT_SOLUTION_DIR), the stub fails in one line, a solution passes."""
    kit = toy_kit(tmp_path / "kit")
    stub = toy_pytest(kit)
    assert stub.returncode == 1
    assert "double is not implemented yet (edit toy.py)" in stub.stdout and "Traceback" not in stub.stdout
    assert "1 passed" in stub.stdout  # half, the provided function, is bound from toy.py
    solution = tmp_path / "solution"
    solution.mkdir()
    (solution / "toy.py").write_text(TOY_STUB.replace("raise NotImplementedError", "return 2 * x"), encoding="utf-8")
    solved = toy_pytest(kit, TOY_UNIT_SOLUTION_DIR=str(solution))
    assert solved.returncode == 0 and "2 passed" in solved.stdout, solved.stdout + solved.stderr
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / "toy.py").write_text(TOY_STUB.replace("raise NotImplementedError", "return x + 2"), encoding="utf-8")
    failed = toy_pytest(kit, TOY_UNIT_SOLUTION_DIR=str(wrong))
    assert failed.returncode == 1 and "double: must be twice x." in failed.stdout and "got:      5" in failed.stdout


def test_a_kit_without_a_korean_catalogue_says_so_instead_of_printing_english(tmp_path):
    kit = toy_kit(tmp_path / "kit")
    run = toy_pytest(kit, GRADER_LANG="ko")
    assert run.returncode != 0 and "GRADER_LANG='ko': this kit has no" in run.stdout + run.stderr
    assert "kit.mo; use GRADER_LANG=en" in run.stdout + run.stderr
