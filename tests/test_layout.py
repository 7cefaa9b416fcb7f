"""Real course layouts: graded files found wherever a CS231n submission keeps them, under the course's
own names, .py files before notebooks, ambiguity and absence said in one line; a class of CS231n-layout
zips grades exactly as the same code in flat folders."""

import json
import re
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from test_cli_grade import GRADER

from grader.assignment import load_assignment
from grader.grading.batch import feedback_messages
from grader.reports.feedback import feedback_markdown
from grader.results import SubmissionResult
from grader.submissions import content_hash, discover, prepare, suite_fingerprint

ASSIGNMENT = load_assignment("loss_optimization")
REFERENCE = ASSIGNMENT.reference_dir
#: CS231n's starter files open with these imports (`past` comes from the `future` package).
CS231N_HEADER = "from builtins import range\nimport numpy as np\nfrom random import shuffle\nfrom past.builtins import xrange\n"
SVM = "import numpy as np\n\ndef svm_loss_naive(W, X, y, reg):\n    return 1.0, np.zeros_like(W)\n"
TIMED = re.compile(r"faster than", re.IGNORECASE)


def notebook(*cells) -> str:
    return nbformat.writes(new_notebook(cells=[new_code_cell(c) if isinstance(c, str) else c for c in cells]))


def course_notebook(function: str, module: str) -> str:
    """A notebook as CS231n's svm.ipynb is: autoreload, imports from the cs231n package, training code."""
    return notebook(
        new_markdown_cell(f"# {function}"),
        "%load_ext autoreload\n%autoreload 2",
        "from cs231n.data_utils import load_CIFAR10\nimport numpy as np",
        f"from cs231n.{module} import {function}",
        "X_train, y_train, X_test, y_test = load_CIFAR10('cs231n/datasets/cifar-10-batches-py')",
        f"W = np.random.randn(3073, 10) * 0.0001\nloss, grad = {function}(W, X_train, y_train, 5e-6)",
    )


def softmax_as_the_course_names_it(text: str) -> str:
    """softmax.py with the course's names: softmax_loss_vectorized (graded), and a loop version beside it."""
    assert text.count("def softmax_loss(") == 1
    text = text.replace("def softmax_loss(", "def softmax_loss_vectorized(")
    return text + "\n\ndef softmax_loss_naive(W, X, y, reg):\n    return softmax_loss_vectorized(W, X, y, reg)\n"


def cs231n_members(files: dict[str, str], notebooks: bool) -> dict[str, str]:
    """What CS231n's collectSubmission.sh zips (from inside assignment1/): cs231n/ with the graded files
    in their places, the other starter files, and the notebooks."""
    members = {
        "cs231n/__init__.py": "",
        "cs231n/classifiers/__init__.py": "from cs231n.classifiers.linear_svm import *\nfrom cs231n.classifiers.softmax import *\n",
        "cs231n/classifiers/linear_svm.py": CS231N_HEADER + files["linear_svm.py"],
        "cs231n/classifiers/softmax.py": CS231N_HEADER + softmax_as_the_course_names_it(files["softmax.py"]),
        "cs231n/classifiers/k_nearest_neighbor.py": "import numpy as np\n\nclass KNearestNeighbor(object):\n    pass\n",
        "cs231n/optim.py": files["optim.py"],
        "cs231n/data_utils.py": "def load_CIFAR10(root):\n    raise OSError('no data here')\n",
        "cs231n/gradient_check.py": "def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5):\n    pass\n",
    }
    if notebooks:
        members["svm.ipynb"] = course_notebook("svm_loss_naive", "classifiers.linear_svm")
        members["softmax.ipynb"] = course_notebook("softmax_loss_naive", "classifiers.softmax")
        members["knn.ipynb"] = notebook("from cs231n.classifiers import KNearestNeighbor", "print('knn')")
    return members


def write_zip(path: Path, members: dict[str, str], top: str = "") -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(top + name, text)
    return path


def write_folder(path: Path, members: dict[str, str]) -> Path:
    for name, text in members.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    return path


def reference_files() -> dict[str, str]:
    return {name: (REFERENCE / name).read_text() for name in ASSIGNMENT.files}


def prepared_one(tmp_path: Path, make) -> tuple:
    subs = tmp_path / "subs"
    subs.mkdir(parents=True)
    make(subs)
    [entry] = discover(subs).entries
    return prepare(entry, tmp_path / "work", ASSIGNMENT), entry


def run_module(path: Path) -> dict:
    namespace = {"__name__": path.stem}
    exec(compile(path.read_bytes(), str(path), "exec"), namespace)  # noqa: S102 (the test's own files)
    return namespace


# ------------------------------------------------------------------------------ finding the files


@pytest.mark.parametrize("top", ["", "assignment1/", "alice/assignment1/"])
def test_a_cs231n_zip_is_found_in_its_own_folders(tmp_path, top):
    members = cs231n_members(reference_files(), notebooks=True)
    prepared, _ = prepared_one(tmp_path, lambda subs: write_zip(subs / "alice.zip", members, top))
    assert prepared.error == "" and prepared.notes == []
    folder = prepared.folder
    assert (folder / "linear_svm.py").read_text() == members["cs231n/classifiers/linear_svm.py"]
    assert (folder / "optim.py").read_text() == members["cs231n/optim.py"]
    assert {"k_nearest_neighbor.py", "data_utils.py"} <= {p.name for p in folder.iterdir()}  # helpers beside them
    softmax = run_module(folder / "softmax.py")  # the course's imports work (past.builtins is installed)
    assert softmax["softmax_loss"].__name__ == "softmax_loss"


def test_an_alias_is_graded_under_the_manifest_name_and_the_first_alias_wins(tmp_path):
    text = ("import numpy as np\n\ndef softmax_loss_naive(W, X, y, reg):\n    return 'naive'\n\n"
            "def softmax_loss_vectorized(W, X, y, reg):\n    return 'vectorized'\n")
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", {"cs231n/classifiers/softmax.py": text}))
    module = run_module(prepared.folder / "softmax.py")
    assert module["softmax_loss"](1, 2, 3, 4) == "vectorized"
    assert (prepared.folder / "softmax.py").read_text().startswith(text)  # the student's lines keep their numbers
    assert prepared.aliases == {"softmax_loss": "softmax_loss_vectorized"} and prepared.notes == []


@pytest.mark.parametrize("lang, note", [
    ("en", "softmax_loss was graded as your softmax_loss_vectorized (a name the assignment accepts for it)."),
    ("ko", "softmax_loss 함수는 여러분이 작성한 softmax_loss_vectorized(으)로 채점했습니다"),
])
def test_the_feedback_says_in_one_line_which_name_was_graded(tmp_path, lang, note):
    text = "import numpy as np\n\ndef softmax_loss_vectorized(W, X, y, reg):\n    return 0.0, W\n"
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", {"softmax.py": text}))
    result = SubmissionResult(student="ann", assignment=ASSIGNMENT.name, score=0, max_score=ASSIGNMENT.max_score,
                              aliases=prepared.aliases)
    result = SubmissionResult.from_json(json.loads(json.dumps(result.to_json())))  # kept in results/<id>.json
    page = feedback_markdown(result, feedback_messages(ASSIGNMENT, lang))
    assert [line for line in page.splitlines() if "softmax_loss_vectorized" in line] == [
        next(line for line in page.splitlines() if line.startswith(note))]
    plain = feedback_markdown(SubmissionResult(student="ann", assignment=ASSIGNMENT.name, score=0,
                                               max_score=ASSIGNMENT.max_score), feedback_messages(ASSIGNMENT, lang))
    assert len(page.splitlines()) == len(plain.splitlines()) + 2  # the note and its blank line, nothing else


def test_the_own_name_beats_an_alias(tmp_path):
    text = "def softmax_loss(W, X, y, reg):\n    return 'own'\n\ndef softmax_loss_vectorized(W, X, y, reg):\n    return 'alias'\n"
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", {"softmax.py": text}))
    assert (prepared.folder / "softmax.py").read_text() == text
    assert prepared.aliases == {}


def test_the_manifest_search_order_decides_between_places(tmp_path):
    members = {"linear_svm.py": SVM, "cs231n/classifiers/linear_svm.py": SVM.replace("1.0", "2.0"),
               "deep/er/linear_svm.py": SVM.replace("1.0", "3.0")}
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", members))
    assert (prepared.folder / "linear_svm.py").read_text() == SVM and prepared.notes == []
    del members["linear_svm.py"]
    prepared, _ = prepared_one(tmp_path / "b", lambda subs: write_folder(subs / "ann", members))
    assert "2.0" in (prepared.folder / "linear_svm.py").read_text()


def test_any_depth_is_searched_after_the_manifest_folders(tmp_path):
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", {"hw/code/linear_svm.py": SVM,
                                                                                  "notes/readme.txt": "x"}))
    assert (prepared.folder / "linear_svm.py").read_text() == SVM and prepared.error == ""


def test_two_different_candidates_at_the_same_rank_are_reported_in_one_line(tmp_path):
    members = {"old/linear_svm.py": SVM, "new/linear_svm.py": SVM.replace("1.0", "2.0"), "optim.py": "x = 1\n"}
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", members))
    assert not (prepared.folder / "linear_svm.py").exists()
    [note] = prepared.notes
    assert note == ("linear_svm.py is ambiguous: new/linear_svm.py and old/linear_svm.py differ and neither comes "
                    "first in the search order; neither was graded (keep one)")


def test_identical_copies_are_not_ambiguous(tmp_path):
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", {"a/linear_svm.py": SVM,
                                                                                  "b/linear_svm.py": SVM}))
    assert (prepared.folder / "linear_svm.py").read_text() == SVM and prepared.notes == []


def test_a_py_file_beats_a_notebook_which_fills_in_only_what_the_file_lacks(tmp_path):
    nb = notebook("import numpy as np",
                  "def svm_loss_naive(W, X, y, reg):\n    return 'notebook', None",
                  "def svm_loss_vectorized(W, X, y, reg):\n    return helper(), None",
                  "def helper():\n    return 'notebook helper'",
                  "print('training')")
    members = {"cs231n/classifiers/linear_svm.py": SVM, "svm.ipynb": nb}
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", members))
    text = (prepared.folder / "linear_svm.py").read_text()
    assert text.startswith(SVM)
    module = run_module(prepared.folder / "linear_svm.py")
    assert module["svm_loss_naive"](0, 0, 0, 0)[0] == 1.0  # the .py file's
    assert module["svm_loss_vectorized"](0, 0, 0, 0)[0] == "notebook helper"
    assert "training" not in text


def test_two_notebooks_defining_one_function_differently_are_reported(tmp_path):
    members = {"a.ipynb": notebook("def sgd_step(W, dW, lr):\n    return W - lr * dW"),
               "b.ipynb": notebook("def sgd_step(W, dW, lr):\n    return W")}
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", members))
    assert prepared.folder is None
    assert prepared.notes == [("sgd_step is defined differently in a.ipynb and b.ipynb: neither was graded "
                               "(keep it in one notebook, or in a .py file)")]
    assert prepared.error.startswith("ann: no graded file found")


def test_a_submission_with_no_graded_file_says_exactly_that(tmp_path):
    members = {"cs231n/classifiers/knn.py": "x = 1\n", "knn.ipynb": notebook("print(1)")}
    prepared, _ = prepared_one(tmp_path, lambda subs: write_zip(subs / "ann.zip", members))
    assert prepared.folder is None
    assert prepared.error == (
        "ann.zip: no graded file found: none of linear_svm.py, softmax.py, optim.py at the top, in cs231n/, "
        "in cs231n/classifiers/ or in any other folder, and no notebook defines svm_loss_naive, "
        "svm_loss_vectorized, softmax_loss, sgd_step; nothing to grade")


def test_a_wrapper_folder_named_like_a_search_folder_is_not_skipped(tmp_path):
    members = {"cs231n/classifiers/linear_svm.py": SVM, "cs231n/linear_svm.py": SVM.replace("1.0", "2.0")}
    prepared, _ = prepared_one(tmp_path, lambda subs: write_folder(subs / "ann", members))
    assert "2.0" in (prepared.folder / "linear_svm.py").read_text()  # cs231n/ comes before cs231n/classifiers/


# ------------------------------------------------------------------------------ the resume hash


def test_the_hash_reads_all_code_wherever_it_sits_and_ignores_data(tmp_path):
    folder = write_folder(tmp_path / "subs" / "ann", {"cs231n/classifiers/linear_svm.py": SVM, "zz.npy": ""})
    (folder / "aaa_data.npy").write_bytes(b"\0" * (21 << 20))  # once ended the hash before the code
    [entry] = discover(tmp_path / "subs").entries
    fingerprint = suite_fingerprint(ASSIGNMENT)
    first = content_hash(entry, fingerprint, ASSIGNMENT)
    (folder / "zz.npy").write_text("data changes nothing graded")
    assert content_hash(entry, fingerprint, ASSIGNMENT) == first
    (folder / "cs231n" / "classifiers" / "linear_svm.py").write_text(SVM.replace("1.0", "2.0"))
    assert content_hash(entry, fingerprint, ASSIGNMENT) != first


def test_what_is_too_large_to_grade_is_refused_and_hashed_by_its_size(tmp_path):
    folder = write_folder(tmp_path / "subs" / "ann", {"optim.py": "x = 1\n"})
    (folder / "linear_svm.py").write_bytes(b"#" * (ASSIGNMENT.limits.file_bytes + 1))
    [entry] = discover(tmp_path / "subs").entries
    fingerprint = suite_fingerprint(ASSIGNMENT)
    first = content_hash(entry, fingerprint, ASSIGNMENT)
    (folder / "linear_svm.py").write_bytes(b"=" * (ASSIGNMENT.limits.file_bytes + 1))
    assert content_hash(entry, fingerprint, ASSIGNMENT) == first  # refused whatever it holds
    (folder / "linear_svm.py").write_bytes(b"=" * ASSIGNMENT.limits.file_bytes)
    assert content_hash(entry, fingerprint, ASSIGNMENT) != first  # now it fits: graded, so read
    (folder / "linear_svm.py").write_bytes(b"#" * (ASSIGNMENT.limits.file_bytes + 1))
    prepared = prepare(entry, tmp_path / "work", ASSIGNMENT)
    assert prepared.notes == ["linear_svm.py was not graded: it is 1 MiB, over the 1 MiB limit for one file"]


# ------------------------------------------------------------------------------ a class, graded for real


def comparable(result: dict) -> dict:
    """{test name: (status, score)} without the suite's wall-time test, and the per-function untimed points."""
    return {t["name"]: (t["status"], t["score"]) for t in result["tests"] if not TIMED.search(t["name"])}


@pytest.mark.slow
def test_a_class_of_cs231n_layouts_grades_exactly_as_the_same_code_in_flat_folders(tmp_path):
    right = reference_files()
    wrong = dict(right)
    assert wrong["softmax.py"].count("+ reg * np.sum(W * W)") == 1 and wrong["linear_svm.py"].count("loss /= num_train") == 1
    wrong["softmax.py"] = wrong["softmax.py"].replace("+ reg * np.sum(W * W)", "+ 0.5 * reg * np.sum(W * W)")
    wrong["linear_svm.py"] = wrong["linear_svm.py"].replace("loss /= num_train", "pass")
    subs = tmp_path / "subs"
    subs.mkdir()
    write_folder(subs / "flat_right", right)
    write_folder(subs / "flat_wrong", wrong)
    write_zip(subs / "zip_right.zip", cs231n_members(right, notebooks=True), "assignment1/")
    write_zip(subs / "zip_wrong.zip", cs231n_members(wrong, notebooks=True))
    write_folder(subs / "folder_right_no_notebooks", cs231n_members(right, notebooks=False))
    out = tmp_path / "out"
    proc = subprocess.run([GRADER, "grade", str(subs), "-o", str(out), "--jobs", "2", "--quiet",
                           "--assignment", "loss_optimization"],
                          check=False, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    results = {p.stem: json.loads(p.read_text()) for p in (out / "results").glob("*.json")}
    for twin, flat in (("zip_right", "flat_right"), ("folder_right_no_notebooks", "flat_right"),
                       ("zip_wrong", "flat_wrong")):
        assert results[twin]["error"] == results[flat]["error"] == "", twin
        assert comparable(results[twin]) == comparable(results[flat]), twin
    assert comparable(results["flat_wrong"]) != comparable(results["flat_right"])  # the comparison can fail
    # the course's softmax_loss_vectorized is graded as softmax_loss, and the feedback says so once
    assert results["zip_right"]["aliases"] == {"softmax_loss": "softmax_loss_vectorized"}
    assert results["flat_right"]["aliases"] == {}
    note = "softmax_loss was graded as your softmax_loss_vectorized"
    assert (out / "feedback" / "zip_wrong.md").read_text().count(note) == 1
    assert note not in (out / "feedback" / "flat_wrong.md").read_text()
