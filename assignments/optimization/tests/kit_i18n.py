"""The language of the public tests' messages: English, or Korean with `make test GRADER_LANG=ko`.

The language is the environment variable GRADER_LANG ("en" or "ko"), else the `[feedback] lang` of the
kit's assignment.toml, else English. Korean comes from the compiled catalogue
tests/locale/ko/LC_MESSAGES/kit.mo, read with the standard library's gettext (nothing to install).
Use: `from kit_i18n import _` and write every sentence a student reads as `_("...")`, with values
filled in afterwards: `_("within {bound} of C - 1").format(bound=...)`.
"""

import gettext
import os
from pathlib import Path

import kit_manifest

LANGUAGES = ("en", "ko")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kit"


def language():
    """The chosen language; an unknown one stops the tests with a message saying what to use."""
    lang = os.environ.get("GRADER_LANG") or kit_manifest.language(kit_manifest.read())
    if lang not in LANGUAGES:
        raise SystemExit(f"GRADER_LANG={lang!r}: choose one of {', '.join(LANGUAGES)}")
    return lang


def translation(lang):
    """The gettext translations of lang (English: the text itself); a kit without that catalogue stops
    the tests with a message naming the missing file."""
    if lang == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])
    except FileNotFoundError:
        raise SystemExit(f"GRADER_LANG={lang!r}: this kit has no {LOCALE_DIR / lang / 'LC_MESSAGES' / DOMAIN}.mo; "
                         "use GRADER_LANG=en") from None


_ = translation(language()).gettext
