"""The workbook and the chapter open in LibreOffice and print (issue 15's render check).

``soffice --headless --convert-to pdf`` must turn each file into a PDF whose text holds the
numbers and the Norwegian month; a file LibreOffice cannot open gives no PDF and fails here.
Skipped, with the reason, on a machine without LibreOffice (the test setup installs
libreoffice-calc, libreoffice-writer and poppler-utils). ``EXPORT_RENDER_DIR=/some/dir`` keeps the
PDFs and a PNG per page (``pdftoppm -png -r 60``) there, to look at every page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.reports import export_fixtures as fx

API = "/api/v1/reports/monthly"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def planner(env, app):
    town = env.municipality(name="Måløy")
    fx.seed(app, town)
    return env.caller("planner", town)


def _pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        return ""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: apt-get install "
                                            "libreoffice-calc libreoffice-writer poppler-utils")
def test_libreoffice_opens_and_prints_the_workbook_and_the_chapter(planner, tmp_path):
    files = {}
    for suffix in ("xlsx", "docx"):
        response = planner.get(f"{API}/2026-02.{suffix}")
        assert response.status_code == 200
        files[suffix] = tmp_path / f"februar-{suffix}.{suffix}"
        files[suffix].write_bytes(response.get_data())
    # a profile of its own: a LibreOffice already running (or another test run) does not block this one
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), *map(str, files.values())],
                          capture_output=True, text=True, timeout=300)
    pdfs = {suffix: path.with_suffix(".pdf") for suffix, path in files.items()}
    for suffix, pdf in pdfs.items():
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), (suffix, done.stdout, done.stderr)
    if shutil.which("pdftotext"):
        book, chapter = _pdf_text(pdfs["xlsx"]), _pdf_text(pdfs["docx"])
        assert "februar 2026" in book and "709" in book and "3 722,5" in book.replace("\u00a0", " ")
        assert "februar 2026" in chapter and "709" in chapter and "–" in chapter
        assert chapter.count("\f") >= 3  # a chapter of several pages, not an empty document
    keep = os.environ.get("EXPORT_RENDER_DIR")
    if keep:
        target = Path(keep)
        target.mkdir(parents=True, exist_ok=True)
        for suffix, pdf in pdfs.items():
            shutil.copy(pdf, target / pdf.name)
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(target / suffix)], check=True, timeout=120)
