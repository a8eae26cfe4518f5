"""What every browser test shares: Debian's chromium (never a browser Playwright would download),
when to skip, and a live server of its own app on a free port.

Browser tests run once, on the SQLite pass of the suite, and skip — saying why — where there is
no chromium (``CHROMIUM`` names another path) or no Playwright.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
from flask_limiter import Limiter

import service
from service.common.clock import set_clock
from service.extensions import ProblemApi, _rate_limit_key, db
from tests.conftest import DEFAULT_NOW, Env

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def skip_reason() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        return "browser tests run once, on the SQLite pass of the suite"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


requires_browser = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


def fresh_app(tmp_path_factory, name: str):
    """An app of its own on a SQLite file of its own, migrated, on the suite's day; and its Env."""
    database = tmp_path_factory.mktemp(name) / "web.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        # As tests/conftest.py's fresh_app: the extensions that keep per-app state get new instances.
        patch.setattr(service, "api", ProblemApi())
        patch.setattr(service, "limiter", Limiter(key_func=_rate_limit_key))
        app = service.create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        flask_migrate.upgrade()
    # The suite's day, for the rows' deadlines and for the TOTP codes alike (a code is accepted once).
    set_clock(app, DEFAULT_NOW)
    return app, Env(app)


@contextmanager
def serving(app, *, dispose: bool = True) -> Iterator[str]:
    """``app`` served on a free port of 127.0.0.1 while the block runs; its URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        if dispose:
            with app.app_context():
                db.engine.dispose()
