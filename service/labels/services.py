"""The label table: every contributed code with its label in each language, always all of them."""

from __future__ import annotations

from flask_babel import force_locale, pgettext

from service.common import contributions

# Bokmål (the officers' language) and English (the message ids), whatever the caller asked for:
# a client shows the one it needs without asking twice.
LANGUAGES = ("nb", "en")


def label_table() -> dict[str, dict[str, dict[str, str]]]:
    """``{domain: {code: {"nb": …, "en": …}}}`` for every domain the features contribute."""
    domains = contributions.current().labels
    table = {domain: {code: {} for code in labels} for domain, labels in domains.items()}
    for language in LANGUAGES:
        with force_locale(language):
            for domain, labels in domains.items():
                for code, text in labels.items():
                    # The domain is the gettext context: "Active" of a decision and of a plan may differ.
                    table[domain][code][language] = pgettext(domain, text)
    return table
