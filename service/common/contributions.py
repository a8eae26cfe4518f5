"""What features contribute to shared views, kept per application (never per module).

``create_app`` calls every feature's ``init_app(app)`` in one explicit list; a
feature adds its contributions here (``for_app(app).add_…``) and connects its
signal receivers with ``sender=app``. Importing a module therefore changes
nothing: a plain ``Flask()`` has no contributions and no receivers until the
features are initialised on it. Code that runs inside the application reads
them with ``current()``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
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


@dataclass(frozen=True)
class FlagScope:
    """What a flag kind's condition is evaluated for: one municipality on one day."""

    on: dt.date
    municipality_id: uuid.UUID


@dataclass(frozen=True)
class FlagKind:
    """A kind of worklist flag (docs/worklist.md), contributed by the feature that owns its data.

    ``rows(scope)`` is the condition as one set-based SELECT over the feature's own tables, in
    ``scope.municipality_id`` on ``scope.on``, with the labelled columns ``subject_id``,
    ``person_id`` (null for a row about no person), ``due_on``, ``assigned_to`` (the user who
    should act, null for the office) and ``cause`` (null, or which text of ``texts`` applies).
    A flag is raised for every row it gives and resolved when its (subject, due_on) is no longer
    among them. ``subject_type`` is the subject's audit object type, ``subject_model`` its model
    (``id``, and ``person_id`` unless it is about no person) and ``subject_resource`` its resource of
    the access matrix: a reader sees a flag only about a subject its own row rule shows it.
    ``role`` is the role whose worklist carries it, ``office`` who acts when no user is named
    (``case_office``, ``housing_office``, ``provider_unit``). ``texts`` maps a cause to the English
    one-line text (``%(subject)s``, ``%(date)s``), ``describe(ids)`` gives each subject's label.
    ``raised_by`` is the job that raises it (``deadlines``; ``offers`` for ``offer_expired``);
    every job's resolution pass and the actions resolve any kind.
    """

    kind: str
    label: str
    subject_type: str
    subject_model: type
    subject_resource: str
    rows: Callable[[FlagScope], sa.Select]
    role: str
    office: str
    texts: Mapping[str | None, str]
    describe: Callable[[Iterable[uuid.UUID]], dict[uuid.UUID, str]]
    raised_by: str = "deadlines"


@dataclass
class Contributions:
    row_rules: dict[tuple[str, str], list[RowRule]] = field(default_factory=dict)
    municipality_initializers: list[MunicipalityInitializer] = field(default_factory=list)
    # {domain: {code: English label}}, for GET /labels and the names in problem texts.
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # {kind: FlagKind}: the worklist's flag kinds, each from the feature whose data it reads.
    flag_kinds: dict[str, FlagKind] = field(default_factory=dict)
    # {key: ReportTable} (service/reports/tables.py): the monthly tables, each from the feature
    # whose data it counts, and the relations between cells of different tables (a shared margin).
    report_tables: dict[str, object] = field(default_factory=dict)
    report_relations: list[object] = field(default_factory=list)
    # Tracked models whose dated history the reports read (service/common/history.py).
    histories: list[object] = field(default_factory=list)

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


    def add_flag_kind(self, kind: FlagKind) -> None:
        """A worklist flag kind (once), and its label in the domain ``flag_kind`` (GET /labels)."""
        if self.flag_kinds.get(kind.kind) is kind:
            return
        _add_once(self.flag_kinds, kind.kind, kind, "flag kind")
        self.labels.setdefault("flag_kind", {})[kind.kind] = kind.label

    def add_report_table(self, table) -> None:
        """A report table (``service.reports.tables.ReportTable``), once per key."""
        if self.report_tables.get(table.key) is table:
            return
        _add_once(self.report_tables, table.key, table, "report table")

    def add_report_relation(self, relation) -> None:
        """A relation between cells of different tables (``tables.equal(("T1", …), ("T10", …))``):
        the suppression protects the snapshot as a whole against it."""
        if relation not in self.report_relations:
            self.report_relations.append(relation)

    def add_history(self, tracked) -> None:
        """A model whose changes are kept as dated history rows (``service.common.history.Tracked``)."""
        if tracked not in self.histories:
            self.histories.append(tracked)

    def flag_kinds_of(self, subject_type: str) -> list[FlagKind]:
        return [kind for kind in self.flag_kinds.values() if kind.subject_type == subject_type]


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
