"""The README and docs/ stand on their own: no references to files outside the project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_document_points_outside_the_project(document):
    text = document.read_text(encoding="utf-8")
    assert not re.search(r"\.\./", text), f"{document.name} refers to a path outside the project"
