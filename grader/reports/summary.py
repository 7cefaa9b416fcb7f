"""`summary.html`: a one-page, self-contained class overview for the instructor.

Class size, mean and median, a score distribution plot per function (matplotlib on an Agg canvas,
inlined as SVG), the most common failures, the slowest submissions, the submissions that failed
to run, and every student's scores. Every string from a submission is HTML-escaped; no JavaScript,
no external assets.
"""

from __future__ import annotations

import html
import io
import statistics
from collections import defaultdict

from grader.assignment import Assignment
from grader.reports.csv import number
from grader.reports.sanitize import first_line
from grader.results import SubmissionResult

#: Rows shown in the "most common failures" and "slowest submissions" tables.
TOP_FAILURES = 10
TOP_SLOWEST = 5

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.stats { font-size: 1.1em; }
.error { color: #a00; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
"""


def e(text: object) -> str:
    """HTML-escaped text (quotes too): for every value that reaches the page."""
    return html.escape(str(text), quote=True)


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """An HTML table; cells must already be escaped; columns in `numeric` are right-aligned."""

    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(f"<th{cls(i)}>{h}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def distribution_svg(results: list[SubmissionResult], assignment: Assignment) -> str:
    """Histograms of the total and of each function's score (one panel each) as an inline <svg> element."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    panels = [("Total", assignment.max_score, [r.score for r in results])]
    panels += [
        (
            spec.name,
            spec.points,
            [r.functions[spec.name].score if spec.name in r.functions else 0.0 for r in results],
        )
        for spec in assignment.functions
    ]
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "grader-summary", "font.size": 9}):
        fig = Figure(figsize=(2.6 * len(panels), 2.4), layout="constrained")
        FigureCanvasAgg(fig)
        for ax, (title, top, scores) in zip(fig.subplots(1, len(panels), squeeze=False)[0], panels):
            ax.hist(scores, bins=10, range=(0, top or 1), color="#4a7ab5", edgecolor="white")
            ax.set_title(title)
            ax.set_xlabel(f"points (max {top:g})")
            ax.set_xlim(0, top or 1)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        fig.axes[0].set_ylabel("students")
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _function_rows(results: list[SubmissionResult], assignment: Assignment) -> list[list[str]]:
    rows = []
    for spec in assignment.functions:
        scores = [r.functions[spec.name].score if spec.name in r.functions else 0.0 for r in results]
        full = sum(1 for s in scores if s >= spec.points)
        rows.append(
            [
                e(spec.name),
                number(spec.points),
                number(statistics.fmean(scores)) if scores else "-",
                number(statistics.median(scores)) if scores else "-",
                str(full),
            ]
        )
    return rows


def common_failures(results: list[SubmissionResult]) -> list[tuple[str, str, int]]:
    """(property name, function, students failing it), most common first, ties by function then name."""
    students: dict[tuple[str, str], set[str]] = defaultdict(set)
    for result in results:
        for test in result.tests:
            if not test.passed:
                students[(test.name, test.function)].add(result.student)
    ranked = sorted(students.items(), key=lambda kv: (-len(kv[1]), kv[0][1], kv[0][0]))
    return [(name, fn, len(who)) for (name, fn), who in ranked]


def summary_html(results: list[SubmissionResult], assignment: Assignment) -> str:
    """The whole summary page as HTML text."""
    ordered = sorted(results, key=lambda r: r.student)
    totals = [r.score for r in ordered]
    failed_to_run = [r for r in ordered if r.error]
    graded = len(ordered) - len(failed_to_run)
    title = e(assignment.title)
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}: class summary</title><style>{_STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
    ]
    if totals:
        parts.append(
            f'<p class="stats">{len(ordered)} submissions ({graded} graded, {len(failed_to_run)} failed to run). '
            f"Mean {number(statistics.fmean(totals))}, median {number(statistics.median(totals))} "
            f"out of {number(assignment.max_score)} points.</p>"
        )
    else:
        parts.append('<p class="stats">No submissions.</p>')

    parts.append('<section id="distribution"><h2>Score distribution</h2>')
    if totals:
        parts.append(f"<figure>{distribution_svg(ordered, assignment)}</figure>")
    header = ["Function", "Max", "Mean", "Median", "Full marks"]
    parts.append(_table(header, _function_rows(ordered, assignment), numeric={1, 2, 3, 4}) + "</section>")

    failures = common_failures(ordered)[:TOP_FAILURES]
    parts.append('<section id="failures"><h2>Most common failures</h2>')
    if failures:
        rows = [[e(name), e(fn), str(n), f"{100 * n / max(graded, 1):.0f}%"] for name, fn, n in failures]
        parts.append(_table(["Property", "Function", "Students", "Of graded"], rows, numeric={2, 3}))
    else:
        parts.append("<p>No property failed.</p>")
    parts.append("</section>")

    slowest = sorted(ordered, key=lambda r: -r.duration_s)[:TOP_SLOWEST]
    parts.append('<section id="slowest"><h2>Slowest submissions</h2>')
    rows = [[e(r.student), f"{r.duration_s:.1f}", number(r.score)] for r in slowest]
    parts.append(_table(["Student", "Seconds", "Score"], rows, numeric={1, 2}) + "</section>")

    parts.append('<section id="errors"><h2>Submissions that failed to run</h2>')
    if failed_to_run:
        rows = [
            [e(r.student), f'<span class="error">{e(first_line(r.error, 200))}</span>'] for r in failed_to_run
        ]
        parts.append(_table(["Student", "Problem"], rows))
    else:
        parts.append("<p>None: every submission ran.</p>")
    parts.append("</section>")

    functions = [spec.name for spec in assignment.functions]
    parts.append('<section id="students"><h2>All students</h2>')
    rows = [
        [
            e(r.student),
            number(r.score),
            *(number(r.functions[fn].score) if fn in r.functions else "0" for fn in functions),
            e(first_line(r.error, 80)) if r.error else "graded",
        ]
        for r in ordered
    ]
    numeric = set(range(1, len(functions) + 2))
    parts.append(_table(["Student", "Total", *map(e, functions), "Status"], rows, numeric) + "</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
