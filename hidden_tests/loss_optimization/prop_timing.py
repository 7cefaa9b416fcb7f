"""Timing for the speed property, all measured on the trusted side (wall time around the call through the pipe).

The reference loop's cost does not depend on the submission: `reference_loop_seconds` measures it on a fixed
problem, so a batch can measure it once and share it. The submission is timed on fresh inputs every repetition,
drawn from the operating system's entropy (not from the public seed), so a cache of earlier answers, or answers
precomputed at import from the grader's public source, never hits. Each timed input is `COPIES` shuffled copies of
a small fresh block of examples, and the timed answer must be the block's own answer (a mean over examples) or
`COPIES` times it (a sum): a function that loops on small inputs and returns something cheap at the timed size
computes a different function there, and earns nothing for being fast.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from grader.diagnosis import sentence

#: A size where a loop's cost dominates the cost of passing X to the submission (2 MB): a correct
#: vectorization measures 9-18x faster than the reference loop here even on a loaded machine, a loop ~1x.
SPEED_N, SPEED_D, SPEED_C = 2000, 128, 10
#: The fresh block each timed input copies, and how many copies make SPEED_N examples.
BLOCK_N = 20
COPIES = SPEED_N // BLOCK_N
#: Required speed-up over the reference loop: 3x sits a factor of 3 from both kinds of solution.
REQUIRED_SPEEDUP = 3.0
#: Timings per series and attempts: the best of several runs is what the code costs when it gets the CPU; a
#: failed attempt re-measures the reference between the submission's runs, so a busy spell slows both alike.
SPEED_REPEATS, SPEED_ATTEMPTS = 3, 3
#: Scale of W: scores about 1e-3 · sqrt(D), so nearly every margin is positive (the loop's costliest branch).
W_SCALE = 1e-3
#: How close the timed answer must be to the block's answer (or COPIES times it): rounding only.
RTOL, ATOL = 1e-6, 1e-9


@dataclass(frozen=True)
class Timed:
    """One timed input: `big` (W (D, C), X (SPEED_N, D), y (SPEED_N,), reg = 0) made of COPIES shuffled copies
    of `block` (the same W, X (BLOCK_N, D), y (BLOCK_N,), reg = 0)."""

    big: tuple
    block: tuple


def wall_time(fn, args) -> float:
    """Wall time of one call fn(*args), in seconds."""
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def speed_problem(rng: np.random.Generator) -> tuple:
    """(W, X, y, reg) at the timed size, random from `rng`."""
    X = rng.standard_normal((SPEED_N, SPEED_D))
    W = rng.standard_normal((SPEED_D, SPEED_C)) * W_SCALE
    y = rng.integers(0, SPEED_C, SPEED_N)
    return W, X, y, 0.0


def reference_loop_seconds(loop, base_seed: int) -> float:
    """Best of SPEED_REPEATS wall times of the reference loop `loop(W, X, y, reg)` at the timed size, in seconds.

    Depends only on the reference and the seed: measure it once per batch and pass it to `speedup`.
    """
    args = speed_problem(np.random.default_rng([base_seed, SPEED_N]))
    return min(wall_time(loop, args) for _ in range(SPEED_REPEATS))


def fresh_timed(rng: np.random.Generator) -> Timed:
    """A Timed input from `rng` (seed it from the OS: the submission must not predict it)."""
    block_X = rng.standard_normal((BLOCK_N, SPEED_D))
    block_y = rng.integers(0, SPEED_C, BLOCK_N)
    W = rng.standard_normal((SPEED_D, SPEED_C)) * W_SCALE
    order = rng.permutation(SPEED_N)
    X, y = np.tile(block_X, (COPIES, 1))[order], np.tile(block_y, COPIES)[order]
    return Timed(big=(W, X, y, 0.0), block=(W, block_X, block_y, 0.0))


def same_computation(big: tuple, block: tuple) -> bool:
    """Whether (loss, dW) on the copies is the block's (loss, dW), or COPIES times it, each of the two."""
    def close(a, b) -> bool:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL) or np.allclose(a, COPIES * b, rtol=RTOL, atol=ATOL))

    return close(big[0], block[0]) and close(big[1], block[1])


@dataclass
class Measurement:
    """The outcome of `speedup`: the best times (seconds) and the ratio reached; `different` is a message when a
    timed answer was not the block's."""

    loop_s: float
    yours_s: float
    speedup: float
    different: str = ""


def speedup(call, loop, reference_s: float, base_seed: int, check) -> Measurement:
    """Time `call(W, X, y, reg)` (the submission, through the pipe) against the reference `loop`.

    `reference_s`: the loop's time from reference_loop_seconds. The first attempt takes the smaller of it and
    one fresh run of the loop (a batch-wide time measured in a busy spell must not make a loop look fast);
    later attempts time the loop again between the submission's calls. `check(result, W) -> (loss, dW)` validates a result
    (raising the student's message). Every call gets a fresh input; returns at the first attempt that
    reaches REQUIRED_SPEEDUP, or the last attempt's measurement.
    """
    rng = np.random.default_rng()
    args = speed_problem(np.random.default_rng([base_seed, SPEED_N]))
    measured = None
    for attempt in range(SPEED_ATTEMPTS):
        loop_times, yours = [reference_s, wall_time(loop, args)] if attempt == 0 else [], []
        for _ in range(SPEED_REPEATS):
            if attempt:
                loop_times.append(wall_time(loop, args))
            timed = fresh_timed(rng)
            start = time.perf_counter()
            result = call(*timed.big)
            yours.append(time.perf_counter() - start)
            big = check(result, timed.big[0])
            block = check(call(*timed.block), timed.block[0])
            if not same_computation(big, block):
                return Measurement(min(loop_times), min(yours), 0.0, different=(
                    sentence("on {N} examples made of {copies} shuffled copies of {block} examples (reg = 0) your "
                             "loss is {big}, on those {block} alone {small}: the loss and dW on the copies must be "
                             "the same (a mean over examples) or {copies}x (a sum), or the timed call computes "
                             "something other than what your function computes on small inputs", N=SPEED_N,
                             copies=COPIES, block=BLOCK_N, big=repr(big[0]), small=repr(block[0]))))
        measured = Measurement(min(loop_times), min(yours), min(loop_times) / max(min(yours), 1e-9))
        if measured.speedup >= REQUIRED_SPEEDUP:
            return measured
    return measured
