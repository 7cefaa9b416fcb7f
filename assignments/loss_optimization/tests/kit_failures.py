"""How the public tests call your functions and word their failures: the property that broke, the
input, expected vs got, and what to look at; an unwritten function and an exception in your code each
get their own one-line start."""

import traceback
from pathlib import Path

import numpy as np
from kit_i18n import _


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
        _("{function}: {broke}\n  input:    {on}\n  expected: {expected}\n  got:      {got}\n  look at:  {look_at}")
        .format(function=function, broke=broke, on=on, expected=expected, got=got, look_at=look_at)
    )


def call(student, name, on, *args, **kwargs):
    """student.<name>(*args, **kwargs). NotImplementedError becomes NotImplementedYet naming the function
    and its file; any other exception from your code becomes StudentError naming the input `on`."""
    try:
        return getattr(student, name)(*args, **kwargs)
    except NotImplementedError as error:
        where = traceback.extract_tb(error.__traceback__)[-1]
        raise NotImplementedYet(
            _("{function} is not implemented yet (edit {file})").format(function=where.name, file=Path(where.filename).name)
        ) from error
    except Exception as error:  # your code: any error is reported with the input that caused it
        raise StudentError(
            _("{function} raised {error_type}: {error}\n  input: {on}").format(
                function=name, error_type=type(error).__name__, error=error, on=on
            )
        ) from error


def describe(value):
    """A short description of a returned value: its type, and its shape and dtype for arrays."""
    if isinstance(value, np.ndarray):
        return _("numpy array of shape {shape} and dtype {dtype}").format(shape=value.shape, dtype=value.dtype)
    if isinstance(value, tuple):
        return _("a tuple of {count} items").format(count=len(value))
    return f"{type(value).__name__} {value!r}"[:200]
