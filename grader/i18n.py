"""What a student reads, in Korean or English: gettext catalogues (sources `.po`, compiled `.mo`).

Two catalogues make one language: the grader's own (`grader/locale/<lang>/LC_MESSAGES/grader.mo`:
the words of the feedback page) and the assignment's (`hidden_tests/<name>/locale/<lang>/
LC_MESSAGES/suite.mo`: its property names, hints and likely mistakes, keyed by their English text).
English is the source language, so it needs no catalogue. A sentence built at run time is translated
as its template: a catalogue msgid with `{name}` fields (the suite's, written with
`grader.diagnosis.sentence`, or the grader's TEMPLATES for what the worker and the sandbox write) is
read back from the English line, translated, and filled with the same field values, each translated
in turn; numbers and code stay as they are. The `.mo` files are compiled from the `.po`
files with Babel (`make catalogues`) and committed, so a fresh clone and a released kit read them with
the standard library alone; `tests/test_i18n.py` checks they are complete and up to date.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

LANGUAGES = ("en", "ko")
LOCALE_DIR = Path(__file__).parent / "locale"
GRADER_DOMAIN = "grader"
SUITE_DOMAIN = "suite"


def catalogue(domain: str, folder: Path, lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `domain` under folder for lang; English (the source) falls back to the
    text itself. Raises ValueError for a language not in LANGUAGES or a missing non-English catalogue."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation(domain, localedir=str(folder), languages=[lang])
    except OSError:
        raise ValueError(f"{folder}/{lang}/LC_MESSAGES/{domain}.mo: no {lang} catalogue") from None


@dataclass(frozen=True)
class Messages:
    """The two catalogues of one language: `ui` (the grader's words), `suite` (the assignment's)."""

    lang: str
    ui: gettext.NullTranslations
    suite: gettext.NullTranslations

    def _(self, text: str) -> str:
        return self.ui.gettext(text)

    def n_(self, singular: str, plural: str, n: int) -> str:
        return self.ui.ngettext(singular, plural, n)

    def suite_text(self, text: str) -> str:
        """An assignment string (property name, hint, mistake) in this language; unknown text unchanged."""
        stripped = text.strip()
        return self.suite.gettext(stripped) if stripped else text

    def message(self, text: str) -> str:
        """A failed test's message, line by line: a line the suite's catalogue knows is translated, the
        labels of the diagnosis line ("likely mistake: A; or B") too; numbers and code stay as they are,
        and so do the frames of a traceback (the lines indented under its header: the student's code)."""
        out = []
        traceback_indent = None
        for line in text.splitlines():
            indent = line[: len(line) - len(line.lstrip())]
            body = line.strip()
            if traceback_indent is not None and len(indent) > len(traceback_indent):
                out.append(line)
                continue
            traceback_indent = indent if body == TRACEBACK else None
            likely = _LIKELY.match(body)
            if likely:
                causes = self._("; or ").join(self.suite_text(c) for c in likely["causes"].split("; or "))
                out.append(indent + self._("likely mistake:") + " " + causes)
            else:
                out.append(indent + self.line(body) if body else line)
        return "\n".join(out)

    def line(self, body: str) -> str:
        """One line of a message: the suite's sentence, a sentence built from a template (the suite's or
        the grader's, its fields translated in turn), a label with its values, or sentences separated by
        "; " (each translated)."""
        translated = self.suite_text(body)
        if translated != body or self.lang == "en":
            return translated
        filled = self.sentence(body)
        if filled is not None:
            return filled
        for label in LABELS:
            if body.startswith(label):
                rest = body[len(label):]
                parts = rest.rsplit("   ", 1)
                if len(parts) == 2 and self.line(parts[1].strip()) != parts[1].strip():
                    rest = parts[0] + "   " + self.line(parts[1].strip())
                elif rest.strip():
                    rest = rest[: len(rest) - len(rest.lstrip())] + self.line(rest.strip())
                return self._(label) + rest
        if "; " in body:  # a list of sentences: each one in turn
            parts = [self.line(part) for part in body.split("; ")]
            return "; ".join(parts)
        return body

    def sentence(self, body: str) -> str | None:
        """body read back as one of the templates (see TEMPLATES and `grader.diagnosis.sentence`), in this
        language with its fields translated in turn (numbers and code stay as they are); None when no
        template matches."""
        for pattern, template, domain in self._templates:
            match = pattern.fullmatch(body)
            if match:
                fields = {name: self.line(value) for name, value in match.groupdict().items()}
                catalogue = self.suite if domain == SUITE_DOMAIN else self.ui
                return catalogue.gettext(template).format(**fields)
        return None

    @cached_property
    def _templates(self) -> list[tuple[re.Pattern, str, str]]:
        """Every template of the suite's catalogue (msgids with {fields}) and the grader's TEMPLATES, as
        (pattern, template, domain), the most specific (longest fixed text) first."""
        found = [(template_pattern(t), t, SUITE_DOMAIN) for t in getattr(self.suite, "_catalog", {})
                 if isinstance(t, str) and FIELD.search(t)]
        found += [(template_pattern(t, fields), t, GRADER_DOMAIN) for t, fields in TEMPLATES]
        return sorted(found, key=lambda entry: -len(FIELD.sub("", entry[1])))


_LIKELY = re.compile(r"^likely mistake:\s*(?P<causes>.+)$")
#: A field of a template: `{name}` (no format spec: the suite formats numbers before filling them in).
FIELD = re.compile(r"\{(\w+)\}")


def template_pattern(template: str, fields: dict[str, str] | None = None) -> re.Pattern:
    """The regular expression that reads a filled-in template back: its fixed text literally, each field
    as a named group (`fields` may give a field's pattern; any text of one line by default), a field
    used twice as a back-reference. Matched whole (fullmatch)."""
    parts, seen, at = [], set(), 0
    for match in FIELD.finditer(template):
        name = match[1]
        parts.append(re.escape(template[at:match.start()]))
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{(fields or {}).get(name, '.+?')})")
        seen.add(name)
        at = match.end()
    parts.append(re.escape(template[at:]))
    return re.compile("".join(parts))


def N_(text: str) -> str:
    """Mark a string for the catalogue without translating it here (gettext's convention)."""
    return text


#: The first line of a Python traceback; the lines indented under it are code, never translated.
TRACEBACK = N_("Traceback (most recent call last):")


#: Labels that open a line of a failed test's message (written by the suites' helpers and the grader).
LABELS = (N_("input:"), N_("expected loss:"), N_("expected:"), N_("got:"), N_("hint:"), N_("look at:"),
          N_("loss before:"), N_("worst entry"), N_("columns (classes) with a wrong gradient:"))
_FILE = r"[\w./-]+\.[A-Za-z]\w*"
_NAME = r"[A-Za-z_]\w*"
_EXCEPTION = r"\w*(?:Error|Exception|Exit|Interrupt|Warning|Fault)"
_FOLDER = r"[\w./-]*/"
_PLACES = r"(?:at the top|in [\w./-]*/).*?"
#: Sentences the grader itself (its plugin, worker and sandbox) writes into messages, as templates with
#: the pattern of each field where "any text" would be ambiguous.
TEMPLATES: tuple[tuple[str, dict[str, str]], ...] = (
    (N_("(difference {difference}, allowed {allowed})"), {"difference": r"\S+", "allowed": r"\S+"}),
    (N_("{function} is not available: {file}: missing from the submission"), {"function": _NAME, "file": _FILE}),
    (N_("{function} is not available: {file}: {problem}"), {"function": _NAME, "file": _FILE}),
    (N_("{file} does not define {function}"), {"file": r"\S+", "function": _NAME}),
    (N_("{file} defines {function}, but it is not a function"), {"file": r"\S+", "function": _NAME}),
    (N_("{file}: missing from the submission"), {"file": r"\S+"}),
    (N_("{file}: {problem}"), {"file": _FILE}),
    (N_("{file} line {line}: {problem}"), {"file": _FILE, "line": r"\d+"}),
    (N_("line {line}: {problem}"), {"line": r"\d+"}),
    (N_("called sys.exit({code}) while being imported"), {}),
    (N_("{kind} line {line} at import: {error}"), {"kind": _EXCEPTION, "line": r"\d+"}),
    (N_("{kind} at import: {error}"), {"kind": _EXCEPTION}),
    (N_("{kind} line {line}: {error}"), {"kind": _EXCEPTION, "line": r"\d+"}),
    (N_("{function} raised {kind}: {error}"), {"function": _NAME, "kind": _EXCEPTION}),
    (N_("{function} raised {kind}"), {"function": _NAME, "kind": _EXCEPTION}),
    (N_("StudentError: {error}"), {}),
    (N_("{function} did not return within {seconds} s (a call may take {factor}x the reference's time on the "
        "same input, at least {floor} s)"), {"function": _NAME, "seconds": r"\S+", "factor": r"\S+", "floor": r"\S+"}),
    (N_("{function} did not return within {seconds} s"), {"function": _NAME, "seconds": r"\S+"}),
    (N_("{function} used up its {seconds} s share of the submission's time"), {"function": _NAME}),
    (N_("the submission used up its {seconds} s time budget"), {}),
    (N_("the worker {ending} during {function}"), {"function": _NAME}),
    (N_("the worker could not start: it {ending}"), {}),
    (N_("crashed (signal {number}, {name})"), {}),
    (N_("was killed (SIGKILL: out of memory or CPU time)"), {}),
    (N_("ran out of CPU time ({seconds} s)"), {}),
    (N_("exited with status {code}"), {}),
    (N_("stopped answering"), {}),
    (N_("{function} returned a {kind}, which the grader cannot read (return floats, ints, numpy arrays, and "
        "tuples, lists or str-keyed dicts of them)"), {"function": _NAME}),
    (N_("grading stopped after {seconds} s (the submission time limit); tests that did not run score 0"), {}),
    (N_("grading crashed ({how}){where}; tests that did not run score 0"), {"where": r"(?: \(see [^)]*\))?"}),
    (N_("the worker could not start: it {ending}; its last output:"), {}),
    (N_("the worker sent an unreadable reply during {function}: {error}"), {"function": _NAME}),
    (N_("{function} {problem}; the submission's folder was reset and {function} is not called again"),
     {"function": _NAME}),
    (N_("wrote more than the {quota} disk quota into its folder"), {}),
    (N_("wrote more than the {quota} disk quota"), {}),
    (N_("made part of its folder unreadable to the grader ({error})"), {}),
    (TRACEBACK, {}),
    (N_("This check could not run because of a fault in the grader, not in your code; your instructor has "
        "been told."), {}),
    (N_("grader fault in {test}: {fault}"), {"test": r"\S+"}),
    # what preparing a submission (finding its graded files) notes
    (N_("{label}: no graded file found: none of {files} {places}, and no notebook defines {functions}; "
        "nothing to grade"), {"places": _PLACES}),
    (N_("{places} or in any other folder"), {"places": _PLACES}),
    (N_("at the top, {places}"), {}),
    (N_("at the top"), {}),
    (N_("in {folder}, {places}"), {"folder": _FOLDER}),
    (N_("in {folder}"), {"folder": _FOLDER}),
    (N_("{function} is defined differently in {first} and {second}: neither was graded (keep it in one "
        "notebook, or in a .py file)"), {"function": _NAME, "first": r"\S+", "second": r"\S+"}),
    (N_("{file} is ambiguous: {first} and {second} differ and neither comes first in the search order; "
        "neither was graded (keep one)"), {"file": r"\S+", "first": r"\S+", "second": r"\S+"}),
    (N_("{file}: the grader could not add definitions from a notebook to it (its encoding cannot hold them)"),
     {"file": r"\S+"}),
    (N_("{file} was not graded: with the definitions taken from notebooks it is {size}, over the {limit} "
        "limit for one file"), {"file": r"\S+"}),
    (N_("{file} was not graded: it is {size}, over the {limit} limit for one file"), {"file": r"\S+"}),
    (N_("{file}: notebook is not UTF-8 text; not graded"), {"file": r"\S+"}),
    (N_("{label}: code cell {number} does not parse (line {line}: {error}); its definitions were not graded"),
     {"number": r"\d+", "line": r"\d+|None"}),
    (N_("{label} is {size}, over the {limit} a submission may hold; zip refused (submit only your .py files "
        "and notebooks)"), {}),
    (N_("{label}: not a valid zip file ({error})"), {}),
    (N_("{label}: entry {name} cannot be read ({error})"), {}),
    (N_("{label}: not a valid notebook ({error})"), {}),
    (N_("{label}: cannot read: {error}"), {}),
)


def messages(lang: str, suite_locale: Path | None = None) -> Messages:
    """The Messages of lang: the grader's catalogue and, when given, the assignment suite's (its folder
    `hidden_tests/<name>/locale`; absent for an assignment that has none: its strings stay English)."""
    ui = catalogue(GRADER_DOMAIN, LOCALE_DIR, lang)
    suite: gettext.NullTranslations = gettext.NullTranslations()
    if suite_locale is not None and lang != "en" and (suite_locale / lang).is_dir():
        suite = catalogue(SUITE_DOMAIN, suite_locale, lang)
    return Messages(lang, ui, suite)


ENGLISH = messages("en")
