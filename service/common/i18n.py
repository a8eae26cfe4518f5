"""People-facing text: one Flask-Babel catalogue, bokmål by default.

Why one catalogue: problem titles and details, field messages, exclusion reasons,
labels, and later flag texts, pages and exports are read by officers in Norwegian,
and the same sentence must read the same everywhere. Code and API names stay
English: the English text is the message id, ``service/translations/nb`` holds the
bokmål, and English is what an ``Accept-Language: en`` client gets.

* Mark text with ``_("…")`` (translated now, in the caller's language) or
  ``N_("…")`` (only marked for extraction, translated where it is shown — titles,
  labels defined at import time). Values go in as ``%(name)s`` parameters, never
  by f-string, so the translator sees the whole sentence.
* The language is the request's ``Accept-Language`` among the catalogues that
  exist (``nb``, and ``en`` as the source language); anything else — no header,
  ``no``, ``nn`` until a nynorsk catalogue is added — gets ``DEFAULT_LOCALE``
  (``nb``; a municipality writing nynorsk sets ``nn`` once its catalogue exists).
  Jobs and CLI commands have no request and use ``DEFAULT_LOCALE``.
* ``scripts/i18n`` extracts, updates and compiles; the compiled ``.mo`` files are
  committed and installed with the package, so running the service needs no step.
  ``tests/common/test_translations.py`` fails when a marked text has no bokmål or a
  compiled catalogue is stale.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, pgettext

from service.common import contributions

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
SOURCE_LOCALE = "en"  # the message ids are English

babel = Babel()

__all__ = ["NP_", "N_", "_", "available_locales", "babel", "format_day", "init_i18n", "label", "lazy_gettext"]


def _(message: str, **params) -> str:
    """Translate now into the caller's language; ``params`` fill ``%(name)s``."""
    return gettext(message, **params)


def N_(message: str) -> str:  # noqa: N802 (the conventional name for the marker)
    """Mark a text for extraction without translating it (translate where it is shown)."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 (like N_, with a gettext context)
    """Mark a text with a context (e.g. a label domain) for extraction; translate with ``pgettext``."""
    return message


def label(domain: str, code: str | None, *, standalone: bool = False) -> str:
    """The label of a code inside a sentence, in the caller's language ("… i status «avgjort»").

    It is the label ``GET /labels`` gives, with the capital that starts a label standing
    alone lowered (not in an abbreviation such as "DPS" or "NAV"). Problem texts use it to
    name a state or category; the problem's own members keep the code. With
    ``standalone=True`` it is the label exactly as ``GET /labels`` gives it, for a field or
    column of its own (e.g. an audit event's ``action_label``). A code no feature labels is
    shown as it is.
    """
    if code is None:
        return ""
    text = contributions.current().labels.get(domain, {}).get(code)
    if not text:
        return code
    shown = pgettext(domain, text)
    if standalone:
        return shown
    return shown[0].lower() + shown[1:] if len(shown) > 1 and shown[1].islower() else shown


def format_day(day: dt.date | None) -> str:
    """A date as a person reads it: dd.mm.åååå in Norwegian, ISO 8601 (the API's format) in English."""
    if day is None:
        return ""
    return day.isoformat() if str(get_locale()).startswith(SOURCE_LOCALE) else day.strftime("%d.%m.%Y")


def available_locales() -> list[str]:
    """Locales with a compiled catalogue, plus English (the message ids)."""
    found = sorted(p.parent.parent.name for p in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.mo"))
    return found + ([SOURCE_LOCALE] if SOURCE_LOCALE not in found else [])


def _select_locale() -> str:
    default = current_app.config["DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    offered = current_app.extensions["i18n_locales"]
    # "no" (Norwegian, unspecified) means the municipality's own written standard.
    best = request.accept_languages.best_match(offered + ["no"], default=default)
    return default if best == "no" else best


def init_i18n(app: Flask) -> None:
    app.config.setdefault("DEFAULT_LOCALE", "nb")
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    app.extensions["i18n_locales"] = available_locales()
    babel.init_app(app, locale_selector=_select_locale)
