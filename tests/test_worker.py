"""The worker end to end through WorkerClient: correct calls, student exceptions, broken files,
crashes, hangs, lying return values, output floods, mutation reports and process-group cleanup."""

import dataclasses
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from grader.assignment import load_assignment
from grader.binding import bind_in_process
from grader.sandbox import GraderFault, StudentError, WorkerClient
from grader.sandbox.confine import probe

ASSIGNMENT = load_assignment("loss_optimization")
LIMITS = dataclasses.replace(ASSIGNMENT.limits, call_timeout_s=2.0, submission_timeout_s=120.0, output_kb=2)

OK_OPTIM = "def sgd_step(W, dW, learning_rate):\n    return W - learning_rate * dW\n"


@pytest.fixture(scope="module", params=["auto", "1"])
def confinement(request):
    """The strongest confinement this machine gives, and level 1 (what every machine gives)."""
    return probe(request.param)


def make_submission(folder: Path, files: dict) -> Path:
    folder.mkdir(exist_ok=True)
    for name, source in files.items():
        data = source if isinstance(source, bytes) else textwrap.dedent(source).encode()
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def worker(tmp_path, confinement):
    """worker(files, **limit overrides) -> a started WorkerClient, closed after the test."""
    clients = []

    def start(files: dict, **limits) -> WorkerClient:
        folder = make_submission(tmp_path / f"student{len(clients)}", files)
        client = WorkerClient(folder, ASSIGNMENT, confinement=confinement,
                              limits=dataclasses.replace(LIMITS, **limits))
        clients.append(client)
        client.start()
        return client

    yield start
    for client in clients:
        client.close()


def problem(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((6, 3)) * 0.01, rng.standard_normal((5, 6)), rng.integers(0, 3, 5), 0.1


def test_a_correct_submission_gives_the_reference_values_as_plain_objects(worker):
    sources = {f: (ASSIGNMENT.reference_dir / f).read_text() for f in ASSIGNMENT.files}
    client = worker(sources)
    reference = bind_in_process(ASSIGNMENT.reference_dir, ASSIGNMENT, prefix="reference")
    assert client.problems == {} and set(client.functions_found) == {f.name for f in ASSIGNMENT.functions}
    for name in ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss"):
        loss, grad = client.call(name, *problem())
        expected_loss, expected_grad = getattr(reference, name)(*problem())
        assert type(loss) is float and type(grad) is np.ndarray
        assert loss == expected_loss and np.array_equal(grad, expected_grad)
    W, dW = problem()[0], np.ones((6, 3))
    assert np.array_equal(client.call("sgd_step", W, dW, learning_rate=0.5), W - 0.5)
    assert client.last_call_mutated == ()


def test_a_student_exception_carries_its_message_and_only_the_students_frames(worker):
    client = worker({"linear_svm.py": """\
        def helper(W):
            return W.shape[5]
        def svm_loss_naive(W, X, y, reg):
            return helper(W)
        """, "optim.py": OK_OPTIM})
    with pytest.raises(StudentError) as info:
        client.call("svm_loss_naive", *problem())
    error = info.value
    assert error.kind == "exception" and error.function == "svm_loss_naive"
    assert str(error).startswith("svm_loss_naive raised IndexError: tuple index out of range")
    assert 'File "linear_svm.py", line 4, in svm_loss_naive' in error.traceback
    assert 'File "linear_svm.py", line 2, in helper' in error.traceback
    assert "worker.py" not in str(error) and "client.py" not in str(error)


def test_missing_files_and_functions_name_the_file_that_should_define_them(worker):
    client = worker({"linear_svm.py": "def svm_loss_naive(W, X, y, reg):\n    return 1.0, W\n"
                                      "svm_loss_vectorized = 3\n"})
    assert client.problems == {"softmax.py": "missing from the submission", "optim.py": "missing from the submission"}
    assert client.load_summary() == "softmax.py: missing from the submission\noptim.py: missing from the submission"
    for name, message in [("softmax_loss", "softmax_loss is not available: softmax.py: missing from the submission"),
                          ("svm_loss_vectorized", "linear_svm.py defines svm_loss_vectorized, but it is not a function"),
                          ("unknown", "unknown is not a graded function")]:
        with pytest.raises(StudentError) as info:
            client.call(name, 1.0)
        assert str(info.value) == message and info.value.kind == "missing"
    assert client.call("svm_loss_naive", *problem())[0] == 1.0


def test_syntax_errors_and_sys_exit_at_import_cost_only_their_file(worker):
    client = worker({
        "linear_svm.py": "import numpy as np\n\ndef svm_loss_naive(W, X, y, reg)\n    return 0\n",
        "softmax.py": "import sys\nsys.exit(0)\n",
        "optim.py": OK_OPTIM,
    })
    assert client.problems["linear_svm.py"].startswith("SyntaxError line 3: ")
    assert client.problems["softmax.py"] == "called sys.exit(0) while being imported"
    assert "linear_svm.py: SyntaxError line 3" in client.load_summary()
    with pytest.raises(StudentError, match="linear_svm.py: SyntaxError line 3"):
        client.call("svm_loss_naive", *problem())
    assert client.call("sgd_step", 1.0, 2.0, 0.5) == 0.0


def test_non_utf8_source_and_import_time_errors_are_load_problems(worker):
    client = worker({
        "linear_svm.py": b'name = "caf\xe9"\ndef svm_loss_naive(W, X, y, reg):\n    return 0\n',
        "softmax.py": "import numpy as np\nnp.zeros(3)[7]\n",
        "optim.py": OK_OPTIM,
    })
    assert client.problems["linear_svm.py"].startswith("SyntaxError line 1: (unicode error) 'utf-8' codec")
    assert client.problems["softmax.py"].startswith("IndexError line 2 at import: index 7 is out of bounds")
    assert client.call("sgd_step", 3.0, 1.0, 1.0) == 2.0


def test_an_import_that_hangs_or_ends_the_worker_is_left_out_of_the_next_start(worker):
    client = worker({
        "linear_svm.py": "import os\nos._exit(3)\n",
        "softmax.py": "import time\ntime.sleep(600)\n",
        "optim.py": OK_OPTIM,
    }, call_timeout_s=1.0)
    assert client.problems == {"linear_svm.py": "importing it exited with status 3",
                               "softmax.py": "importing it did not finish within 1 s"}
    assert client.call("sgd_step", 3.0, 1.0, 1.0) == 2.0


def test_os_exit_in_a_call_fails_that_call_and_the_next_call_restarts_the_worker(worker):
    client = worker({"optim.py": """\
        import os
        def sgd_step(W, dW, learning_rate):
            if learning_rate < 0:
                os._exit(7)
            return W - learning_rate * dW
        """})
    with pytest.raises(StudentError) as info:
        client.call("sgd_step", 1.0, 1.0, -1.0)
    assert str(info.value) == "the worker exited with status 7 during sgd_step" and info.value.kind == "crash"
    assert client.call("sgd_step", 1.0, 1.0, 0.25) == 0.75


def test_a_segfault_is_reported_with_its_signal(worker):
    client = worker({"softmax.py": "import ctypes\ndef softmax_loss(W, X, y, reg):\n    ctypes.string_at(0)\n",
                     "optim.py": OK_OPTIM})
    with pytest.raises(StudentError, match=r"the worker crashed \(signal 11, SIGSEGV\) during softmax_loss"):
        client.call("softmax_loss", *problem())
    assert client.call("sgd_step", 1.0, 1.0, 1.0) == 0.0


def test_an_infinite_loop_times_out_once_then_the_circuit_breaker_answers(worker):
    client = worker({"linear_svm.py": """\
        def svm_loss_naive(W, X, y, reg):
            print("entered", flush=True)
            while True:
                pass
        """, "optim.py": OK_OPTIM}, call_timeout_s=1.0)
    messages = []
    for _ in range(3):
        with pytest.raises(StudentError) as info:
            client.call("svm_loss_naive", *problem())
        messages.append((str(info.value), info.value.kind))
    assert messages == [("svm_loss_naive did not return within 1 s", "timeout")] * 3
    assert client.output().count("entered") == 1  # the later calls never reached the worker
    assert client.call("sgd_step", 2.0, 1.0, 1.0) == 1.0  # partial credit survives


def test_repeated_crashes_of_one_function_trip_the_breaker(worker):
    client = worker({"optim.py": "import os\ndef sgd_step(W, dW, lr):\n    print('run', flush=True)\n"
                                 "    os._exit(1)\n"})
    for _ in range(5):
        with pytest.raises(StudentError, match="exited with status 1 during sgd_step") as info:
            client.call("sgd_step", 1.0, 1.0, 1.0)
        assert info.value.kind == "crash"
    assert client.output().count("run") == client.max_crashes


def test_objects_that_compare_equal_to_anything_come_back_plain(worker):
    client = worker({"softmax.py": """\
        import numpy as np
        class Liar(float):
            def __eq__(self, other):
                return True
        class LyingArray(np.ndarray):
            def __eq__(self, other):
                return np.ones(self.shape, bool)
            def __array_ufunc__(self, *args, **kwargs):
                return True
        def softmax_loss(W, X, y, reg):
            return Liar(123.0), np.zeros(W.shape).view(LyingArray)
        """})
    loss, grad = client.call("softmax_loss", *problem())
    assert type(loss) is float and loss == 123.0 and loss != 5.0
    assert type(grad) is np.ndarray and grad.shape == (6, 3) and not np.any(grad == 1.0)


def test_values_the_grader_cannot_read_are_refused(worker):
    client = worker({"optim.py": """\
        import numpy as np
        def sgd_step(W, dW, learning_rate):
            if learning_rate > 1:
                return np.zeros((1, 1, 1, 1, 1))
            return {0: W}
        """})
    with pytest.raises(StudentError, match="sgd_step returned a dict with a int key .keys must be str., "
                                           "which the grader cannot read") as info:
        client.call("sgd_step", 1.0, 1.0, 1.0)
    assert info.value.kind == "unreadable"
    with pytest.raises(StudentError, match="cannot read: an array with 5 dimensions"):
        client.call("sgd_step", 1.0, 1.0, 2.0)


def test_output_is_captured_capped_and_kept_out_of_the_graders_output(worker, capfd):
    client = worker({"optim.py": """\
        import os, sys
        print("hello from import")
        def sgd_step(W, dW, learning_rate):
            print("x" * 100_000)
            sys.stderr.write("y" * 100_000)
            os.write(1, b"z" * 100_000)
            return W
        """})
    assert client.call("sgd_step", 1.0, 1.0, 1.0) == 1.0
    output = client.output()
    assert output.startswith("hello from import\nxxx")
    assert output.endswith("[output truncated at 2 KiB]") and len(output) < 2048 + 100
    assert "xxx" not in capfd.readouterr().out


def test_arguments_modified_by_the_call_are_reported(worker):
    client = worker({"optim.py": """\
        def sgd_step(W, dW, learning_rate):
            if learning_rate > 1:
                raise ValueError("after modifying dW")
            W -= learning_rate * dW
            return W
        """})
    W, dW = np.ones((2, 2)), np.ones((2, 2))
    assert np.array_equal(client.call("sgd_step", W, dW, 0.5), np.full((2, 2), 0.5))
    assert client.last_call_mutated == (0,)
    assert np.array_equal(W, np.ones((2, 2)))  # the grader's own arrays are never touched
    client.call("sgd_step", W=W, dW=dW, learning_rate=0.5)
    assert client.last_call_mutated == ("W",)
    with pytest.raises(StudentError):
        client.call("sgd_step", W, dW, 2.0)
    assert client.last_call_mutated == ()


UPDATE_RULES = """\
    import numpy as np

    def sgd_step(w, dw, config=None):
        if config is None:
            config = {}
        config.setdefault("learning_rate", 1e-2)
        config.setdefault("momentum", 0.9)
        v = config.get("velocity", np.zeros_like(w))
        v *= config["momentum"]          # in place: the caller's velocity changes
        v -= config["learning_rate"] * dw
        w += v                           # in place too (CS231n allows it)
        config["velocity"] = v
        return w, config
    """


def test_an_optimizer_config_dict_crosses_both_ways_and_changes_inside_it_are_named(worker):
    client = worker({"optim.py": UPDATE_RULES})
    w, dw = np.linspace(-0.4, 0.6, 6).reshape(2, 3), np.linspace(-0.6, 0.4, 6).reshape(2, 3)
    config = {"learning_rate": 1e-3, "velocity": np.linspace(0.6, 0.9, 6).reshape(2, 3)}
    next_w, next_config = client.call("sgd_step", w, dw, config)
    velocity = 0.9 * config["velocity"] - 1e-3 * dw
    assert np.allclose(next_w, w + velocity) and type(next_config) is dict
    assert list(next_config) == ["learning_rate", "velocity", "momentum"]
    assert np.allclose(next_config["velocity"], velocity)
    assert client.last_call_changes == ((0,), (2, "velocity"), (2, "momentum"))
    assert client.last_call_mutated == (0, 2)
    args_after, _ = client.last_call_arguments
    assert np.array_equal(args_after[0], next_w) and np.array_equal(args_after[2]["velocity"], velocity)
    assert np.array_equal(config["velocity"], np.linspace(0.6, 0.9, 6).reshape(2, 3))  # the grader's own copy
    client.call("sgd_step", w, dw=dw)
    assert client.last_call_changes == ((0,),)


def test_an_argument_the_protocol_cannot_carry_is_a_grader_fault_not_a_student_error(worker):
    client = worker({"optim.py": UPDATE_RULES})
    for bad in ({1: "int key"}, {"f": len}, {"nested": {"set": {1, 2}}}):
        with pytest.raises(GraderFault, match="cannot send the arguments of sgd_step") as info:
            client.call("sgd_step", np.zeros(2), np.zeros(2), bad)
        assert not isinstance(info.value, StudentError)
    assert client.call("sgd_step", np.zeros(2), np.zeros(2))[1]["learning_rate"] == 1e-2  # the worker is fine


PATCHED_COMPARISONS = """\
    import sys
    import numpy as np
    import numpy.testing

    np.array_equal = lambda *a, **k: True
    np.testing.assert_array_equal = lambda *a, **k: None
    worker = sys.modules.get("grader.sandbox.worker")
    for name in ("mutated", "unchanged", "snapshot", "keep"):  # the checks an older worker ran itself
        if worker is not None:
            setattr(worker, name, lambda *a, **k: ())

    def sgd_step(W, dW, learning_rate):
        W -= learning_rate * dW
        return W
    """


def test_an_argument_grown_past_the_caps_counts_as_changed_and_the_call_still_answers(worker):
    client = worker({"optim.py": """\
        def sgd_step(W, dW, learning_rate):
            dW.extend(range(10_000))
            if learning_rate > 1:
                raise ValueError("after growing dW")
            return 1.0
        """})
    assert client.call("sgd_step", 1.0, [1.0], 0.5) == 1.0
    assert client.last_call_changes == ((1,),)
    with pytest.raises(StudentError, match="after growing dW"):
        client.call("sgd_step", 1.0, [1.0], 2.0)
    assert client.last_call_mutated == (1,)


def test_patched_comparisons_in_the_worker_cannot_hide_an_in_place_update(worker):
    client = worker({"optim.py": PATCHED_COMPARISONS})
    W, dW = np.ones((2, 2)), np.ones((2, 2))
    assert np.array_equal(client.call("sgd_step", W, dW, 0.5), np.full((2, 2), 0.5))
    assert client.last_call_mutated == (0,)


def live_members(pgid: int) -> list[int]:
    """Pids of non-zombie processes in process group pgid (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to list a process group")
def test_close_kills_the_whole_process_group(worker):
    client = worker({"optim.py": """\
        import os, time
        def sgd_step(W, dW, learning_rate):
            if os.fork() == 0:
                time.sleep(600)
                os._exit(0)
            return W
        """})
    assert client.call("sgd_step", 1.0, 1.0, 1.0) == 1.0
    pgid = client.pid
    assert len(live_members(pgid)) >= 2
    client.close()
    deadline = time.monotonic() + 30  # SIGKILLed processes may take a moment to be scheduled out
    while live_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_members(pgid) == []
    assert not client.copy_dir.exists()


def test_garbage_written_to_the_protocol_pipe_fails_only_that_call(worker):
    client = worker({"optim.py": """\
        import os
        def sgd_step(W, dW, learning_rate):
            if learning_rate < 0:
                for fd in range(3, 1024):
                    try:
                        os.write(fd, b"PICKLE" * 10)
                    except OSError:
                        pass
            return W
        """})
    with pytest.raises(StudentError) as info:
        client.call("sgd_step", 1.0, 1.0, -1.0)
    assert info.value.kind == "crash" and "unreadable reply during sgd_step" in str(info.value)
    assert client.call("sgd_step", 4.0, 1.0, 1.0) == 4.0


def test_the_worker_runs_with_limits_a_clean_environment_and_no_grader_on_its_path(worker, monkeypatch):
    monkeypatch.setenv("GRADER_TEST_SECRET", "hunter2")
    client = worker({"optim.py": """\
        import importlib.util, os, resource, sys
        import numpy as np
        def sgd_step(W, dW, learning_rate):
            if learning_rate > 1:
                return np.ones(10**10)
            try:
                import grader.assignment
                grader_visible = True
            except ImportError:
                grader_visible = False
            limits = tuple(resource.getrlimit(getattr(resource, n))[0]
                           for n in ("RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_NOFILE"))
            return (tuple(sorted(os.environ.items())), tuple(sys.path), grader_visible, limits,
                    importlib.util.find_spec("reference") is None)
        """}, memory_mb=1024)
    env, path, grader_visible, limits, no_reference = client.call("sgd_step", 1.0, 1.0, 1.0)
    env = dict(env)
    assert "GRADER_TEST_SECRET" not in env and "hunter2" not in str(env)
    assert env["OPENBLAS_NUM_THREADS"] == env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1"
    assert env["PYTHONHASHSEED"] == "0"
    repo = str(ASSIGNMENT.root.resolve())
    on_path = [p for p in path if (p == repo or p.startswith(repo + os.sep)) and not p.startswith(sys.prefix)]
    assert on_path == []  # the virtualenv may live in the repository; nothing else of it may be on the path
    assert not grader_visible and no_reference
    assert limits == (1024 * 2**20, 0, 64)
    with pytest.raises(StudentError, match="raised MemoryError"):
        client.call("sgd_step", 1.0, 1.0, 2.0)


def test_a_symlinked_file_is_not_copied(worker, tmp_path):
    target = ASSIGNMENT.reference_dir / "optim.py"
    folder = make_submission(tmp_path / "linked", {})
    (folder / "optim.py").symlink_to(target)
    client = WorkerClient(folder, ASSIGNMENT, confinement=probe("1"), limits=LIMITS)
    try:
        assert client.problems["optim.py"] == "a symbolic link (not copied)"
        with pytest.raises(StudentError, match="optim.py: a symbolic link"):
            client.call("sgd_step", 1.0, 1.0, 1.0)
    finally:
        client.close()


def test_the_submission_budget_ends_all_calls(worker):
    client = worker({"linear_svm.py": "def svm_loss_naive(W, X, y, reg):\n    while True:\n        pass\n",
                     "optim.py": OK_OPTIM}, call_timeout_s=1.0, submission_timeout_s=4.0)
    with pytest.raises(StudentError, match="used up its 0.8 s share of the submission.s time") as info:
        client.call("svm_loss_naive", 1.0, 1.0, 1.0, 1.0)
    assert info.value.kind == "budget"
    assert np.array_equal(client.call("sgd_step", np.ones(2), np.ones(2), 0.5), np.full(2, 0.5))


SLOW_BUT_CORRECT = """\
    import time

    def svm_loss_naive(W, X, y, reg):
        time.sleep(0.7)  # just under the call timeout, every call
        return 1.0, W

    def sgd_step(W, dW, learning_rate):
        return W - learning_rate * dW
    """


@pytest.mark.parametrize("slow_first", [True, False])
def test_one_slow_function_spends_only_its_own_share_whatever_the_order(tmp_path, confinement, slow_first):
    """4 functions share 0.8 x 8 s: 1.6 s each. The slow one gets two calls; sgd_step all of its own."""
    folder = make_submission(tmp_path / "slow", {"linear_svm.py": SLOW_BUT_CORRECT.replace("def sgd_step", "def _x"),
                                                 "optim.py": SLOW_BUT_CORRECT})
    limits = dataclasses.replace(LIMITS, call_timeout_s=1.0, submission_timeout_s=8.0)
    with WorkerClient(folder, ASSIGNMENT, confinement=confinement, limits=limits) as client:
        client.start()
        order = ["svm_loss_naive"] * 6 + ["sgd_step"] * 6
        outcomes = {"svm_loss_naive": [], "sgd_step": []}
        for name in order if slow_first else order[::-1]:
            try:
                client.call(name, 1.0, 1.0, 1.0) if name == "sgd_step" else client.call(name, 1.0, 1.0, 1.0, 1.0)
                outcomes[name].append("ok")
            except StudentError as exc:
                outcomes[name].append(exc.kind)
    assert outcomes["sgd_step"] == ["ok"] * 6
    assert outcomes["svm_loss_naive"][:2] == ["ok", "ok"] and set(outcomes["svm_loss_naive"][3:]) == {"budget"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_a_worker_dies_with_the_grader_process_that_started_it(tmp_path, confinement):
    """A grader killed mid-call (SIGKILL: no cleanup runs) leaves no sleeping worker behind."""
    folder = make_submission(tmp_path / "sleepy", {"optim.py": "import time\ndef sgd_step(W, dW, lr):\n"
                                                             "    time.sleep(600)\n"})
    level = confinement.level
    code = textwrap.dedent(f"""\
        import sys
        from grader.assignment import load_assignment
        from grader.sandbox import WorkerClient
        from grader.sandbox.confine import probe
        client = WorkerClient({str(folder)!r}, load_assignment("loss_optimization"), confinement=probe({str(level)!r}))
        client.start()
        print(client.pid, flush=True)
        client.call("sgd_step", 1.0, 1.0, 1.0)
        """)
    grader = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pgid = int(grader.stdout.readline())
    time.sleep(0.5)  # let the call reach the worker
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 30
    while live_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_members(pgid) == []


def test_closing_the_protocol_pipe_fails_the_call_and_skips_the_students_exit_hooks(worker):
    client = worker({"optim.py": """\
        import atexit, os
        atexit.register(print, "exit hook ran")
        def sgd_step(W, dW, learning_rate):
            if learning_rate < 0:
                for fd in range(3, 1024):
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            return W
        """})
    with pytest.raises(StudentError, match="during sgd_step") as info:
        client.call("sgd_step", 1.0, 1.0, -1.0)
    assert info.value.kind == "crash"
    assert client.call("sgd_step", 5.0, 1.0, 1.0) == 5.0
    client.close()
    assert "exit hook ran" not in client.output()
    assert "grader worker stopped: OSError" in client.output()


def test_a_fork_bomb_is_contained(worker, confinement):
    """The call gets a minute instead of the file's 2 s: forking hundreds of copies of a numpy process
    can take longer than 2 s on a loaded machine, and the call must return its count, not time out."""
    client = worker({"optim.py": """\
        import os
        def sgd_step(W, dW, learning_rate):
            children = 0
            for _ in range(400):
                try:
                    if os.fork() == 0:
                        import time
                        time.sleep(600)
                        os._exit(0)
                    children += 1
                except OSError:
                    break
            return children
        """}, call_timeout_s=60.0)
    children = client.call("sgd_step", 1.0, 1.0, 1.0)
    if confinement.user is not None:
        assert children < 256  # RLIMIT_NPROC of the worker's own user
    pgid = client.pid
    client.close()
    deadline = time.monotonic() + 30
    while live_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_members(pgid) == []
