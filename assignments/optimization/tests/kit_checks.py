"""How the public tests call your functions and word their failures: the property that broke, the
input, expected vs got, and what to look at."""

import traceback
from pathlib import Path

import numpy as np

EPS = float(np.finfo(np.float64).eps)
#: CS231n's notebooks accept a relative error of "1e-7 or less" against their expected values.
NOTEBOOK_BOUND = 1e-7


class PropertyFailure(AssertionError):
    """A property does not hold; the message says which, on what input, and what to look at."""


class StudentError(BaseException):
    """Your function raised an exception (other than NotImplementedError) on a test input.

    A BaseException, not an Exception, so that Hypothesis stops at the first input that crashes
    (its first inputs are the smallest) instead of searching for a smaller one at length.
    """


class NotImplementedYet(BaseException):
    """Your function raised NotImplementedError: it is still the stub.

    A BaseException, not an Exception, so that Hypothesis stops at the first example instead of
    shrinking an input that does not matter.
    """


def fail(function, broke, on, expected, got, look_at):
    """Raise PropertyFailure: `function`: `broke` (a sentence), the input `on`, expected vs got, a hint."""
    raise PropertyFailure(
        f"{function}: {broke}\n"
        f"  input:    {on}\n"
        f"  expected: {expected}\n"
        f"  got:      {got}\n"
        f"  look at:  {look_at}"
    )


def call(student, name, on, *args, **kwargs):
    """student.<name>(*args, **kwargs). NotImplementedError becomes NotImplementedYet naming the function and its
    file; any other exception from your code becomes StudentError naming the input `on`."""
    try:
        return getattr(student, name)(*args, **kwargs)
    except NotImplementedError as error:
        where = traceback.extract_tb(error.__traceback__)[-1]
        raise NotImplementedYet(
            f"{where.name} is not implemented yet (edit {Path(where.filename).name})"
        ) from error
    except Exception as error:  # your code: any error is reported with the input that caused it
        raise StudentError(f"{name} raised {type(error).__name__}: {error}\n  input: {on}") from error


def describe(value):
    """A short description of a returned value: its type, and its shape and dtype for arrays."""
    if isinstance(value, np.ndarray):
        return f"numpy array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} items"
    return f"{type(value).__name__} {value!r}"[:200]


def rel_error(x, y):
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|), elementwise; inf if shapes differ."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape:
        return float("inf")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def call_rule(student, rule, on, w, dw, config):
    """student.<rule>(w, dw, config) -> (next_w, config), checked to be a pair (array, dict)."""
    got = call(student, rule, on, w, dw, config)
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict)):
        fail(rule, "must return a pair (next_w, config).", on, "a tuple (numpy array, dict)", describe(got),
             "return next_w, config at the end, with the state stored in config.")
    return got
