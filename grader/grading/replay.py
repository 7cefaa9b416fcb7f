"""Draw each property's examples once per batch and replay them for every submission.

The hidden suite is deterministic (derandomized Hypothesis, no database): every submission gets the
same examples, and while a property passes, which examples Hypothesis draws depends only on its
strategies and its seed, never on what the test body does. So the grader draws them once, in the
trusted parent (`record`, after the suite was collected there), and keeps them on the test function
object itself, which every forked child inherits. In the child, `run_replayed` calls the property's
body on those examples directly, through the same `student` proxy (per-call timeouts, mutation
reports and the worker's budget unchanged), without Hypothesis's per-example engine.

When any replayed example fails, the child runs the property the plain way (Hypothesis generates and
shrinks), so the report names the smallest failing example exactly as a plain run does; if that run
passes although an example failed (a function that answers differently when asked again), the
property fails with the replayed example's error. A test with explicit @example cases, or one whose
examples could not be drawn here, is always run the plain way; so is every test in a child that was
not forked from a recording parent (`python -m pytest` where fork does not exist).
"""

from __future__ import annotations

import copy
import inspect

import pytest

#: Attribute on a Hypothesis test function holding its recorded examples: a list of kwargs dicts.
EXAMPLES_ATTR = "_grader_recorded_examples"


def record(test) -> bool:
    """Draw the examples Hypothesis would give `test` (a @given test function) in a passing run, and
    keep them on it; False (nothing recorded) when it cannot be replayed faithfully.

    Uses the test's own strategies, settings and derandomized seed (derived from the inner test's
    source exactly as Hypothesis derives it), so the draws are the ones a plain run makes.
    """
    from hypothesis import given, seed, settings
    from hypothesis.internal.compat import int_from_bytes
    from hypothesis.internal.reflection import function_digest

    handle = getattr(test, "hypothesis", None)
    own = getattr(test, "_hypothesis_internal_use_settings", None)
    if handle is None or own is None or not own.derandomize or own.database is not None:
        return False
    inner = handle.inner_test
    if getattr(inner, "hypothesis_explicit_examples", None) or getattr(test, "_hypothesis_internal_use_seed", None):
        return False
    strategies = dict(handle._given_kwargs)
    drawn: list[dict] = []

    def draw(**kwargs):
        drawn.append(copy.deepcopy(kwargs))

    draw.__signature__ = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY) for name in strategies])
    drawer = seed(int_from_bytes(function_digest(inner)))(settings(own)(given(**strategies)(draw)))
    try:
        drawer()
    except Exception:  # noqa: BLE001 - whatever stops drawing here, the plain way is always right
        return False
    setattr(test, EXAMPLES_ATTR, drawn)
    return True


def forget(test) -> None:
    """Remove recorded examples from test (the plain path for every later fork)."""
    if hasattr(test, EXAMPLES_ATTR):
        delattr(test, EXAMPLES_ATTR)


def run_replayed(item) -> bool:
    """Run a pytest item's property on its recorded examples; False when it has none (run it normally).

    Raises what the property raises: the plain run's failure (with Hypothesis's smallest falsifying
    example) when a replayed example fails.
    """
    test = item.obj
    examples = getattr(test, EXAMPLES_ATTR, None)
    if examples is None:
        return False
    fixtures = {name: item.funcargs[name] for name in item._fixtureinfo.argnames}
    inner = test.hypothesis.inner_test
    failure, failed_example = None, None
    for example in examples:
        kwargs = copy.deepcopy(example)
        try:
            inner(**fixtures, **kwargs)
        except (Exception, pytest.fail.Exception) as exc:  # noqa: BLE001 - any error fails the property
            failure, failed_example = exc, example
            break
    if failure is None:
        return True
    test(**fixtures)  # the plain run: raises with the smallest falsifying example
    shown = ", ".join(f"{name}={value!r}" for name, value in failed_example.items())
    failure.add_note(f"Falsifying example: {inner.__name__}({shown})")
    raise failure
