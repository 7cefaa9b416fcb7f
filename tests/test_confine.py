"""Confinement probing and its application in a worker: every layer probed OK really holds."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.sandbox import confine

#: A stand-in worker: applies the confinement, then tries what a hostile submission would.
PROBE_WORKER = textwrap.dedent(
    """
    import json, os, socket, sys, time
    from grader.sandbox.confine import apply_in_worker
    apply_in_worker(json.loads(sys.argv[1]))
    import numpy
    secret_dir = sys.argv[2]
    results = {}
    def attempt(name, action):
        try:
            action()
            results[name] = "allowed"
        except OSError as exc:
            results[name] = "denied: " + type(exc).__name__
    attempt("read_secret", lambda: open(os.path.join(secret_dir, "reference.py")).read())
    attempt("write_outside", lambda: open(os.path.join(secret_dir, "results.json"), "w").write("{}"))
    attempt("write_copy", lambda: open("output.txt", "w").write("ok"))
    attempt("socket_inet", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    attempt("setsid", os.setsid)
    attempt("signal_parent", lambda: os.kill(os.getppid(), 0))
    if os.fork() == 0:  # a leftover grandchild that tries to act after the worker is gone
        if os.fork() == 0:
            time.sleep(1.5)
            open("leftover.txt", "w").write("still alive")
        os._exit(0)
    os.wait()
    results["uid"] = os.getuid()
    print(json.dumps(results))
    """
)


def available_or_skip(level: int) -> confine.Confinement:
    try:
        return confine.probe(str(level))
    except confine.ConfinementError as exc:
        pytest.skip(f"this machine cannot give level {level}: {exc}")


def run_probe_worker(confinement: confine.Confinement, tmp_path: Path) -> tuple[dict, Path]:
    """Start the stand-in worker as the client would; its verdicts and its private copy."""
    secret = tmp_path / "reference"
    secret.mkdir(parents=True)
    (secret / "reference.py").write_text("ANSWER = 42\n")
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "probe_worker.py").write_text(PROBE_WORKER)
    argv = [sys.executable, str(copy / "probe_worker.py"), json.dumps(confinement.worker_config(copy)), str(secret)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(confinement.command(argv, copy), check=False, cwd=copy, capture_output=True, text=True,
                          timeout=60, env=env, **confinement.popen_kwargs())
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), copy


def test_every_layer_is_in_force_or_explained():
    found = confine.probe()
    for layer in confine.ALL_LAYERS:
        assert (layer in found.layers) != (layer in found.missing), layer
        if layer in found.missing:
            assert found.missing[layer].strip()
    assert found.name.startswith(f"level {found.level}: ")
    json.dumps(found.worker_config(Path.cwd()))  # the worker receives it as JSON


def probed_with(monkeypatch) -> tuple[dict, list[str]]:
    """probe_layers() run afresh, and the layer argument of every probe child it started."""
    started = []
    real = confine._check_in_child

    def spy(layer, *args, **kwargs):
        started.append(layer)
        return real(layer, *args, **kwargs)

    monkeypatch.setattr(confine, "_check_in_child", spy)
    confine.probe_layers.cache_clear()
    try:
        return confine.probe_layers(), started
    finally:
        confine.probe_layers.cache_clear()


def test_the_level_2_layers_are_probed_together_and_alone_only_when_that_fails(monkeypatch):
    usual, _ = probed_with(monkeypatch)
    monkeypatch.setattr(confine, "LEVEL2_WORKER_ORDER", ("no_new_privs", "no such layer"))  # fails together
    found, started = probed_with(monkeypatch)
    assert set(confine.LEVEL2_LAYERS) <= set(started)  # each layer probed in a child of its own
    assert {layer: found[layer][0] for layer in confine.LEVEL2_LAYERS} == \
        {layer: usual[layer][0] for layer in confine.LEVEL2_LAYERS}
    monkeypatch.undo()
    found, started = probed_with(monkeypatch)
    if all(found[layer][0] for layer in confine.LEVEL2_LAYERS):  # where they hold: one child shows it
        assert not set(confine.LEVEL2_LAYERS) & set(started)
        assert confine.LAYER_SEPARATOR.join(confine.LEVEL2_WORKER_ORDER) in started


def test_unknown_or_unavailable_level_is_an_error_message(monkeypatch):
    monkeypatch.setattr(confine, "probe_layers", lambda: {layer: (False, "the kernel says no")
                                                          for layer in confine.ALL_LAYERS})
    assert confine.probe().level == 1
    assert confine.probe("1").level == 1
    for level in "234":
        with pytest.raises(confine.ConfinementError, match="the kernel says no"):
            confine.probe(level)
    with pytest.raises(confine.ConfinementError, match="unknown sandbox level"):
        confine.probe("7")


@pytest.mark.parametrize("level", [2, 3, 4])
def test_probed_level_holds_in_the_worker(level, tmp_path):
    results, copy = run_probe_worker(available_or_skip(level), tmp_path)
    assert results["write_copy"] == "allowed"
    assert results["read_secret"].startswith("denied")
    assert results["write_outside"].startswith("denied")
    assert not (tmp_path / "reference" / "results.json").exists()
    assert results["socket_inet"].startswith("denied")
    assert results["setsid"].startswith("denied")
    if confine.landlock_abi() >= 6 or level >= 3:
        assert results["signal_parent"] != "allowed"
    if level == 4:
        assert results["uid"] != 0
    if level >= 3:  # the pid namespace dies with the worker, taking the grandchild with it
        subprocess.run(["sleep", "2.5"], check=True)
        assert not (copy / "leftover.txt").exists()


def test_level_1_is_only_the_baseline(tmp_path):
    results, _ = run_probe_worker(confine.probe("1"), tmp_path)
    assert results["write_copy"] == "allowed"
    assert results["read_secret"] == "allowed"  # what level 1 does not stop: see the README threat model


def run_apply(config: dict, cwd: Path) -> subprocess.CompletedProcess:
    code = "import json, sys; from grader.sandbox.confine import apply_in_worker; " \
           "apply_in_worker(json.loads(sys.argv[1])); print('student code ran')"
    return subprocess.run([sys.executable, "-c", code, json.dumps(config)], check=False, cwd=cwd, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})


def test_a_layer_that_fails_to_apply_ends_the_worker(tmp_path):
    config = {"no_new_privs": True, "landlock": {"abi": 1, "read": [str(tmp_path / "no-such-dir")]},
              "submission_dir": str(tmp_path)}
    proc = run_apply(config, tmp_path)
    assert proc.returncode == confine.CONFINE_FAILED_EXIT
    assert "student code ran" not in proc.stdout
    assert "cannot apply landlock" in proc.stderr


def test_landlock_never_opens_the_graders_tree_for_writing(tmp_path):
    repo = confine.grader_package_dir().parent
    for writable in ("/", str(repo)):
        config = {"no_new_privs": True, "landlock": {"abi": 1, "read": []}, "submission_dir": writable}
        proc = run_apply(config, tmp_path)
        assert proc.returncode == confine.CONFINE_FAILED_EXIT
        assert "not a private copy" in proc.stderr


def test_grader_process_becomes_non_dumpable():
    if confine.probe().level < 2:
        pytest.skip("level 2 is not available here: " + "; ".join(confine.probe().missing.values()))
    code = ("from grader.sandbox import confine; confine.probe(); "
            "print(confine._prctl(confine.PR_GET_DUMPABLE))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "0"


def test_doctor_reports_the_level_and_every_layer():
    result = CliRunner().invoke(main, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["level"] == confine.probe().level
    assert [row["layer"] for row in data["layers"]] == list(confine.ALL_LAYERS)
    for row in data["layers"]:
        assert row["available"] or (row["why_not"] and row["how_to_get"])
    text = CliRunner().invoke(main, ["doctor"]).output
    assert f"level {data['level']} of 4" in text
    assert "Disk quota: each file a worker writes is capped by RLIMIT_FSIZE" in text and "disk_kb" in text


def test_doctor_explains_an_unavailable_level(monkeypatch):
    monkeypatch.setattr(confine, "probe_layers", lambda: {layer: (False, "no namespaces in this container")
                                                          for layer in confine.ALL_LAYERS})
    result = CliRunner().invoke(main, ["doctor", "--sandbox", "3"])
    assert result.exit_code == 2
    assert "no namespaces in this container" in result.output
    assert "Traceback" not in result.output
    text = CliRunner().invoke(main, ["doctor"]).output
    assert "apt-get install bubblewrap" in text and "level 1 of 4" in text


def test_seccomp_in_the_worker_needs_no_library_lookup(tmp_path):
    """A worker may be unable to start processes (RLIMIT_NPROC): it must not run ldconfig to find libseccomp."""
    found = confine.probe()
    if not found.seccomp:
        pytest.skip("seccomp is not available here: " + found.missing.get("seccomp", "not used"))
    code = ("import ctypes.util, json, socket, sys\n"
            "def no_lookup(name): raise RuntimeError('looked up ' + name)\n"
            "ctypes.util.find_library = no_lookup\n"
            "from grader.sandbox.confine import apply_in_worker\n"
            "apply_in_worker(json.loads(sys.argv[1]))\n"
            "try:\n    socket.socket()\nexcept PermissionError:\n    print('sockets denied')\n")
    config = {"no_new_privs": True, "seccomp": True, "seccomp_libraries": found.worker_config()["seccomp_libraries"]}
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(config)], check=False, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "sockets denied"


def test_root_drop_without_bubblewrap_holds_or_says_why(tmp_path):
    """Gradescope-like: root, no user namespaces. The worker runs as 'nobody' through Popen(user=)."""
    if os.geteuid() != 0:
        pytest.skip("not root: there is no privilege to drop")
    level2 = available_or_skip(2)
    ok, why = confine._probe_user_drop(None, tmp_path)
    if not ok:
        assert why.startswith("as uid ")
        pytest.skip(f"this machine cannot run the worker as nobody without bubblewrap: {why}")
    dropped = confine.Confinement(level=4, layers=level2.layers + (confine.USER_DROP,), seccomp=True,
                                  landlock_abi=level2.landlock_abi, user=confine.worker_user())
    assert "user" in dropped.popen_kwargs() and dropped.command(["x"], tmp_path) == ["x"]
    results, _ = run_probe_worker(dropped, tmp_path / "run")
    assert results["uid"] == confine.worker_user()[0]
    assert results["read_secret"].startswith("denied") and results["write_outside"].startswith("denied")
    assert results["write_copy"] == "allowed"


@pytest.mark.skipif(os.geteuid() != 0, reason="the advice for a grader already running as root needs root")
def test_doctor_tells_a_root_grader_what_keeps_nobody_from_its_python(monkeypatch):
    monkeypatch.setattr(confine, "probe_layers", lambda: {
        **{layer: (True, "") for layer in confine.ALL_LAYERS},
        confine.USER_DROP: (False, "as uid 65534: cannot start the probe: [Errno 13] Permission denied")})
    text = CliRunner().invoke(main, ["doctor"]).output
    advice = text.split("To get more:")[1]
    assert "already runs as root" in advice and "python3 -m venv" in advice
    assert "run the grader as root" not in advice
