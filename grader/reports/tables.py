"""The class's score table as text: for the terminal (`grader grade`) and as Markdown (`grader merge
--markdown`, e.g. a CI job summary). Both are built from grader.reports.class_stats, like summary.html.

Terminal columns are padded by display width (East Asian wide characters such as Korean names take
two cells, combining marks none), so the columns line up in a terminal.
"""

from __future__ import annotations

import unicodedata

import click

from grader.assignment import Assignment
from grader.reports.class_stats import GRADED, NOT_GRADED, ClassStats, class_stats, group_line, headline
from grader.reports.numbers import number
from grader.reports.sanitize import clean_text
from grader.results import SubmissionResult

#: Characters of a problem shown in one table cell.
NOTE_WIDTH = 70
#: Diagnosed mistakes listed under the tables.
TOP_MISTAKES = 5


def display_width(text: str) -> int:
    """Terminal cells `text` takes: 2 for wide/fullwidth characters, 0 for combining marks, else 1."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """`text` followed by spaces up to `width` terminal cells."""
    return text + " " * max(0, width - display_width(text))


def shorten(text: str, width: int = NOTE_WIDTH) -> str:
    """One line of `text`, cut to `width` terminal cells with an ellipsis."""
    line = " ".join(clean_text(text).split())
    if display_width(line) <= width:
        return line
    out = ""
    for char in line:
        if display_width(out + char) > width - 1:
            break
        out += char
    return out + "…"


def note(problems: tuple[str, ...]) -> str:
    """The first problem, and how many more there are (every one is in summary.html and the feedback)."""
    if not problems:
        return ""
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return shorten(problems[0], NOTE_WIDTH - len(more)) + more


def score_table(results: list[SubmissionResult], assignment: Assignment, resumed: set[str] = frozenset(),
                styled: bool = True) -> str:
    """A plain-text table: a row per student (total, one column per function, status and note), then the
    class headline and the most common diagnosed mistakes."""
    stats = class_stats(results, assignment)
    header = ["student", "total", *stats.function_names, "status", "note"]
    rows = []
    for row in stats.rows:
        cells = [row.student, f"{number(row.score)}/{number(row.max_score)}"]
        cells += [f"{number(s)}/{number(f.points)}" if s is not None else "-"
                  for s, f in zip(row.functions, stats.functions)]
        extra = note(row.problems) or ("up to date" if row.student in resumed else "")
        rows.append((row, [*cells, row.status, extra]))
    widths = [max([display_width(h)] + [display_width(c[i]) for _, c in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(pad(h, w) for h, w in zip(header, widths)).rstrip()]
    for row, cells in rows:
        line = "  ".join(pad(c, w) for c, w in zip(cells, widths)).rstrip()
        if styled:
            full = row.score >= row.max_score and row.status == GRADED
            colour = "red" if row.status == NOT_GRADED else ("yellow" if row.problems else ("green" if full else None))
            line = click.style(line, fg=colour)
        lines.append(line)
    lines += ["", headline(stats)]
    lines += [f"  {group_line(stats, g)}" for g in stats.mistakes[:TOP_MISTAKES]]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return " ".join(clean_text(text).split()).replace("|", "/")


def score_table_markdown(results: list[SubmissionResult] | tuple[SubmissionResult, ...],
                         assignment: Assignment) -> str:
    """A Markdown table (for a CI job summary): student, total, one column per function, status, problems;
    then the diagnosed mistakes across the class."""
    stats: ClassStats = class_stats(list(results), assignment)
    lines = [f"## {_md_cell(assignment.title)}", "", headline(stats), "",
             "| student | total | " + " | ".join(f"`{fn}`" for fn in stats.function_names) + " | status |",
             "|---" * (len(stats.function_names) + 3) + "|"]
    for row in stats.rows:
        scores = [number(s) if s is not None else "0" for s in row.functions]
        state = row.status + (": " + "; ".join(_md_cell(p)[:200] for p in row.problems) if row.problems else "")
        lines.append(f"| {_md_cell(row.student)} | {number(row.score)} / {number(row.max_score)} | "
                     + " | ".join(scores) + f" | {state} |")
    if stats.mistakes:
        lines += ["", "### Diagnosed mistakes", ""] + [f"- {_md_cell(group_line(stats, g))}" for g in stats.mistakes]
    return "\n".join(lines) + "\n"
