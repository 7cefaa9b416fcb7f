"""What a student reads, in Korean or English: gettext catalogues (sources `.po`, compiled `.mo`).

Two catalogues make one language: the grader's own (`grader/locale/<lang>/LC_MESSAGES/grader.mo`:
the words of the feedback page) and the assignment's (`hidden_tests/<name>/locale/<lang>/
LC_MESSAGES/suite.mo`: its property names, hints and likely mistakes, keyed by their English text).
English is the source language, so it needs no catalogue. The `.mo` files are compiled from the `.po`
files with Babel (`make catalogues`) and committed, so a fresh clone and a released kit read them with
the standard library alone; `tests/test_i18n.py` checks they are complete and up to date.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
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
        labels of the diagnosis line ("likely mistake: A; or B") too; numbers and code stay as they are."""
        out = []
        for line in text.splitlines():
            indent = line[: len(line) - len(line.lstrip())]
            body = line.strip()
            likely = _LIKELY.match(body)
            if likely:
                causes = self._("; or ").join(self.suite_text(c) for c in likely["causes"].split("; or "))
                out.append(indent + self._("likely mistake:") + " " + causes)
            else:
                out.append(indent + self.line(body) if body else line)
        return "\n".join(out)

    def line(self, body: str) -> str:
        """One line of a message: the suite's sentence, a grader sentence, or a label with its values."""
        translated = self.suite_text(body)
        if translated != body:
            return translated
        for pattern, template in SENTENCES:
            match = pattern.match(body)
            if match:
                return self._(template).format(**match.groupdict())
        for label in LABELS:
            if body.startswith(label):
                rest = body[len(label):]
                parts = rest.rsplit("   ", 1)
                if len(parts) == 2 and self.line(parts[1].strip()) != parts[1].strip():
                    rest = parts[0] + "   " + self.line(parts[1].strip())
                return self._(label) + rest
        return body


_LIKELY = re.compile(r"^likely mistake:\s*(?P<causes>.+)$")


def N_(text: str) -> str:
    """Mark a string for the catalogue without translating it here (gettext's convention)."""
    return text


#: Labels that open a line of a failed test's message (written by the suites' helpers and the grader).
LABELS = (N_("input:"), N_("expected loss:"), N_("expected:"), N_("got:"), N_("hint:"), N_("look at:"),
          N_("loss before:"), N_("worst entry"), N_("columns (classes) with a wrong gradient:"))
#: Whole sentences the grader itself writes into messages, as patterns with named parts.
SENTENCES = (
    (re.compile(r"^\(difference (?P<difference>\S+), allowed (?P<allowed>\S+)\)$"),
     N_("(difference {difference}, allowed {allowed})")),
    (re.compile(r"^(?P<function>\w+) is not available: (?P<file>[^:]+): missing from the submission$"),
     N_("{function} is not available: {file} is missing from the submission")),
    (re.compile(r"^(?P<file>\S+) does not define (?P<function>\w+)$"),
     N_("{file} does not define {function}")),
    (re.compile(r"^(?P<file>\S+): missing from the submission$"), N_("{file}: missing from the submission")),
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
