"""What features contribute to shared views, kept per application (never per module).

``create_app`` calls every feature's ``init_app(app)`` in one explicit list; a
feature adds its contributions here (``for_app(app).add_…``) and connects its
signal receivers with ``sender=app``. Importing a module therefore changes
nothing: a plain ``Flask()`` has no contributions and no receivers until the
features are initialised on it. Code that runs inside the application reads
them with ``current()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask, current_app

EXTENSION = "tjenestespor.contributions"

# ``rule(user)`` returns a clause on ``Person`` selecting the persons that user serves.
ScopeRule = Callable[[object], sa.ColumnElement[bool]]
# ``initializer(municipality)`` gives a new municipality its starting data, in the same transaction.
MunicipalityInitializer = Callable[[object], None]


@dataclass
class Contributions:
    person_scopes: dict[str, list[ScopeRule]] = field(default_factory=dict)
    municipality_initializers: list[MunicipalityInitializer] = field(default_factory=list)
    # {domain: {code: English label}}, for GET /labels and the names in problem texts.
    # Worklist flag kinds and report tables will be contributed here the same way.
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_person_scope(self, role: str, rule: ScopeRule) -> None:
        rules = self.person_scopes.setdefault(role, [])
        if rule not in rules:
            rules.append(rule)

    def scopes_for(self, role: str) -> list[ScopeRule]:
        return list(self.person_scopes.get(role, ()))

    def add_municipality_initializer(self, initializer: MunicipalityInitializer) -> None:
        if initializer not in self.municipality_initializers:
            self.municipality_initializers.append(initializer)

    def add_labels(self, domains: dict[str, dict[str, str]]) -> None:
        """``{domain: {code: English label}}`` (a feature's ``labels.DOMAINS``); a domain once."""
        for domain, labels in domains.items():
            _add_once(self.labels, domain, dict(labels), "label domain")


def _add_once(registry: dict, key: str, value: object, what: str) -> None:
    if key in registry:
        raise ValueError(f"{what} {key!r} is contributed twice")
    registry[key] = value


def for_app(app: Flask) -> Contributions:
    """The application's registry, created on first use (by ``create_app`` before the features)."""
    return app.extensions.setdefault(EXTENSION, Contributions())


def current() -> Contributions:
    """The registry of the running application; an application built without ``create_app`` has none."""
    contributions = current_app.extensions.get(EXTENSION)
    if contributions is None:
        raise RuntimeError("The features were not initialised on this application: build it with create_app.")
    return contributions
