"""The manifest loads and names files that exist in the kit and the reference."""

import pytest

from grader.assignment import ManifestError, load_assignment


def test_manifest_names_existing_files():
    assignment = load_assignment("loss_optimization")
    assert [f.name for f in assignment.functions] == [
        "svm_loss_naive", "svm_loss_vectorized", "softmax_loss", "sgd_step"
    ]
    for name in assignment.files:
        assert (assignment.kit_dir / name).is_file()
        assert (assignment.reference_dir / name).is_file()
    assert assignment.max_score == 100


def test_unknown_assignment_names_the_missing_file(tmp_path):
    with pytest.raises(ManifestError, match="assignment.toml: no such manifest"):
        load_assignment("nope", tmp_path)


def test_malformed_manifest_names_the_file(tmp_path):
    folder = tmp_path / "assignments" / "bad"
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text("seed = 'x'\n[functions.f]\nfile = 'a.py'\n")
    with pytest.raises(ManifestError, match="bad/assignment.toml: malformed manifest"):
        load_assignment("bad", tmp_path)
