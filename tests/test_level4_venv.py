"""Level 4 without bubblewrap, as on Gradescope and in CI containers: the grader runs as root from a
Python 'nobody' can execute (a Debian python3 venv outside /root), and workers really run as nobody."""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader.assignment import load_assignment

REPO = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = "/usr/bin/python3"


def nobody_can_reach(path: Path) -> bool:
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in [*Path(path).resolve().parents])


@pytest.fixture(scope="module")
def venv():
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("level 4 needs a Linux grader running as root (CI runs as root)")
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.skip(f"{SYSTEM_PYTHON} is missing (.ci/run installs python3 and python3-venv with apt)")
    folder = Path(tempfile.mkdtemp(prefix="level4-venv-", dir="/tmp"))
    folder.chmod(0o755)
    if not nobody_can_reach(folder):
        shutil.rmtree(folder)
        pytest.skip("/tmp is not reachable by 'nobody' here")
    try:
        made = subprocess.run(check=False, args=[SYSTEM_PYTHON, "-m", "venv", str(folder / "venv")], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"{SYSTEM_PYTHON} -m venv failed (apt-get install python3-venv): {made.stderr[-300:]}")
        pip = subprocess.run(check=False, args=[str(folder / "venv" / "bin" / "pip"), "install", "-q", f"{REPO}[sandbox]"],
                             capture_output=True, text=True, timeout=900)
        if pip.returncode != 0:
            pytest.skip(f"could not install the grader into a Debian venv: {pip.stderr[-500:]}")
        yield folder / "venv"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_a_debian_venv_outside_root_reaches_level_4_and_grades_as_nobody(venv, tmp_path):
    env = {**os.environ, "PATH": str(venv / "bin")}  # no bwrap on PATH: the path without bubblewrap
    doctor = subprocess.run(check=False, args=[str(venv / "bin" / "grader"), "doctor", "--json"], capture_output=True,
                            text=True, env=env)
    data = json.loads(doctor.stdout)
    layers = {row["layer"]: row for row in data["layers"]}
    assert layers["unprivileged user"]["available"], layers["unprivileged user"]
    assert not layers["bubblewrap"]["in_force"]
    assert data["level"] == 4 and data["worker_uid"] != 0
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    assignment = load_assignment("loss_optimization")
    shutil.copytree(assignment.reference_dir, submissions / "correct", ignore=shutil.ignore_patterns("__pycache__"))
    spy = submissions / "whoami"
    shutil.copytree(assignment.reference_dir, spy, ignore=shutil.ignore_patterns("__pycache__"))
    (spy / "optim.py").write_text("import os\nprint('UID', os.getuid(), flush=True)\n"
                                  + (assignment.reference_dir / "optim.py").read_text())
    out = tmp_path / "out"
    graded = subprocess.run(check=False, args=[str(venv / "bin" / "grader"), "grade", str(submissions), "-o", str(out),
                             "--root", str(REPO), "--assignment", assignment.name, "--quiet", "--sandbox", "4"],
                            capture_output=True, text=True,
                            timeout=900, env=env)
    assert graded.returncode == 0, graded.stderr[-2000:]
    for student in ("correct", "whoami"):
        result = json.loads((out / "results" / f"{student}.json").read_text())
        assert result["sandbox"].startswith("level 4") and "unprivileged user" in result["sandbox"]
        assert "bubblewrap" not in result["sandbox"]
        assert result["score"] == result["max_score"], (student, result["error"])
    stdout = json.loads((out / "results" / "whoami.json").read_text())["stdout"]
    assert f"UID {data['worker_uid']}" in stdout
