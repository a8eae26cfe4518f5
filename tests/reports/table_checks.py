"""Checks shared by the tests of the feature-contributed report tables (T4, T7, T8, T9).

``compute_tables`` runs contributed tables as the reports package does (inside the municipality's
scope, one period); ``assert_well_formed`` checks a result has a value for every cell and that its
bases and dependencies name real cells; ``assert_relations_hold`` evaluates every declared
relation on the raw values (a relation that does not hold would mislead the suppression audit).
"""

from __future__ import annotations

from service.auth import services as auth
from service.common import contributions
from service.common.tenancy import tenant_scope
from service.reports.tables import Period, Relation, TableResult


def compute_tables(app, town: str, period_key: str, *keys: str) -> dict[str, TableResult]:
    with app.app_context():
        municipality_id = auth.get_municipality_by_number(town).id
        tables = contributions.for_app(app).report_tables
        with tenant_scope(municipality_id):
            return {key: tables[key].compute(Period.parse(period_key), municipality_id) for key in keys}


def grid(result: TableResult) -> dict[str, dict[str, object]]:
    """``{row: {column: value}}``, to compare a whole table with the one computed by hand."""
    return {row: {column: result.values[(row, column)] for column in result.columns} for row in result.rows}


def assert_well_formed(key: str, result: TableResult) -> None:
    cells = {(row, column) for row in result.rows for column in result.columns}
    assert set(result.values) == cells, set(result.values) ^ cells
    assert set(result.kinds) == set(result.columns)
    for (row, column), base in result.bases.items():
        assert base in cells and result.kind_of(*base) == "count", (row, column, base)
        assert result.kind_of(row, column) in ("sum", "derived")
    for (row, column), refs in result.depends_on.items():
        assert result.kind_of(row, column) == "derived"
        assert all(ref[0] != key or ref[1:] in cells for ref in refs), (row, column, refs)
    for row, column in cells:
        if result.kind_of(row, column) == "derived":
            assert (row, column) in result.bases and (row, column) in result.depends_on, (row, column)
        else:
            assert isinstance(result.values[(row, column)], int), (row, column)


def assert_relations_hold(results: dict[str, TableResult], relations: list[Relation]) -> None:
    """Every relation, evaluated on the raw values (each names only count cells with a value)."""
    assert relations
    for relation in relations:
        total = 0
        for (key, row, column), coefficient in relation.terms:
            result = results[key]
            assert result.kind_of(row, column) != "derived", relation
            value = result.values[(row, column)]
            assert value is not None, relation
            total += coefficient * value
        assert (total == 0) if relation.op == "eq" else (total <= 0), (relation, total)
