"""The language of the public tests' messages: English, or Korean with `make test GRADER_LANG=ko`.

The language is the environment variable GRADER_LANG ("en" or "ko"), else the `[feedback] lang` of the
kit's assignment.toml, else English. Korean comes from the compiled catalogue
tests/locale/ko/LC_MESSAGES/kit.mo, read with the standard library's gettext (nothing to install).
Use: `from kit_i18n import _` and write every sentence a student reads as `_("...")`, with values
filled in afterwards: `_("within {bound} of C - 1").format(bound=...)`.
"""

import gettext
import os
import re
from pathlib import Path

LANGUAGES = ("en", "ko")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
MANIFEST = Path(__file__).resolve().parent.parent / "assignment.toml"
DOMAIN = "kit"


def manifest_language(manifest=MANIFEST):
    """The `lang` of the manifest's [feedback] table, or "en" (read without a TOML parser: one key)."""
    try:
        text = Path(manifest).read_text(encoding="utf-8")
    except OSError:
        return "en"
    table = re.search(r"^\[feedback\]\s*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    found = table and re.search(r"^lang\s*=\s*[\"'](\w+)[\"']", table.group(1), re.MULTILINE)
    return found.group(1) if found else "en"


def language():
    """The chosen language; an unknown one stops the tests with a message saying what to use."""
    lang = os.environ.get("GRADER_LANG") or manifest_language()
    if lang not in LANGUAGES:
        raise SystemExit(f"GRADER_LANG={lang!r}: choose one of {', '.join(LANGUAGES)}")
    return lang


def translation(lang):
    """The gettext translations of lang (English: the text itself)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])


_ = translation(language()).gettext
