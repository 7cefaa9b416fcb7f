"""Finding and preparing submissions: folders, notebooks, zips (unsafe ones refused), content hashes."""

import contextlib
import dataclasses
import json
import os
import stat
import zipfile

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.assignment import load_assignment
from grader.submissions import (
    SubmissionsError,
    content_hash,
    discover,
    notebook_source,
    prepare,
    suite_fingerprint,
)

SVM = "import numpy as np\n\ndef svm_loss_naive(W, X, y, reg):\n    return 0.0, W\n"


@pytest.fixture(scope="module")
def assignment():
    return load_assignment("loss_optimization")


def write_zip(path, members, symlinks=()):
    """members: name -> text (deflated); symlinks: name -> target, stored with a symlink mode."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
        for name, target in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path


def write_notebook(path, *cells):
    nb = new_notebook()
    nb.cells = list(cells)
    nbformat.write(nb, str(path))
    return path


def test_discover_names_students_and_skips_the_rest(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "bob.ipynb").write_text("{}")
    (tmp_path / "carol.zip").write_bytes(b"")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".DS_Store").write_text("")
    (tmp_path / "notes.txt").write_text("")
    found = discover(tmp_path)
    assert [(e.student, e.kind) for e in found.entries] == [
        ("alice", "folder"), ("bob", "notebook"), ("carol", "zip")
    ]
    assert len(found.skipped) == 1 and found.skipped[0].startswith("notes.txt:")


def test_duplicate_ids_are_kept_apart_with_an_error(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice.zip").write_bytes(b"")
    found = discover(tmp_path)
    by_id = {e.student: e for e in found.entries}
    assert by_id["alice"].error == ""
    assert "duplicate student id 'alice'" in by_id["alice.zip"].error


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: (p / "f").write_text("") or p / "f"])
def test_discover_refuses_what_is_not_a_folder(tmp_path, make):
    with pytest.raises(SubmissionsError, match="no such folder|not a folder"):
        discover(make(tmp_path))


def test_folder_copies_py_files_only(tmp_path, assignment):
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    (tmp_path / "subs" / "ann" / "linear_svm.py").write_text(SVM)
    (tmp_path / "subs" / "ann" / "helper.py").write_text("X = 1\n")
    (tmp_path / "subs" / "ann" / "data.bin").write_bytes(b"\0" * 10)
    [entry] = discover(tmp_path / "subs").entries
    prepared = prepare(entry, tmp_path / "work", assignment)
    assert prepared.error == ""
    assert sorted(os.listdir(prepared.folder)) == ["helper.py", "linear_svm.py"]
    assert prepared.notes == []


def test_folder_symlink_is_not_followed(tmp_path, assignment):
    secret = tmp_path / "reference.py"
    secret.write_text(SVM)
    folder = tmp_path / "subs" / "eve"
    folder.mkdir(parents=True)
    (folder / "linear_svm.py").symlink_to(secret)
    (folder / "optim.py").write_text("def sgd_step(W, dW, lr):\n    return W - lr * dW\n")
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", assignment)
    assert not (prepared.folder / "linear_svm.py").exists()
    assert any("linear_svm.py is a symbolic link" in n for n in prepared.notes)


def test_folder_without_any_graded_file_is_an_error(tmp_path, assignment):
    (tmp_path / "subs" / "zed").mkdir(parents=True)
    (tmp_path / "subs" / "zed" / "notes.py").write_text("pass\n")
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", assignment)
    assert prepared.folder is None
    assert prepared.error.startswith("zed: no graded file found: none of linear_svm.py, softmax.py, optim.py at "
                                     "the top, in cs231n/, in cs231n/classifiers/ or in any other folder")


def test_notebook_keeps_definitions_and_never_runs_training(tmp_path):
    marker = tmp_path / "training-ran"
    text = nbformat.writes(new_notebook(cells=[
        new_markdown_cell("# My notebook"),
        new_code_cell("%matplotlib inline\nimport numpy as np\nfrom cs231n.data_utils import load_CIFAR10"),
        new_code_cell("@staticmethod\ndef helper(x):\n    return x\n\nclass Model:\n    pass"),
        new_code_cell("def sgd_step(W, dW, learning_rate):\n    return W - learning_rate * dW"),
        new_code_cell("learning_rate = 1e-3\nsizes = [1, 2]\nW = np.zeros(3)"),
        new_code_cell(f"open({str(marker)!r}, 'w').write('x')\nwhile True:\n    pass"),
        new_code_cell("%%time\nfor i in range(10):\n    pass"),
        new_code_cell("def broken(:\n    pass"),
    ]))
    notes = []
    source = notebook_source(text, "nb.ipynb", notes)
    namespace = {}
    exec(compile(source, "nb.py", "exec"), namespace)  # noqa: S102 (hangs or writes the marker if training ran)
    assert not marker.exists()
    assert namespace["sgd_step"](3.0, 1.0, 0.5) == 2.5
    assert namespace["learning_rate"] == 1e-3 and namespace["sizes"] == [1, 2]
    assert "W" not in namespace and "load_CIFAR10" not in namespace
    assert "Model" in namespace and "helper" not in namespace  # a decorator is code run at import
    assert notes[0].startswith("nb.ipynb: code cell 8 does not parse")
    assert notes[1] == ("nb.ipynb: left out because defining them would run code at import: def helper "
                        "(a decorator) (write them in a .py file instead)")


@pytest.mark.parametrize("text", ["{not json", "[]", json.dumps({"cells": 3}), ""])
def test_invalid_notebook_is_a_clear_error(tmp_path, assignment, text):
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "nina.ipynb").write_text(text)
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", assignment)
    assert prepared.folder is None
    assert prepared.notes[0].startswith("nina.ipynb: not a valid notebook")
    assert prepared.error.startswith("nina.ipynb: no graded file found")


def test_notebook_definitions_go_into_the_graded_files_whose_functions_it_defines(tmp_path, assignment):
    (tmp_path / "subs").mkdir()
    write_notebook(tmp_path / "subs" / "nb.ipynb", new_code_cell(SVM))
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", assignment)
    assert prepared.error == ""
    assert os.listdir(prepared.folder) == ["linear_svm.py"]
    assert "def svm_loss_naive" in (prepared.folder / "linear_svm.py").read_text()


def test_zip_with_a_single_top_folder_is_unpacked(tmp_path, assignment):
    (tmp_path / "subs").mkdir()
    write_zip(tmp_path / "subs" / "zoe.zip", {"zoe/linear_svm.py": SVM, "zoe/.git/config": "",
                                              "__MACOSX/zoe/._linear_svm.py": "junk"})
    [entry] = discover(tmp_path / "subs").entries
    prepared = prepare(entry, tmp_path / "work", assignment)
    assert prepared.error == "" and entry.student == "zoe"
    assert (prepared.folder / "linear_svm.py").read_text() == SVM


def test_zip_holding_a_notebook_is_converted(tmp_path, assignment):
    (tmp_path / "subs").mkdir()
    nb = nbformat.writes(new_notebook(cells=[new_code_cell(SVM)]))
    write_zip(tmp_path / "subs" / "nb.zip", {"work/assignment.ipynb": nb})
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", assignment)
    assert prepared.error == "" and "def svm_loss_naive" in (prepared.folder / "linear_svm.py").read_text()


@pytest.mark.parametrize("name", ["../linear_svm.py", "a/../../linear_svm.py", "/tmp/linear_svm.py",
                                  "C:/linear_svm.py", "..\\linear_svm.py"])
def test_zip_slip_is_refused(tmp_path, assignment, name):
    (tmp_path / "subs").mkdir()
    write_zip(tmp_path / "subs" / "slip.zip", {"linear_svm.py": SVM, name: "owned = True\n"})
    work = tmp_path / "deep" / "work"
    prepared = prepare(discover(tmp_path / "subs").entries[0], work, assignment)
    assert prepared.folder is None
    assert "escapes the submission folder" in prepared.error and prepared.error.startswith("slip.zip:")
    assert not (tmp_path / "deep" / "linear_svm.py").exists() and not (tmp_path / "linear_svm.py").exists()


def test_zip_symlink_is_refused(tmp_path, assignment):
    (tmp_path / "subs").mkdir()
    write_zip(tmp_path / "subs" / "link.zip", {"optim.py": "pass\n"},
              symlinks=[("linear_svm.py", "../../reference/loss_optimization/linear_svm.py")])
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", assignment)
    assert prepared.folder is None and "'linear_svm.py' is a symbolic link" in prepared.error


def with_limits(assignment, **caps):
    return dataclasses.replace(assignment, limits=dataclasses.replace(assignment.limits, **caps))


@pytest.mark.parametrize("caps, members, problem", [
    ({"max_files": 2}, {f"f{i}.py": "" for i in range(3)}, "more than 2 .py and .ipynb files; zip refused"),
    ({"submission_kb": 2}, {"linear_svm.py": "#" * 1500, "optim.py": "#" * 1500}, "more than 2 KiB of .py"),
    ({"submission_kb": 1}, {"linear_svm.py": SVM, "data.npy": "\0" * 900}, "over the 1 KiB a submission may hold"),
])
def test_zip_caps(tmp_path, assignment, caps, members, problem):
    (tmp_path / "subs").mkdir()
    write_zip(tmp_path / "subs" / "big.zip", members)
    if "data.npy" in members:  # the zip file itself is over the cap, whatever it holds
        (tmp_path / "subs" / "big.zip").write_bytes((tmp_path / "subs" / "big.zip").read_bytes() + b"\0" * 2000)
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", with_limits(assignment, **caps))
    assert prepared.folder is None and problem in prepared.error


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_a_file_over_the_per_file_cap_is_refused_by_name_and_the_rest_graded(tmp_path, assignment, kind):
    members = {"linear_svm.py": SVM + "#" * (3 * 1024), "optim.py": "def sgd_step(W, dW, lr):\n    return W\n"}
    (tmp_path / "subs").mkdir()
    if kind == "zip":
        write_zip(tmp_path / "subs" / "ann.zip", members)
    else:
        (tmp_path / "subs" / "ann").mkdir()
        for name, text in members.items():
            (tmp_path / "subs" / "ann" / name).write_text(text)
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", with_limits(assignment, file_kb=2))
    assert prepared.error == "" and os.listdir(prepared.folder) == ["optim.py"]
    assert prepared.notes == ["linear_svm.py was not graded: it is 3 KiB, over the 2 KiB limit for one file"]


def test_zip_entries_are_unpacked_only_when_they_are_code(tmp_path, assignment):
    (tmp_path / "subs").mkdir()
    write_zip(tmp_path / "subs" / "ann.zip", {"linear_svm.py": SVM, "report.pdf": "%PDF", "data/x.npy": "0"})
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", assignment)
    assert prepared.error == "" and sorted(p.name for p in (tmp_path / "work" / "unpacked").rglob("*")) == [
        "linear_svm.py"]


@pytest.mark.parametrize("second", ["linear_svm.py", "./linear_svm.py", "a/../linear_svm.py"])
def test_a_zip_with_the_same_entry_twice_is_refused(tmp_path, assignment, second):
    (tmp_path / "subs").mkdir()
    path = tmp_path / "subs" / "dup.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("linear_svm.py", SVM)
        with pytest.warns(UserWarning, match="Duplicate") if second == "linear_svm.py" else contextlib.nullcontext():
            zf.writestr(second, "def svm_loss_naive(W, X, y, reg):\n    return 1.0, W\n")
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", assignment)
    assert prepared.folder is None
    if ".." in second:
        assert "escapes" in prepared.error
    else:
        assert prepared.error.startswith(f"dup.zip: entry {second!r} is in the zip twice (also 'linear_svm.py')")


def test_not_a_zip_is_a_clear_error(tmp_path, assignment):
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "bad.zip").write_text("this is not a zip")
    prepared = prepare(discover(tmp_path / "subs").entries[0], tmp_path / "work", assignment)
    assert prepared.error.startswith("bad.zip: not a valid zip file")


def test_content_hash_follows_files_and_suite(tmp_path, assignment):
    folder = tmp_path / "subs" / "ann"
    folder.mkdir(parents=True)
    (folder / "linear_svm.py").write_text(SVM)
    (folder / ".ipynb_checkpoints").mkdir()
    fingerprint = suite_fingerprint(assignment)
    [entry] = discover(tmp_path / "subs").entries
    first = content_hash(entry, fingerprint)
    assert content_hash(entry, fingerprint) == first
    (folder / ".ipynb_checkpoints" / "x.py").write_text("ignored")
    assert content_hash(entry, fingerprint) == first
    assert content_hash(entry, suite_fingerprint(assignment, extra="other limits")) != first
    (folder / "linear_svm.py").write_text(SVM + "# edited\n")
    assert content_hash(entry, fingerprint) != first
