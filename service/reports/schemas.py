"""Answers of the reports API: snapshots and their published tables, with labels in the caller's language.

A table is answered as ``rows`` and ``columns`` (code and label), and ``cells`` row by row:
``{"value": …, "hidden": false}``, or ``{"value": null, "hidden": true}`` for a suppressed cell.
The mark never says why a cell is hidden: telling a small count from a secondary suppression
would let a reader narrow the small one down (docs/reports.md, "Suppression").
"""

import marshmallow as ma
from marshmallow import validate

from service.common.fields import Date, Integer
from service.common.i18n import _, label
from service.reports.models import TRIGGERS


def _table_view(key: str, table: dict, definitions: dict) -> dict:
    hidden = {tuple(cell) for cell in table["hidden"]}
    meta = definitions.get(key)
    return {
        "key": key,
        "title": _(meta.title) if meta else key,
        "definition": _(meta.definition) if meta and meta.definition else None,
        "mirrors": meta.mirrors if meta else None,
        "rows": [{"code": row, "label": label(meta.row_domain, row, standalone=True) if meta else row}
                 for row in table["rows"]],
        "columns": [{"code": column, "unit": table["units"].get(column, ""),
                     "label": label(meta.column_domain, column, standalone=True) if meta else column}
                    for column in table["columns"]],
        "cells": [[{"value": table["values"][i][j], "hidden": (row, column) in hidden}
                   for j, column in enumerate(table["columns"])] for i, row in enumerate(table["rows"])],
    }


class TablesField(ma.fields.Field):
    """The published tables (JSON), labelled from the contributed table definitions."""

    def _serialize(self, value, attr, obj, **kwargs):
        from service.reports.services import report_tables

        definitions = {table.key: table for table in report_tables()}
        order = {key: index for index, key in enumerate(definitions)}
        return [_table_view(key, value[key], definitions)
                for key in sorted(value, key=lambda key: (order.get(key, len(order)), key))]


class SnapshotSummarySchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    period = ma.fields.String(dump_only=True, metadata={"description": "YYYY-MM or YYYY"})
    version = ma.fields.Integer(dump_only=True)
    reason = ma.fields.String(dump_only=True, allow_none=True,
                              metadata={"description": "why this version was built (null for the first)"})
    generated_at = ma.fields.AwareDateTime(dump_only=True)
    built_on = Date(dump_only=True)
    trigger = ma.fields.String(dump_only=True, validate=validate.OneOf(TRIGGERS))
    built_by = ma.fields.UUID(dump_only=True, allow_none=True)
    suppression_threshold = ma.fields.Integer(dump_only=True)
    changed_cells = ma.fields.List(ma.fields.List(ma.fields.String()), dump_only=True, metadata={
        "description": "[table, row, column] of every published cell that differs from the previous version"})


class SnapshotSchema(SnapshotSummarySchema):
    tables = TablesField(dump_only=True)


class LiveReportSchema(ma.Schema):
    period = ma.fields.String(dump_only=True)
    generated_at = ma.fields.AwareDateTime(dump_only=True)
    built_on = Date(dump_only=True)
    suppression_threshold = ma.fields.Integer(dump_only=True)
    tables = TablesField(dump_only=True)


class PeriodQuerySchema(ma.Schema):
    period = ma.fields.String(required=True, validate=validate.Length(min=4, max=7),
                              metadata={"description": "YYYY-MM or YYYY, a period that has ended"})


class SnapshotListQuerySchema(ma.Schema):
    period = ma.fields.String(validate=validate.Length(min=4, max=7))


class VersionQuerySchema(ma.Schema):
    version = Integer(validate=validate.Range(min=1), metadata={"description": "default: the newest"})


class SnapshotQuerySchema(VersionQuerySchema):
    table = ma.fields.String(validate=validate.Regexp(r"^T[0-9]{1,2}[a-z]?$"), metadata={
        "description": "`.csv` only (required there): the one table to download, e.g. T3"})


class BuildSchema(ma.Schema):
    period = ma.fields.String(required=True, validate=validate.Length(min=4, max=7))
    reason = ma.fields.String(validate=validate.Length(max=500), metadata={
        "description": "required when the tables differ from the newest version"})


class BuildOutcomeSchema(ma.Schema):
    status = ma.fields.String(dump_only=True, validate=validate.OneOf(("stored", "unchanged")), metadata={
        "description": "stored: a new version; unchanged: equal to the newest version, nothing stored"})
    snapshot = ma.fields.Nested(SnapshotSummarySchema, dump_only=True)
    changed = ma.fields.List(ma.fields.List(ma.fields.String()), dump_only=True)
