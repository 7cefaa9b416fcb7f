"""`feedback/<student>.md`: the Markdown a student reads about one graded submission.

Order: a submission-level error in plain words, the total and per-function scores, each failed
property (points lost, message with expected vs got, smallest failing input, hint), the worker's
captured output, then the sandbox level and seed. Everything from the submission or a failed test
is sanitized (no trusted frames) and shown in fences longer than any backtick run it contains.
"""

from __future__ import annotations

import re

from grader.reports.sanitize import clean_text, safe_text
from grader.results import SubmissionResult, TestResult

#: Caps in characters: one failed property's message, and the captured output block.
MESSAGE_LIMIT = 4_000
OUTPUT_LIMIT = 16_000

#: Characters that start Markdown markup or raw HTML; `_` only where it is not inside a word
#: (CommonMark ignores intraword underscores, so svm_loss_naive stays readable in the raw file).
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~&]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def inline(text: str) -> str:
    """Student-influenced text made safe for one line of Markdown (no markup, no raw HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(clean_text(text).split()))


def fenced(text: str, info: str = "text") -> str:
    """`text` in a code fence that no backtick run inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"


def points(x: float) -> str:
    """A point count without float noise: 25, 12.5, 8.333."""
    value = round(float(x), 3)
    return f"{value:g}" if value != 0 else "0"


def _failed_property(test: TestResult) -> list[str]:
    lost = test.max_score - test.score
    lines = [f"### {inline(test.name)} ({inline(test.function)}, -{points(lost)} points)", ""]
    message = safe_text(test.output, MESSAGE_LIMIT).strip()
    if message:
        lines += ["What went wrong:", "", fenced(message), ""]
    example = safe_text(test.falsifying_example, MESSAGE_LIMIT).strip()
    if example:
        lines += ["Smallest failing input found:", "", fenced(example, "python"), ""]
    hint = safe_text(test.hint, MESSAGE_LIMIT).strip()
    if hint:
        lines += [f"Hint: {' '.join(hint.split())}", ""]  # the hidden test's author wrote it: Markdown kept
    return lines


def feedback_markdown(result: SubmissionResult) -> str:
    """The whole feedback page for `result` as Markdown text (newline-terminated)."""
    lines = [f"# Feedback for {inline(result.student)}: {inline(result.assignment)}", ""]
    if result.error:
        lines += [
            "**Your submission could not be fully graded.** The grader reported:",
            "",
            fenced(safe_text(result.error, MESSAGE_LIMIT)),
            "",
        ]
    lines += [f"**Total: {points(result.score)} / {points(result.max_score)} points**", ""]
    if result.functions:
        lines += ["| Function | Points |", "| --- | --- |"]
        lines += [
            f"| {inline(name)} | {points(fs.score)} / {points(fs.max_score)} |"
            for name, fs in result.functions.items()
        ]
        lines.append("")
    failed = [t for t in result.tests if not t.passed]
    passed = len(result.tests) - len(failed)
    if result.tests:
        lines += [f"{passed} of {len(result.tests)} properties hold.", ""]
    if failed:
        lines += ["## Properties that failed", ""]
        for test in failed:
            lines += _failed_property(test)
    output = safe_text(result.stdout, OUTPUT_LIMIT).strip()
    if output:
        lines += ["## Output your code printed", "", fenced(output), ""]
    lines += [
        "---",
        "",
        f"Sandbox level: {inline(result.sandbox or 'unknown')}. Random seed: {result.seed}.",
    ]
    return "\n".join(lines) + "\n"
