"""One vocabulary of problem types: every code the service can raise is in PROBLEM_TYPES."""

from __future__ import annotations

import ast
from pathlib import Path

from service.common.errors import PROBLEM_TYPES, DomainError

SERVICE_DIR = Path(__file__).resolve().parents[2] / "service"


def _codes_in_source():
    """(file:line, code) for every ``code="…"`` keyword and every ``code = "…"`` class attribute."""
    for path in sorted(SERVICE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant) \
                            and isinstance(keyword.value.value, str):
                        yield f"{path.relative_to(SERVICE_DIR)}:{node.lineno}", keyword.value.value
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and any(
                            isinstance(t, ast.Name) and t.id == "code" for t in statement.targets) \
                            and isinstance(statement.value, ast.Constant):
                        yield f"{path.relative_to(SERVICE_DIR)}:{statement.lineno}", statement.value.value


def test_every_raised_code_is_in_the_catalogue():
    found = list(_codes_in_source())
    assert len(found) > 20  # the walk sees the features' conflicts, not nothing
    unknown = [f"{where}: {code}" for where, code in found if code not in PROBLEM_TYPES]
    assert not unknown, "add these to PROBLEM_TYPES or use an existing code:\n" + "\n".join(unknown)


def test_every_error_class_has_a_catalogued_code():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    assert {sub.code for sub in subclasses(DomainError)} <= set(PROBLEM_TYPES)


def test_catalogue_is_consistent():
    for code, (status, title) in PROBLEM_TYPES.items():
        assert code == code.lower() and " " not in code
        assert 400 <= status < 600 and title and title[0].isupper(), code
