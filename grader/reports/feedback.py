"""`feedback/<student>.md`: the Markdown a student reads about one graded submission.

Order: a submission-level error in plain words, the total and per-function scores, one line per
function found under another name the manifest accepts (an alias), functions that
could not be called (one line each), one section per root cause (the diagnosed mistake, the
properties it broke and the points it cost, the first one's message with expected vs got, a snippet
reproducing it, hint), the worker's captured output, then the sandbox level and seed. The length
is bounded: a few sections in full, then one line per further cause. Everything from the submission or a failed test
is sanitized (no trusted frames) and shown in fences longer than any backtick run it contains.
"""

from __future__ import annotations

import re

from grader.diagnosis import cause_of, unavailable
from grader.i18n import ENGLISH, Messages
from grader.reports.sanitize import clean_text, safe_text
from grader.results import SubmissionResult, TestResult

#: Caps in characters: one failed property's message, and the captured output block.
MESSAGE_LIMIT = 4_000
OUTPUT_LIMIT = 16_000

#: Characters that start Markdown markup or raw HTML; `_` only where it is not inside a word
#: (CommonMark ignores intraword underscores, so a name like my_loss_naive stays readable in the raw file).
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


#: At most this many failure sections are written out in full; further ones get one line each, and
#: at most LINE_ITEMS of those (the rest counted), so a page stays readable whatever failed.
DETAILED_SECTIONS = 8
LINE_ITEMS = 30


def group_failures(tests: list[TestResult]) -> list[list[TestResult]]:
    """Failed tests grouped by root cause (grader.diagnosis.cause_of), groups in order of points lost
    (most first), tests within a group in suite order."""
    groups: dict[str, list[TestResult]] = {}
    for test in tests:
        if not test.passed:
            groups.setdefault(cause_of(test), []).append(test)
    return sorted(groups.values(), key=lambda g: -sum(t.max_score - t.score for t in g))


def _lost(group: list[TestResult]) -> float:
    return sum(t.max_score - t.score for t in group)


def _heading(group: list[TestResult], m: Messages) -> str:
    first = group[0]
    if first.root_cause:
        return m._("Likely mistake: {cause}").format(cause=inline(m.suite_text(first.root_cause)))
    return f"{inline(m.suite_text(first.name))} ({inline(first.function)})"


def _minus(x: float, m: Messages) -> str:
    return m._("-{points} points").format(points=points(x))


def _cause_section(group: list[TestResult], m: Messages) -> list[str]:
    """One root cause: what it cost, the properties it broke, then the first one's details."""
    first = group[0]
    lines = [f"### {_heading(group, m)} ({_minus(_lost(group), m)})", ""]
    if first.root_cause or len(group) > 1:
        lines += [m.n_("It broke {n} property:", "It broke {n} properties:", len(group)).format(n=len(group)), ""]
        lines += [f"- {inline(m.suite_text(t.name))} ({inline(t.function)}, {_minus(t.max_score - t.score, m)})"
                  for t in group]
        lines.append("")
    message = safe_text(m.message(first.output), MESSAGE_LIMIT).strip()
    if message:
        lines += [m._("What went wrong (the first of them):") if len(group) > 1 else m._("What went wrong:"),
                  "", fenced(message), ""]
    snippet = safe_text(first.reproduction, MESSAGE_LIMIT).strip()
    example = safe_text(first.falsifying_example, MESSAGE_LIMIT).strip()
    if snippet:
        lines += [m._("Paste this into the kit or the notebook to see it fail:"), "", fenced(snippet, "python"), ""]
    elif example:
        lines += [m._("Smallest failing input found:"), "", fenced(example, "python"), ""]
    hint = safe_text(m.suite_text(first.hint), MESSAGE_LIMIT).strip()
    if hint:  # the hidden test's author wrote it: Markdown kept
        lines += [m._("Hint: {hint}").format(hint=" ".join(hint.split())), ""]
    return lines


def _one_line(group: list[TestResult], m: Messages) -> str:
    first = group[0]
    what = m.suite_text(first.root_cause or first.name)
    count = m.n_(", {n} property", ", {n} properties", len(group)).format(n=len(group)) if len(group) > 1 else ""
    return f"- {inline(what)} ({inline(first.function)}, {_minus(_lost(group), m)}{count})"


def failures_markdown(tests: list[TestResult], m: Messages = ENGLISH) -> list[str]:
    """The failure part of the page: unavailable functions one line each, then one section per root
    cause (the costliest DETAILED_SECTIONS in full, the next LINE_ITEMS one line each, the rest counted)."""
    groups = group_failures(tests)
    missing = [g for g in groups if unavailable(g[0])]
    others = [g for g in groups if not unavailable(g[0])]
    lines: list[str] = []
    if missing:
        lines += ["## " + m._("Functions that could not be called"), ""]
        lines += [f"- {inline(g[0].function)} ({_minus(_lost(g), m)}): {inline(m.line(g[0].root_cause))}"
                  for g in missing]
        lines.append("")
    if others:
        lines += ["## " + m._("Properties that failed"), ""]
        for group in others[:DETAILED_SECTIONS]:
            lines += _cause_section(group, m)
        rest = others[DETAILED_SECTIONS:]
        if rest:
            lines += [m._("Also failed:"), ""] + [_one_line(g, m) for g in rest[:LINE_ITEMS]]
            if len(rest) > LINE_ITEMS:
                lines.append("- " + m._("and {n} more").format(n=len(rest) - LINE_ITEMS))
            lines.append("")
    return lines


def _sandbox(level: str, m: Messages) -> str:
    """The sandbox level; outside English only its number ("level 2" in words), the layers' list is the
    grader's jargon."""
    if not level:
        return m._("unknown")
    if m.lang == "en":
        return level
    name = level.split(":")[0]
    number = re.fullmatch(r"level (\d+)", name)
    return m._("level {number}").format(number=number[1]) if number else m._("no isolation")


def feedback_markdown(result: SubmissionResult, m: Messages = ENGLISH) -> str:
    """The whole feedback page for `result` as Markdown text (newline-terminated), in m's language."""
    title = m._("Feedback for {student}: {assignment}")
    lines = ["# " + title.format(student=inline(result.student), assignment=inline(result.assignment)), ""]
    if result.error:
        lines += [
            m._("**Your submission could not be fully graded.** The grader reported:"),
            "",
            fenced(safe_text(m.message(result.error), MESSAGE_LIMIT)),
            "",
        ]
    total = m._("Total: {score} / {max_score} points").format(score=points(result.score),
                                                             max_score=points(result.max_score))
    lines += [f"**{total}**", ""]
    if result.functions:
        lines += ["| " + m._("Function") + " | " + m._("Points") + " |", "| --- | --- |"]
        lines += [
            f"| {inline(name)} | {points(fs.score)} / {points(fs.max_score)} |"
            for name, fs in result.functions.items()
        ]
        lines.append("")
    lines += [m._("{function} was graded as your {name} (a name the assignment accepts for it).").format(
        function=inline(function), name=inline(name)) for function, name in result.aliases.items()]
    lines += [""] if result.aliases else []
    failed = [t for t in result.tests if not t.passed]
    passed = len(result.tests) - len(failed)
    if result.tests:
        lines += [m.n_("{passed} of {total} property holds.", "{passed} of {total} properties hold.",
                       len(result.tests)).format(passed=passed, total=len(result.tests)), ""]
    lines += failures_markdown(result.tests, m)
    output = safe_text(result.stdout, OUTPUT_LIMIT).strip()
    if output:
        lines += ["## " + m._("Output your code printed"), "", fenced(output), ""]
    lines += [
        "---",
        "",
        m._("Sandbox level: {level}. Random seed: {seed}.").format(level=inline(_sandbox(result.sandbox, m)),
                                                                  seed=result.seed),
    ]
    return "\n".join(lines) + "\n"
