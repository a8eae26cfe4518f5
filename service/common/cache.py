"""What a worker process may remember between requests, for a bounded time.

Two things are looked up on every audited request and change rarely: a token's user
(``auth.services.authenticate``) and the persons a user is barred from
(``persons.access.blocked_person_ids``). Reading them was about a fifth and a sixth of an
audited read's CPU (docs/performance.md), so each worker remembers them for
``TOKEN_CACHE_SECONDS`` (5 by default; ``0`` turns every such cache off, as the tests do).
The bound is the promise: a change made in another worker or by the CLI (a revoked token, a
disabled user, a new block) takes effect there within it, and the process that makes the
change forgets at once (``forget``). Nothing may be remembered here whose staleness for that
long would be worse than a revocation's.

Each cache is a ``cachetools.TTLCache`` behind a lock (the development server runs requests
in threads), timed by the app's clock (``common/clock.py``) so tests can move past the bound,
and kept in ``app.extensions`` so every app, and every test's app, has its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import TTLCache
from flask import current_app

from service.common import clock

_MISSING = object()


class BoundedCache:
    """One named cache of one app: ``get``, ``put``, ``get_or_load`` and ``clear``."""

    def __init__(self, seconds: float, maxsize: int):
        self._lock = threading.Lock()
        self._entries = TTLCache(maxsize=maxsize, ttl=seconds, timer=lambda: clock.now().timestamp())

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            return self._entries.get(key, default)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value

    def get_or_load(self, key: Hashable, load: Callable[[], Any]) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = load()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def bounded(name: str, maxsize: int = 10_000) -> BoundedCache | None:
    """The app's cache ``name``, created on first use; None when ``TOKEN_CACHE_SECONDS`` is 0."""
    seconds = current_app.config["TOKEN_CACHE_SECONDS"]
    if not seconds:
        return None
    cache = current_app.extensions.get(name)
    if cache is None:
        cache = current_app.extensions[name] = BoundedCache(seconds, maxsize)
    return cache


def forget(name: str) -> None:
    """Drop everything this process remembers in ``name`` (after the change it caches)."""
    cache = current_app.extensions.get(name)
    if cache is not None:
        cache.clear()
