"""`junit.xml`: the class as JUnit XML for CI (one testsuite per student, one testcase per property).

A failed property is a <failure> with its message; a submission that could not be graded is one
<error> testcase. All text is stripped of characters XML 1.0 forbids and capped, so the file
parses whatever a submission printed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader.assignment import Assignment
from grader.reports.sanitize import first_line, safe_text
from grader.results import SubmissionResult

#: Characters outside the XML 1.0 Char production (after clean_text only a few can remain).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Caps in characters: a failure's body, a message attribute, a suite's system-out.
BODY_LIMIT = 8_000
MESSAGE_LIMIT = 200
OUTPUT_LIMIT = 16_000


def xml_text(text: str, limit: int) -> str:
    """Sanitized, capped `text` containing only characters XML 1.0 allows."""
    return _NOT_XML.sub("", safe_text(text, limit))


def _seconds(x: float) -> str:
    return f"{max(0.0, float(x)):.3f}"


def _suite(result: SubmissionResult) -> ET.Element:
    failures = sum(1 for t in result.tests if not t.passed)
    suite = ET.Element(
        "testsuite",
        name=xml_text(result.student, MESSAGE_LIMIT),
        tests=str(len(result.tests) + (1 if result.error else 0)),
        failures=str(failures),
        errors="1" if result.error else "0",
        skipped="0",
        time=_seconds(result.duration_s),
    )
    props = ET.SubElement(suite, "properties")
    for name, value in [
        ("score", f"{result.score:g}"),
        ("max_score", f"{result.max_score:g}"),
        ("sandbox", result.sandbox),
        ("seed", str(result.seed)),
    ]:
        ET.SubElement(props, "property", name=name, value=xml_text(value, MESSAGE_LIMIT))
    if result.error:
        case = ET.SubElement(
            suite, "testcase", classname=xml_text(result.student, MESSAGE_LIMIT), name="submission"
        )
        error = ET.SubElement(
            case,
            "error",
            message=xml_text(first_line(result.error, MESSAGE_LIMIT), MESSAGE_LIMIT),
            type="SubmissionError",
        )
        error.text = xml_text(result.error, BODY_LIMIT)
    for test in result.tests:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=xml_text(f"{result.student}.{test.function}", MESSAGE_LIMIT),
            name=xml_text(test.name, MESSAGE_LIMIT),
            time=_seconds(test.duration_s),
        )
        if not test.passed:
            lost = test.max_score - test.score
            failure = ET.SubElement(
                case,
                "failure",
                message=xml_text(first_line(test.output, MESSAGE_LIMIT) or "failed", MESSAGE_LIMIT),
                type=f"-{lost:g} points",
            )
            body = "\n\n".join(
                p for p in (test.output, test.falsifying_example, test.hint and f"Hint: {test.hint}") if p
            )
            failure.text = xml_text(body, BODY_LIMIT)
    if result.stdout:
        ET.SubElement(suite, "system-out").text = xml_text(result.stdout, OUTPUT_LIMIT)
    return suite


def junit_xml(results: list[SubmissionResult], assignment: Assignment) -> bytes:
    """The junit.xml document (UTF-8 bytes with an XML declaration), suites ordered by student id."""
    ordered = sorted(results, key=lambda r: r.student)
    root = ET.Element(
        "testsuites",
        name=assignment.name,
        tests=str(sum(len(r.tests) + (1 if r.error else 0) for r in ordered)),
        failures=str(sum(1 for r in ordered for t in r.tests if not t.passed)),
        errors=str(sum(1 for r in ordered if r.error)),
        time=_seconds(sum(r.duration_s for r in ordered)),
    )
    root.extend(_suite(r) for r in ordered)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
