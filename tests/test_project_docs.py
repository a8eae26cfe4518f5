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
    # The design contract the project was built from is not part of the repository.
    assert "DESIGN" not in text, f"{document.name} cites a design document the reader does not have"


def test_every_path_a_document_names_exists():
    """`service/…`, `tests/…`, `docs/…` paths named in the README and docs/ are in the repository."""
    missing = []
    for document in DOCUMENTS:
        for path in re.findall(r"`((?:service|tests|docs|bench|scripts|config|migrations)/[\w./-]+\.(?:py|md))`",
                               document.read_text(encoding="utf-8")):
            if not (ROOT / path).exists():
                missing.append(f"{document.name}: {path}")
    assert not missing, "\n".join(missing)
