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

# ``builder(user)`` returns a clause on a resource's model selecting the rows a named row rule
# of the access matrix (service/auth/matrix.py) gives that user, e.g. ("person", "served"):
# the persons the provider's unit serves.
RowRule = Callable[[object], sa.ColumnElement[bool]]
# ``initializer(municipality)`` gives a new municipality its starting data, in the same transaction.
MunicipalityInitializer = Callable[[object], None]


@dataclass
class Contributions:
    row_rules: dict[tuple[str, str], list[RowRule]] = field(default_factory=dict)
    municipality_initializers: list[MunicipalityInitializer] = field(default_factory=list)
    # {domain: {code: English label}}, for GET /labels and the names in problem texts.
    # Worklist flag kinds and report tables will be contributed here the same way.
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_row_rule(self, resource: str, rule: str, builder: RowRule) -> None:
        """The clause of the access matrix's row rule ``rule`` on ``resource``; several
        contributions to one rule are or-ed (each feature adds what its own data decides)."""
        builders = self.row_rules.setdefault((resource, rule), [])
        if builder not in builders:
            builders.append(builder)

    def row_rules_for(self, resource: str, rule: str) -> list[RowRule]:
        return list(self.row_rules.get((resource, rule), ()))

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
