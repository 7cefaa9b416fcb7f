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


def write_manifest(tmp_path, extra_function: str = "", extra: str = ""):
    folder = tmp_path / "assignments" / "mini"
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text(
        f"seed = 1\n[functions.f]\nfile = 'a.py'\npoints = 1\n{extra_function}\n{extra}\n")
    return load_assignment("mini", tmp_path)


def test_layout_keys_are_optional_with_flat_defaults(tmp_path):
    assignment = write_manifest(tmp_path)
    assert assignment.search == ("",) and assignment.functions[0].aliases == ()
    assert assignment.limits.file_kb == 1024 and assignment.limits.submission_kb == 20480


def test_layout_search_and_aliases_are_read(tmp_path):
    assignment = write_manifest(tmp_path, "aliases = ['g', 'h']", "[layout]\nsearch = ['', './pkg/', 'pkg\\\\sub']")
    assert assignment.search == ("", "pkg", "pkg/sub") and assignment.functions[0].aliases == ("g", "h")


@pytest.mark.parametrize("extra_function, extra", [
    ("aliases = 'g'", ""), ("aliases = ['not a name']", ""),
    ("", "[layout]\nsearch = ['../up']"), ("", "[layout]\nsearch = ['/abs']"), ("", "[layout]\nsearch = 'pkg'"),
])
def test_bad_layout_keys_name_the_manifest(tmp_path, extra_function, extra):
    with pytest.raises(ManifestError, match="mini/assignment.toml: malformed manifest"):
        write_manifest(tmp_path, extra_function, extra)
