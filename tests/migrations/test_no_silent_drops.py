"""No migration drops a table or a column on its way up without a reviewed marker.

A dropped table or column is data gone for good once the migration has run in production: the
upgrade must say on the statement's line, or the line before it, that someone reviewed it and
why the data is not lost (moved elsewhere first, never held data, ...)::

    # reviewed-drop: the names moved to provider_units by _units_from_names() above
    batch_op.drop_column("provider_unit")

``upgrade()`` is scanned, with every function of the module it calls; ``downgrade()`` is exempt
(going down undoes the upgrade's own additions). Found: ``op.drop_table``, ``op.drop_column``,
``batch_op.drop_column`` (any ``.drop_table``/``.drop_column`` call), and raw SQL run through
``.execute``/``.exec_driver_sql`` that says ``DROP TABLE``, ``DROP COLUMN`` or
``ALTER TABLE … DROP <column>`` (docs/architecture.md, "Migrations").
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from pathlib import Path

import pytest

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
MARKER = re.compile(r"#\s*reviewed-drop:\s*\S")
DROP_CALLS = {"drop_table", "drop_column"}
SQL_CALLS = {"execute", "exec_driver_sql"}
DROP_SQL = re.compile(
    r"\bDROP\s+TABLE\b|\bDROP\s+COLUMN\b"
    r"|\bALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?\S+\s+DROP\s+"
    r"(?!CONSTRAINT\b|DEFAULT\b|NOT\b|EXPRESSION\b|IDENTITY\b|ROW\b|POLICY\b|TRIGGER\b)\w+",
    re.IGNORECASE)


def unreviewed_drops(source: str) -> list[str]:
    """``line: statement`` of every drop reached from ``upgrade()`` without a marker."""
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                 for target in node.targets if isinstance(target, ast.Name)}
    marked = {token.start[0] for token in tokenize.generate_tokens(io.StringIO(source).readline)
              if token.type == tokenize.COMMENT and MARKER.search(token.string)}
    lines = source.splitlines()
    found, seen, todo = [], set(), ["upgrade"]
    while todo:
        name = todo.pop()
        if name in seen or name not in functions or name == "downgrade":
            continue
        seen.add(name)
        for node in ast.walk(functions[name]):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name):
                todo.append(node.func.id)
                continue
            called = node.func.attr if isinstance(node.func, ast.Attribute) else None
            drops = called in DROP_CALLS or (called in SQL_CALLS and any(
                DROP_SQL.search(text) for text in _strings(node, constants)))
            if drops and not {node.lineno, node.lineno - 1} & marked:
                found.append(f"{node.lineno}: {lines[node.lineno - 1].strip()}")
    return sorted(found, key=lambda entry: int(entry.split(":")[0]))


def _strings(call: ast.Call, constants: dict[str, str]) -> list[str]:
    """The SQL a call may run: its string literals (f-strings' fixed parts too) and the module's
    string constants it names."""
    texts = []
    for node in ast.walk(call):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append(node.value)
        elif isinstance(node, ast.Name) and node.id in constants:
            texts.append(constants[node.id])
        elif isinstance(node, ast.JoinedStr):  # "DROP TABLE {name}": join the fixed parts around the holes
            texts.append(" x ".join(part.value for part in node.values if isinstance(part, ast.Constant)))
    return texts


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("*.py")), ids=lambda path: path.name)
def test_every_drop_in_an_upgrade_is_reviewed(path):
    found = unreviewed_drops(path.read_text(encoding="utf-8"))
    assert found == [], (f"{path.name} drops data on upgrade without a '# reviewed-drop: <why>' comment on "
                         f"the line or the line before: {found}")


def test_the_scan_sees_the_migrations():
    assert len(list(VERSIONS.glob("*.py"))) >= 10


# --- the scanner itself: it finds what it must, and lets through what it may ---

def _migration(upgrade_body: str, downgrade_body: str = "pass", extra: str = "") -> str:
    return textwrap.dedent(extra) + "\n\ndef upgrade():\n" + textwrap.indent(textwrap.dedent(upgrade_body), "    ") \
        + "\n\ndef downgrade():\n" + textwrap.indent(textwrap.dedent(downgrade_body), "    ") + "\n"


@pytest.mark.parametrize("body", [
    'op.drop_table("persons")',
    'op.drop_column("persons", "name")',
    'with op.batch_alter_table("persons") as batch_op:\n    batch_op.drop_column("name")',
    'op.execute("DROP TABLE persons")',
    'op.execute("drop table if exists persons cascade")',
    'op.execute(sa.text("ALTER TABLE persons DROP COLUMN name"))',
    'op.execute("ALTER TABLE persons DROP name")',
    'op.get_bind().exec_driver_sql(f"DROP TABLE {name}")',
    'op.execute(SQL)',
    '_cleanup()',
])
def test_the_scan_finds_an_unreviewed_drop(body):
    extra = 'SQL = "DROP TABLE old_things"\n\ndef _cleanup():\n    op.drop_table("old_things")\n'
    assert len(unreviewed_drops(_migration(body, extra=extra))) == 1


@pytest.mark.parametrize("body", [
    '# reviewed-drop: emptied by 0005, never written since\nop.drop_table("persons")',
    'op.drop_column("persons", "name")  # reviewed-drop: copied to full_name above',
    'op.execute("DROP TRIGGER IF EXISTS t ON persons")',
    'op.execute("ALTER TABLE persons DROP CONSTRAINT ck_persons_name")',
    'op.execute("DROP INDEX ix_persons_name")',
    'batch_op.drop_index("ix_persons_name")',
    'batch_op.drop_constraint("ck_persons_name", type_="check")',
])
def test_the_scan_lets_a_reviewed_drop_and_other_drops_through(body):
    assert unreviewed_drops(_migration(body)) == []


def test_a_marker_without_a_reason_does_not_count_and_downgrade_is_exempt():
    assert len(unreviewed_drops(_migration('# reviewed-drop:\nop.drop_table("persons")'))) == 1
    assert unreviewed_drops(_migration("pass", downgrade_body='op.drop_table("persons")')) == []
