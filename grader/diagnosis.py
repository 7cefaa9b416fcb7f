"""What a hidden suite tells the grader about a failure, beyond pass/fail (assignment-agnostic API).

A hidden test imports this module (it runs in the grader's trusted pytest process) for two things:

* **Likely mistakes.** `likely_mistake(got, {Mistake("reg-half", "the regularization term is
  0.5·reg·ΣW²"): predicted, ...}, tol)` returns the line "likely mistake (reg-half): ..." naming the
  candidates whose predicted value matches what the student's code returned. Put it in the
  AssertionError's message. The plugin records the first named mistake as the test's root cause
  (`TestResult.root_cause`, `TestResult.cause_id`); the feedback groups every property that one cause
  broke into one section, and the manifest's `[feedback] max_points_per_cause` caps what it costs.
  Give two tests the same id when they diagnose the same slip (a loss test and a gradient test of
  0.5·reg), so the student reads it once. A plain string key (no id) groups by its words.
* **Reproductions.** `show_inputs({"W": W, "X": X, ...}, call="loss, dW = {function}(W, X, y, reg)")`
  remembers the inputs of the check being made; when the test fails, the plugin turns the last ones
  shown into a snippet a student pastes into the kit or the notebook (`W = np.array([[...]])`, ...,
  then the call, `{function}` filled with the graded function). Under Hypothesis the last inputs shown
  are those of the final, shrunk example, which is the one that failed.
* **Sentences built at run time.** `sentence("{function} must return a tuple (loss, dW).",
  function=fn)` is the English text with its fields filled in (each field's str(); format numbers
  before passing them). The template is a key of the suite's catalogue (`tests/test_i18n.py` checks
  that every one has a translation): the grader reads a line of the message back as that template
  and writes the translation with the same field values (grader.i18n), so numbers and code stay as
  they are. A template is one line, and its fields are separated by fixed text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

#: Arrays with more entries than this are summarised (shape, dtype, range) instead of written out.
ARRAY_LIMIT = 64
#: Characters of one reproduction snippet at most.
SNIPPET_LIMIT = 3_000

#: "likely mistake (id): A; or B" as written by `likely_mistake` (the id is optional).
LIKELY_LINE = re.compile(r"^(?P<indent>\s*)likely mistake(?: \((?P<id>[\w.-]+)\))?:\s*(?P<text>.+?)\s*$",
                         re.MULTILINE)


class Mistake(NamedTuple):
    """A diagnosable mistake: a short stable id (groups tests) and the sentence a student reads."""

    id: str
    text: str


def likely_mistake(got, candidates: dict, tol: float) -> str:
    """The line naming the candidates whose predicted value matches `got` within tol ('' when none does).

    candidates: {Mistake or str: predicted value (a number or an array shaped like got)}.
    """
    matches: list[Mistake] = []
    for mistake, value in candidates.items():
        value = np.asarray(value, dtype=np.float64)
        if np.shape(got) == value.shape and np.all(np.isfinite(value)) and np.allclose(got, value, rtol=0, atol=tol):
            matches.append(mistake if isinstance(mistake, Mistake) else Mistake("", str(mistake)))
    if not matches:
        return ""
    tag = f" ({matches[0].id})" if matches[0].id else ""
    return f"likely mistake{tag}: " + "; or ".join(m.text for m in matches)


def sentence(template: str, **fields) -> str:
    """template ("{name} ...", no format specs) with every field replaced by str(value)."""
    return template.format(**{name: str(value) for name, value in fields.items()})


def root_cause(message: str) -> tuple[str, str, str]:
    """(cause id, cause text, message without ids) from a failed test's message; ids '' when none.

    The cause is the first mistake of the first "likely mistake" line; without an id, its words.
    """
    match = LIKELY_LINE.search(message)
    cleaned = LIKELY_LINE.sub(lambda m: f"{m['indent']}likely mistake: {m['text']}", message)
    if match is None:
        return "", "", cleaned
    text = match["text"].split("; or ")[0].strip().rstrip(".")
    return match["id"] or cause_words(text), text, cleaned


def cause_words(text: str) -> str:
    """The grouping key of a cause given in words: its words, ignoring case and punctuation."""
    return " ".join(re.findall(r"\w+", text.casefold()))


_shown: dict | None = None


def show_inputs(values: dict, call: str) -> None:
    """Remember the inputs of the check under way (name -> value, in argument order) and the call line."""
    global _shown
    _shown = {"values": {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v
                         for k, v in values.items()}, "call": call}


def forget_inputs() -> None:
    """Start a test with nothing shown (the plugin calls this before each test)."""
    global _shown
    _shown = None


def array_literal(name: str, value: np.ndarray) -> str:
    """`name = np.array([...], dtype=...)` exactly (Python's float repr round-trips), or a summary when large."""
    if value.size > ARRAY_LIMIT:
        finite = value[np.isfinite(value)] if np.issubdtype(value.dtype, np.number) else value
        span = f", values from {finite.min().item()!r} to {finite.max().item()!r}" if finite.size else ""
        return f"# {name}: shape {value.shape}, dtype {value.dtype}{span} (too large to show)"
    return f"{name} = np.array({value.tolist()!r}, dtype=np.{value.dtype})"


def reproduction(function: str) -> str:
    """The snippet for the last inputs shown (see `show_inputs`), or '' when none were shown."""
    if _shown is None:
        return ""
    lines = ["import numpy as np"]
    for name, value in _shown["values"].items():
        lines.append(array_literal(name, value) if isinstance(value, np.ndarray) else f"{name} = {value!r}")
    lines.append(_shown["call"].replace("{function}", function))
    text = "\n".join(lines)
    return text if len(text) <= SNIPPET_LIMIT else text[:SNIPPET_LIMIT] + "\n# ... (cut)"


def cause_of(test) -> str:
    """What groups a failed TestResult with others broken by the same mistake: its diagnosed cause id,
    else the function and the first line of its message (the same exception raised by every test of a
    function is one cause)."""
    if test.cause_id:
        return test.cause_id
    first = (test.output.strip().splitlines() or [""])[0]
    return f"{test.function}: {first}"


def unavailable(test) -> bool:
    """True when the test could not call its function at all (file or function missing)."""
    return test.cause_id.startswith("unavailable:")
