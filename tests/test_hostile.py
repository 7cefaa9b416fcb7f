"""Hostile and broken submissions graded in one batch with honest ones: nobody cheats, crashes or harms.

Each case in tests/corpus/hostile/<case>/ holds only the student file(s) that matter and an
expect.toml (its verdict: functions that must score 0, extra checks); the rest of the submission is
filled from reference/. One `grader grade` run grades every case the machine's strongest sandbox
level promises to hold, beside a correct and a partly wrong student, with short limits.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from limited_root import root_with_limits
from run_once import once

from grader.assignment import Limits, load_assignment
from grader.sandbox import confine

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "corpus" / "hostile"
#: The partly wrong student: the reference with the 0.5·reg convention in softmax's loss (a realistic slip).
PARTLY_WRONG = ("softmax.py", "+ reg * np.sum(W * W)", "+ 0.5 * reg * np.sum(W * W)")
#: Short limits so the hostile cases cost seconds: a correct solution still never comes near them.
LIMITS = Limits(call_timeout_s=5.0, submission_timeout_s=60.0, cpu_s=20, memory_mb=1024, output_kb=64,
                disk_kb=8 * 1024)
NETWORK_PORT = 47231  # the network case tries 127.0.0.1 on this port
FILL = re.compile(r"# grader-test: fill ([\w ]+)")
CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=]")  # PEP 263's encoding declaration
LEFTOVER_FILES = ("/tmp/hostile_zip_escape.py", "/tmp/hostile_zip_escape_abs.py")
LEFTOVER_ACTED = "leftover_acted.txt"  # what a leftover process writes in the test's folder
MARKS = ("FORGED-BY-HOSTILE", "REWRITTEN-BY-HOSTILE")
TIMED = re.compile(r"faster than", re.IGNORECASE)


def load_cases() -> dict[str, dict]:
    return {d.name: tomllib.loads((d / "expect.toml").read_text()) for d in sorted(CORPUS.iterdir()) if d.is_dir()}


CASES = load_cases()


def signals_isolated(confinement: confine.Confinement) -> bool:
    """Can this level stop a worker signalling the grader? (pid namespace, other uid, or Landlock scoping)"""
    return confinement.bwrap is not None or confinement.user is not None or confinement.landlock_abi >= 6


def left_out(expect: dict, confinement: confine.Confinement) -> str:
    """Why a case is not run at this level ("" when it is)."""
    if confinement.level < expect.get("min_level", 1):
        return (f"needs sandbox level {expect['min_level']} (this machine gives {confinement.level}: "
                + "; ".join(f"{k}: {v}" for k, v in confinement.missing.items()) + ")")
    if "needs_signal_isolation" in expect["checks"] and not signals_isolated(confinement):
        return "nothing at this level stops a signal to the grader (needs Landlock ABI 6, bubblewrap or root)"
    return ""


# ------------------------------------------------------------------------------ building submissions


def reference_functions(assignment) -> dict[str, str]:
    """{function name: its source (with its file's imports)} from reference/."""
    sources = {}
    for file in assignment.files:
        text = (assignment.reference_dir / file).read_text()
        tree = ast.parse(text)
        imports = "\n".join(ast.get_source_segment(text, n) for n in tree.body
                            if isinstance(n, (ast.Import, ast.ImportFrom)))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                sources[node.name] = imports + "\n\n\n" + ast.get_source_segment(text, node) + "\n"
    return sources


def student_file(data: bytes, functions: dict[str, str], name: str, root: Path) -> bytes:
    """A case's file: a first line naming the process `name` (so a leftover, which inherits the
    name, is found by it) and telling it HOSTILE_ROOT, the test's folder (the attacks that write or
    kill aim only there, so a broken sandbox harms nothing else), then its own text, then the
    reference functions its `# grader-test: fill NAME...` line asks for."""
    fills = [name for match in FILL.finditer(data.decode("latin-1")) for name in match.group(1).split()]
    header = (f'__import__("ctypes").CDLL(None).prctl(15, b"{name}", 0, 0, 0); '
              f'HOSTILE_ROOT = {str(root.resolve())!r}\n').encode()
    cookie = b""
    if CODING.match(data.split(b"\n", 1)[0]):  # a coding line counts only on line 1 or 2 after comments
        cookie, data = data.split(b"\n", 1)
        cookie += b"\n"
    return cookie + header + data + b"".join(b"\n\n" + functions[name].encode() for name in fills)


def assemble(case: str, expect: dict, assignment, submissions: Path, tag: str, root: Path) -> None:
    """Write case `case` into submissions/ as a folder, a .zip or a .ipynb, filled from reference/;
    its processes are named tag + the case's first letters."""
    source = CORPUS / case
    functions = reference_functions(assignment)
    links = {**expect.get("symlinks", {}), **expect.get("zip_symlinks", {})}
    files: dict[str, bytes] = {}
    for file in assignment.files:
        if (source / file).exists():
            files[file] = student_file((source / file).read_bytes(), functions, (tag + case)[:15], root)
        elif file not in links:
            files[file] = (assignment.reference_dir / file).read_bytes()
    for name, kb in expect.get("pad_kb", {}).items():  # a large file made here, never committed
        files[name] = files.get(name, b"") + b"\n#" + b"=" * max(0, kb * 1024 - len(files.get(name, b"")) - 3) + b"\n"
    if expect["entry"] == "notebook":
        shutil.copyfile(next(source.glob("*.ipynb")), submissions / f"{case}.ipynb")
    elif expect["entry"] == "zip":
        with zipfile.ZipFile(submissions / f"{case}.zip", "w") as archive:
            for name, data in files.items():
                archive.writestr(name, data)
            for name, text in expect.get("zip_entries", {}).items():
                archive.writestr(zipfile.ZipInfo(name), text)
            for name, text in expect.get("zip_duplicates", {}).items():  # a second entry of the same name
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    archive.writestr(zipfile.ZipInfo(name), text)
            for name, target in expect.get("zip_symlinks", {}).items():
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o120777 << 16
                archive.writestr(info, str(REPO / target))
    else:
        folder = submissions / case
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        for name, target in expect.get("symlinks", {}).items():
            (folder / name).symlink_to(REPO / target)


def tree_digest(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under folder (symlinks by their target)."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            digest[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            digest[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def marked_files(folder: Path) -> list[str]:
    """Files under folder holding a mark the forging or rewriting cases write (they build it at run time)."""
    return [str(p) for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
            and any(mark.encode() in p.read_bytes() for mark in MARKS)]


def hostile_processes(tag: str, grace_s: float = 2.0) -> list[int]:
    """pids of live processes named by this run's cases (each case file names its process tag + ...).

    Zombies do not count; a process already sent SIGKILL gets grace_s to be gone.
    """
    deadline = time.monotonic() + grace_s
    while True:
        found = []
        for entry in os.listdir("/proc"):
            try:
                if (entry.isdigit() and Path(f"/proc/{entry}/comm").read_text().startswith(tag)
                        and Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"):
                    found.append(int(entry))
            except (OSError, IndexError):
                pass
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def run_grader(submissions: Path, out: Path, root: Path, env: dict, *extra: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-c", "from grader.cli import main; main()", "grade", str(submissions),
            "-o", str(out), "--root", str(root), "--quiet", *extra]
    return subprocess.run(argv, check=False, capture_output=True, text=True, env=env, timeout=300,
                          start_new_session=True)


# ------------------------------------------------------------------------------ the graded batch


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The hostile batch, graded once in the whole run (run_once.once: under xdist one worker grades, the
    other reads its result; two batches at once would also share this file's port and /tmp paths)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the hostile corpus uses /proc and Linux process names")
    return once(tmp_path_factory, "hostile", grade_hostile_batch)


def grade_hostile_batch(tmp: Path) -> dict:
    """Grade every case this machine can hold beside a correct and a partly wrong student, in folder tmp,
    then each honest student alone; everything the checks need, gathered once."""
    confinement = confine.probe()
    assignment = load_assignment("loss_optimization")
    root = root_with_limits(assignment, LIMITS, tmp)
    submissions = tmp / "submissions"
    submissions.mkdir()
    tag = "hx" + secrets.token_hex(3)  # this run's process-name prefix: never another run's processes
    skipped = {case: why for case, expect in CASES.items() if (why := left_out(expect, confinement))}
    for case, expect in CASES.items():
        if case not in skipped:
            assemble(case, expect, assignment, submissions, tag, tmp)
    shutil.copytree(assignment.reference_dir, submissions / "correct",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(assignment.reference_dir, submissions / "partly_wrong",
                    ignore=shutil.ignore_patterns("__pycache__"))
    slipped, honest, mistaken = submissions / "partly_wrong" / PARTLY_WRONG[0], *PARTLY_WRONG[1:]
    assert slipped.read_text().count(honest) == 1
    slipped.write_text(slipped.read_text().replace(honest, mistaken))
    for leftover in LEFTOVER_FILES:
        Path(leftover).unlink(missing_ok=True)
    before = tree_digest(submissions)
    secret = "hostile-secret-" + secrets.token_hex(8)
    env = {**os.environ, "GRADER_HOSTILE_SECRET": secret, "OPENBLAS_NUM_THREADS": "1"}

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        listener.bind(("127.0.0.1", NETWORK_PORT))
        udp.bind(("127.0.0.1", NETWORK_PORT))
        listener.listen(8)
        listening = True
    except OSError:
        listening = False
    listener.setblocking(False)
    udp.setblocking(False)

    began = time.monotonic()
    out = tmp / "out"
    proc = run_grader(submissions, out, root, env, "--jobs", "4")
    seconds = time.monotonic() - began
    time.sleep(1.0)  # give a leftover the time to act
    leftovers = hostile_processes(tag)
    for pid in leftovers:  # never leave them running, whatever the verdict
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    reached = []
    if listening:
        for sock, receive in ((listener, lambda s: s.accept()), (udp, lambda s: s.recvfrom(64))):
            try:
                reached.append(repr(receive(sock)))
            except BlockingIOError:
                pass
    listener.close()
    udp.close()
    after = tree_digest(submissions)

    def graded_alone(student: str) -> dict:
        single = tmp / f"only-{student}"
        single.mkdir()
        shutil.copytree(submissions / student, single / student)
        run_grader(single, tmp / f"alone-{student}", root, env)
        return json.loads((tmp / f"alone-{student}" / "results" / f"{student}.json").read_text())

    with ThreadPoolExecutor(max_workers=2) as pool:  # the two honest students alone, at the same time
        alone = dict(zip(("correct", "partly_wrong"), pool.map(graded_alone, ("correct", "partly_wrong"))))

    results = {p.stem: json.loads(p.read_text()) for p in (out / "results").glob("*.json")} if out.exists() else {}
    return {"proc": proc, "seconds": seconds, "out": out, "tmp": tmp, "results": results, "alone": alone,
            "confinement": confinement, "skipped": skipped, "before": before, "after": after,
            "leftovers": leftovers, "secret": secret, "listening": listening, "reached": reached, "env": env}


def result_of(batch, case: str) -> dict:
    if case in batch["skipped"]:
        pytest.skip(f"{case} left out at this level: {batch['skipped'][case]}")
    assert case in batch["results"], f"no result for {case}: {batch['proc'].stderr[-2000:]}"
    return batch["results"][case]


def function_scores(result: dict) -> dict[str, float]:
    return {name: score["score"] for name, score in result["functions"].items()}


def comparable_scores(result: dict) -> dict[str, float]:
    """Per-function points from tests that do not time the code: the suite's speed-up test measures
    wall time, which this shared machine's load moves, so it is left out of score comparisons."""
    scores = dict.fromkeys(result["functions"], 0.0)
    for test in result["tests"]:
        if not TIMED.search(test["name"]) and test["function"] in scores:
            scores[test["function"]] += test["score"]
    return scores


# ------------------------------------------------------------------------------ the batch as a whole


@pytest.mark.slow
def test_the_batch_finishes_with_exit_status_0(batch):
    assert batch["proc"].returncode == 0, batch["proc"].stderr[-3000:]
    graded = set(CASES) - set(batch["skipped"]) | {"correct", "partly_wrong"}
    assert set(batch["results"]) == graded
    print(f"hostile batch: {len(graded)} submissions in {batch['seconds']:.1f} s at {batch['confinement'].name}")


@pytest.mark.slow
def test_honest_students_score_as_when_graded_alone(batch):
    for student in ("correct", "partly_wrong"):
        together = batch["results"][student]
        assert comparable_scores(together) == comparable_scores(batch["alone"][student]), student
    assert batch["results"]["correct"]["score"] > batch["results"]["partly_wrong"]["score"]


@pytest.mark.slow
def test_every_result_reports_the_sandbox_level(batch):
    level = batch["confinement"].name
    for student, result in batch["results"].items():
        if not result.get("error"):
            assert result["sandbox"] == level, student


@pytest.mark.slow
def test_no_process_is_left_alive(batch):
    assert batch["leftovers"] == [], "processes left alive after grading"
    assert not (batch["tmp"] / LEFTOVER_ACTED).exists(), "a leftover process acted after grading"


@pytest.mark.slow
def test_no_file_outside_a_private_copy_was_written(batch):
    assert batch["after"] == batch["before"], "a submission folder was changed"
    for leftover in LEFTOVER_FILES:
        assert not Path(leftover).exists(), leftover
    assert marked_files(batch["tmp"]) == []
    for folder in (Path("/tmp"), Path.home()):
        for name in ("results.json", "grades.csv"):
            target = folder / name
            if target.is_file():
                assert b"HOSTILE" not in target.read_bytes(), target
    grades = (batch["out"] / "grades.csv").read_text().splitlines()
    assert sorted(line.split(",")[0] for line in grades[1:]) == sorted(batch["results"])
    for student, result in batch["results"].items():
        assert result["student"] == student


# ------------------------------------------------------------------------------ each case


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_case_gets_no_points_it_did_not_earn(batch, case):
    expect = CASES[case]
    result = result_of(batch, case)
    scores, comparable = function_scores(result), comparable_scores(result)
    honest = comparable_scores(batch["results"]["correct"])
    ceilings, lost, less = expect.get("cap", {}), expect.get("lose", {}), expect.get("less", [])
    for function, score in scores.items():
        if function in lost:
            assert_loses_only(result, batch["results"]["correct"], function, lost[function], case)
            continue
        if function in expect["zero"]:
            assert score == 0, f"{case}: {function} scored {score}"
        if function in less:
            assert comparable[function] < honest[function], \
                f"{case}: {function} scored {comparable[function]}, as much as the correct student"
        if function in ceilings:
            ceiling = comparable_scores(result_of(batch, ceilings[function]))[function]
            assert comparable[function] <= ceiling, \
                f"{case}: {function} scored {comparable[function]}, more than {ceilings[function]}'s {ceiling}"
        elif function not in expect["zero"] + expect["unchecked"] + less:
            assert comparable[function] == honest[function], f"{case}: {function} (its honest code) lost points"
    for check in expect["checks"]:
        CHECKS[check](batch, case, expect, result)


def assert_loses_only(result: dict, honest: dict, function: str, patterns: list[str], case: str) -> None:
    """The tests of `function` named by `patterns` score 0, and its untimed others score what the honest student's do."""
    def split(res):
        tests = [t for t in res["tests"] if t["function"] == function]
        named = [t for t in tests if any(p in t["name"] for p in patterns)]
        kept = sum(t["score"] for t in tests if t not in named and not TIMED.search(t["name"]))
        return named, kept

    named, kept = split(result)
    assert len(named) == len(patterns), f"{case}: {[t['name'] for t in named]} do not match {patterns}"
    assert all(t["score"] == 0 for t in named), f"{case}: {[(t['name'], t['score']) for t in named]}"
    assert kept == split(honest)[1], f"{case}: {function} lost points beyond {patterns}"


def check_output_capped(batch, case, expect, result):
    cap = LIMITS.output_kb * 1024
    assert len(result.get("stdout", "").encode()) <= cap + 200
    feedback = batch["out"] / "feedback" / f"{case}.md"
    assert feedback.stat().st_size <= 2 * cap + 64 * 1024


def check_no_leak(batch, case, expect, result):
    assert "LEAKED" not in result.get("stdout", ""), "the worker read the reference or the hidden tests"


def check_attempted(batch, case, expect, result):
    assert "ATTEMPTED" in result.get("stdout", ""), "the attack never ran: this case proves nothing"


def check_no_forgery(batch, case, expect, result):
    assert result["student"] == case and result["score"] < result["max_score"]
    assert marked_files(batch["tmp"]) == []


def check_others_unchanged(batch, case, expect, result):
    assert batch["after"] == batch["before"]
    assert marked_files(batch["tmp"]) == []


def check_no_leftover(batch, case, expect, result):
    assert batch["leftovers"] == []
    assert not (batch["tmp"] / LEFTOVER_ACTED).exists()


def check_no_network(batch, case, expect, result):
    if not batch["listening"]:
        pytest.skip(f"port {NETWORK_PORT} on 127.0.0.1 was busy: nothing to listen with")
    assert batch["reached"] == [], "the worker reached the test's listener"


def check_no_secret(batch, case, expect, result):
    for path in batch["out"].rglob("*"):
        if path.is_file():
            assert batch["secret"].encode() not in path.read_bytes(), f"secret leaked into {path}"


def check_error_mentions(batch, case, expect, result):
    assert expect["error_mentions"] in result.get("error", "")


def check_disk_bounded(batch, case, expect, result):
    """The case prints how much it has written: never more than the quota plus what one quota tick lets
    a fast writer add before it is stopped."""
    written = [int(n) for n in re.findall(r"WROTE (\d+)", result.get("stdout", ""))]
    assert written, "the case reported no writes"
    assert max(written) <= 2 * LIMITS.disk_kb * 1024, f"wrote {max(written)} bytes, quota {LIMITS.disk_kb} KiB"
    assert "disk quota" in (batch["out"] / "feedback" / f"{case}.md").read_text()
def check_feedback_mentions(batch, case, expect, result):
    feedback = (batch["out"] / "feedback" / f"{case}.md").read_text(encoding="utf-8")
    assert expect["error_mentions"] in " ".join(feedback.split()), "the student's feedback does not say it"


def check_output_lacks(batch, case, expect, result):
    assert expect["output_lacks"] not in result.get("stdout", ""), "code ran that should only have been defined"


def check_resume_sees_swap(batch, case, expect, result):
    """Regrade the case into a copy of OUT with its linear_svm.py made wrong: the stored result must not
    be taken as up to date (the old hash stopped reading after 20 MiB, before the code)."""
    assert result["score"] == result["max_score"], "the case must start from full marks"
    again = batch["tmp"] / f"again-{case}"
    shutil.copytree(batch["out"] / "results", again / "out" / "results")
    shutil.copytree(batch["tmp"] / "submissions" / case, again / "subs" / case)
    svm = again / "subs" / case / "linear_svm.py"
    assert svm.read_text().count("loss /= num_train") == 1
    svm.write_text(svm.read_text().replace("loss /= num_train", "loss /= 2 * num_train"))
    proc = run_grader(again / "subs", again / "out", batch["tmp"] / "root", batch["env"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    regraded = json.loads((again / "out" / "results" / f"{case}.json").read_text())
    assert regraded["functions"]["svm_loss_naive"]["score"] < result["functions"]["svm_loss_naive"]["score"]


def check_signal_isolation(batch, case, expect, result):
    assert batch["proc"].returncode == 0  # the grader survived, and graded everyone (test above)


CHECKS = {
    "attempted": check_attempted, "output_capped": check_output_capped, "no_leak": check_no_leak, "no_forgery": check_no_forgery,
    "others_unchanged": check_others_unchanged, "no_leftover": check_no_leftover,
    "no_network": check_no_network, "no_secret": check_no_secret, "error_mentions": check_error_mentions,
    "needs_signal_isolation": check_signal_isolation, "disk_bounded": check_disk_bounded,
    "feedback_mentions": check_feedback_mentions,
    "output_lacks": check_output_lacks, "resume_sees_swap": check_resume_sees_swap,
}


def test_every_case_states_a_verdict():
    functions = {f.name for f in load_assignment("loss_optimization").functions}
    assert len(CASES) >= 30
    for case, expect in CASES.items():
        assert expect["about"] and expect["entry"] in ("folder", "zip", "notebook"), case
        assert set(expect["zero"]) | set(expect["unchecked"]) | set(expect.get("less", [])) <= functions, case
        assert expect["zero"] or expect["unchecked"] or expect.get("cap") or expect.get("lose") \
            or expect.get("less") or expect.get("honest"), f"{case} states no verdict"
        assert set(expect.get("lose", {})) <= functions, case
        assert set(expect.get("cap", {}).values()) <= set(CASES), case
        assert set(expect["checks"]) <= set(CHECKS), case
