"""Clean text that came from a submission or a failed test before it goes into a report.

Strips terminal escapes and control characters, caps length, and drops traceback frames that point
into the hidden tests or the reference (with the source lines Python prints under them), so no
report shows trusted code to a student.
"""

from __future__ import annotations

import re

#: ANSI/VT100 escape sequences (colours, cursor moves) a student's print may contain.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
#: C0/C1 controls other than tab and newline, and lone surrogates (not encodable as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: A line naming a file under hidden_tests/ or reference/ (traceback frame, pytest location, path).
_TRUSTED_PATH = re.compile(r"""(?:^|[\s"'(=/\\])(?:hidden_tests|reference)[/\\]""")
#: Lines a trusted frame is allowed to hide after it: indented source, caret markers, pytest "> " lines.
_FRAME_TAIL = re.compile(r"^(?:\s+\S|>\s|\s*[~^]+\s*$)")

HIDDEN_FRAMES = "  [grader frames hidden]"


def clean_text(text: str) -> str:
    """Text without terminal escapes or control characters; CRLF/CR become newlines."""
    text = _ANSI.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)


def drop_trusted_frames(text: str) -> str:
    """Remove lines pointing into hidden_tests/ or reference/ and the source lines printed under them.

    A run of removed lines is replaced by one marker line, so the student still sees that the
    error passed through the grader.
    """
    out: list[str] = []
    hiding = False
    for line in text.split("\n"):
        if _TRUSTED_PATH.search(line):
            if not hiding:
                out.append(HIDDEN_FRAMES)
            hiding = True
            continue
        if hiding and _FRAME_TAIL.match(line) and not line.lstrip().startswith('File "'):
            continue
        hiding = False
        out.append(line)
    return "\n".join(out)


def cap(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters plus a note saying how much was cut."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n... ({len(text) - limit} more characters cut)"


def safe_text(text: str, limit: int) -> str:
    """clean_text + drop_trusted_frames + cap: what every student-visible free text goes through."""
    return cap(drop_trusted_frames(clean_text(text or "")), limit)


def first_line(text: str, limit: int = 120) -> str:
    """The first non-empty line of cleaned `text`, capped: for table cells and XML attributes."""
    for line in drop_trusted_frames(clean_text(text or "")).split("\n"):
        if line.strip() and line != HIDDEN_FRAMES:
            line = line.strip()
            return line if len(line) <= limit else line[: limit - 3] + "..."
    return ""
