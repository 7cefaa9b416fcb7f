"""`summary.html`: a one-page, self-contained class overview for the instructor.

Every figure comes from grader.reports.class_stats (shared with the terminal table and
`grader merge --markdown`): the class headline, a score distribution plot per function (inline SVG,
grader.reports.histogram), the diagnosed mistakes across the class, failed properties
without a diagnosis, functions that could not be called, the slowest submissions, every problem of
every submission, and every student's scores linked to their feedback. Every string from a
submission is HTML-escaped; no JavaScript, no external assets.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from grader.assignment import Assignment
from grader.reports.class_stats import NOT_GRADED, PARTLY, ClassStats, Group, class_stats, headline, percent
from grader.reports.histogram import histograms_svg
from grader.reports.numbers import number
from grader.results import SubmissionResult

#: Rows shown in the "slowest submissions" table.
TOP_SLOWEST = 5
#: Characters shown of one reported problem.
PROBLEM_LIMIT = 2_000

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.stats { font-size: 1.1em; }
.error { color: #a00; }
.partly { color: #a60; }
ul.problems { margin: 0; padding-left: 1.2em; }
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
    panels = [("Total", assignment.max_score, [r.score for r in results])]
    panels += [
        (
            spec.name,
            spec.points,
            [r.functions[spec.name].score if spec.name in r.functions else 0.0 for r in results],
        )
        for spec in assignment.functions
    ]
    return histograms_svg(panels)


def feedback_link(student: str) -> str:
    """The student's id as a link to their feedback page (feedback/<id>.md beside summary.html)."""
    return f'<a href="feedback/{e(quote(student, safe=""))}.md">{e(student)}</a>'


def _function_rows(stats: ClassStats) -> list[list[str]]:
    return [[e(f.name), number(f.points), number(f.mean), number(f.median), str(f.full_marks), str(f.unavailable)]
            for f in stats.functions]


def _group_rows(stats: ClassStats, groups: tuple[Group, ...]) -> list[list[str]]:
    return [[e(g.reason), e(", ".join(g.functions)), str(g.count), percent(stats.share(g)),
             ", ".join(map(feedback_link, g.students))] for g in groups]


def _group_section(stats: ClassStats, anchor: str, title: str, what: str, groups: tuple[Group, ...],
                   empty: str) -> str:
    parts = [f'<section id="{anchor}"><h2>{title}</h2>']
    if groups:
        header = [what, "Functions", "Students", "Of graded", "Who"]
        parts.append(_table(header, _group_rows(stats, groups), numeric={2, 3}))
    else:
        parts.append(f"<p>{empty}</p>")
    return "".join(parts) + "</section>"


def _problem_list(items: tuple[str, ...]) -> str:
    return '<ul class="problems">' + "".join(f"<li>{e(item[:PROBLEM_LIMIT])}</li>" for item in items) + "</ul>"


def summary_html(results: list[SubmissionResult], assignment: Assignment) -> str:
    """The whole summary page as HTML text."""
    stats = class_stats(results, assignment)
    ordered = sorted(results, key=lambda r: r.student)
    title = e(assignment.title)
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}: class summary</title><style>{_STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        (f'<p class="stats" id="headline">{e(headline(stats))} '
        f"&ldquo;Of graded&rdquo; shares below count the {stats.assessed} submissions whose tests ran.</p>"),
    ]
    parts.append('<section id="distribution"><h2>Score distribution</h2>')
    if ordered:
        parts.append(f"<figure>{distribution_svg(ordered, assignment)}</figure>")
    header = ["Function", "Max", "Mean", "Median", "Full marks", "Not available"]
    parts.append(_table(header, _function_rows(stats), numeric={1, 2, 3, 4, 5}) + "</section>")

    parts.append(_group_section(stats, "mistakes", "Diagnosed mistakes across the class", "Mistake",
                                stats.mistakes, "No failure matched a known mistake."))
    parts.append(_group_section(stats, "failures", "Failed properties without a diagnosis", "Property",
                                stats.undiagnosed, "Every failed property was diagnosed (or none failed)."))
    parts.append(_group_section(stats, "unavailable", "Functions that could not be called", "Function",
                                stats.unavailable + stats.not_implemented,
                                "Every function could be called."))

    slowest = sorted(stats.rows, key=lambda r: -r.duration_s)[:TOP_SLOWEST]
    parts.append('<section id="slowest"><h2>Slowest submissions</h2>')
    rows = [[feedback_link(r.student), f"{r.duration_s:.1f}", number(r.score)] for r in slowest]
    parts.append(_table(["Student", "Seconds", "Score"], rows, numeric={1, 2}) + "</section>")

    troubled = [r for r in stats.rows if r.problems]
    parts.append('<section id="errors"><h2>Problems reported</h2>')
    if troubled:
        rows = [[feedback_link(r.student), (f'<span class="{"error" if r.status == NOT_GRADED else "partly"}">'
                 f"{e(r.status)}</span>"), _problem_list(r.problems)] for r in troubled]
        parts.append(_table(["Student", "Status", "Every problem"], rows))
    else:
        parts.append("<p>None: every submission was graded without a problem.</p>")
    parts.append("</section>")

    parts.append('<section id="students"><h2>All students</h2>')
    rows = [
        [feedback_link(r.student), number(r.score), *(number(s) if s is not None else "0" for s in r.functions),
         e(r.status) + (f" ({len(r.problems)} problem{'s' if len(r.problems) != 1 else ''})"
                        if r.problems and r.status == PARTLY else "")]
        for r in stats.rows
    ]
    numeric = set(range(1, len(stats.function_names) + 2))
    header = ["Student", "Total", *map(e, stats.function_names), "Status"]
    parts.append(_table(header, rows, numeric) + "</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
