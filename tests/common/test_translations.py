"""The text catalogue is complete and compiled: every marked text has bokmål, every
placeholder survives translation, and the committed .mo matches its .po (the service
loads the .mo; ``./scripts/i18n`` rebuilds both)."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from service.common.i18n import TRANSLATIONS_DIR

SERVICE_DIR = Path(__file__).resolve().parents[2] / "service"
KEYWORDS = {"_": None, "N_": None, "NP_": ((1, "c"), 2), "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _marked_texts() -> set[tuple[str | None, str]]:
    """(context, text) of every marked text: a label (``NP_``) is translated in its own domain."""
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(SERVICE_DIR), method_map=[("**.py", "python"), ("web/templates/**.html", "jinja2")], keywords=KEYWORDS):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def _catalogue(lang: str):
    with open(TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def nb():
    return _catalogue("nb")


def test_every_marked_text_has_a_bokmal_translation(nb):
    translated = {(m.context, m.id): m.string for m in nb if m.id}
    missing = sorted(f"{context or ''}|{text}" for context, text in _marked_texts()
                     if not translated.get((context, text)))
    assert missing == [], "run ./scripts/i18n and translate these in nb/messages.po:\n" + "\n".join(missing)


def test_placeholders_survive_translation(nb):
    broken = [m.id for m in nb if m.id and m.string
              and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))]
    assert broken == []


def test_the_compiled_catalogue_matches_its_source(nb):
    with open(TRANSLATIONS_DIR / "nb" / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        compiled = read_mo(handle)
    assert not nb.fuzzy, "a fuzzy catalogue is not compiled: remove the fuzzy flag"
    source = {m.id: m.string for m in nb if m.id and m.string}
    assert {m.id: m.string for m in compiled if m.id} == source, "run ./scripts/i18n compile"
