"""Headers every answer of the API and its docs carries (issue 18, finding 6).

A JSON answer needs nothing loaded, run or framed, so its Content-Security-Policy allows nothing:
should a browser ever render one (an old one sniffing, a proxy's error page around it), no script
in it can run and no site can frame it. The Swagger UI page (/api/v1/docs) runs the files of the
swagger-ui-bundle package, served from /api/v1/docs/static/, and one inline script that starts
it; that script is allowed by its hash, computed from the page as served, so no 'unsafe-inline'
is needed and no other script can run. No referrer leaves for another site: an API address can
hold ids.

The web application's pages (/app, service/web) set their own policy (it loads its own CSS and
scripts, and Flask-WTF checks the Referer of a form on https), so they are left to it.

``Retry-After`` is only for 429 and 503: the rate limiter sets it on every answer (its window's
reset), which tells a client that succeeded to wait; on a 503 (the database out of reach) it is
the outage's own (``g.retry_after``), not the limiter's window.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import g

from service.auth import policy

API_PREFIX = "/api/v1"
DOCS_PREFIX = "/api/v1/docs"
# Directives that do not fall back to default-src are named too (base-uri, form-action, frame-ancestors).
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_POLICY = ("default-src 'none'; script-src 'self'{hashes}; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
RETRY_AFTER_STATUSES = frozenset({429, 503})
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def _docs_policy(response) -> str:
    """The docs policy, with the hash of each inline script of an HTML page (the Swagger UI's one)."""
    hashes = ""
    if response.mimetype == "text/html" and not response.direct_passthrough:
        for script in _INLINE_SCRIPT.findall(response.get_data()):
            hashes += f" 'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
    return DOCS_POLICY.format(hashes=hashes)


def _is_under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def add_security_headers(response, path: str):
    """The headers of an answer to ``path``; the app runs it after every other after_request hook
    (service/__init__.py), so that it sees the rate limiter's headers and the answer a failed
    commit replaces the view's with (service/common/http.py)."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.status_code not in RETRY_AFTER_STATUSES:
        headers.pop("Retry-After", None)
    elif response.status_code == 503 and g.get("retry_after"):
        headers["Retry-After"] = str(g.retry_after)
    if policy.is_web(path):
        return response
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if _is_under(path, DOCS_PREFIX):
        headers.setdefault("Content-Security-Policy", _docs_policy(response))
        return response
    headers.setdefault("Content-Security-Policy", JSON_POLICY)
    if _is_under(path, API_PREFIX):
        # Person data must not linger in shared caches or browser history.
        headers["Cache-Control"] = "no-store"
    return response
