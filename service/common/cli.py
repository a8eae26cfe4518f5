"""Helpers for CLI commands: one transaction per command, domain errors as messages."""

from __future__ import annotations

import functools

import click

from service.common.errors import DomainError
from service.extensions import db


def transactional(func):
    """Commit when the command succeeds; on a domain error roll back and exit 1 with its message."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            result = func(*args, **kwargs)
            db.session.commit()
            return result
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(exc.detail) from None
        except Exception:
            db.session.rollback()
            raise

    return wrapper


def only_municipality(number: str | None) -> list | None:
    """``--municipality NNNN`` as the ids a command works on: that one, or None for every one;
    an unknown number exits 1 with the domain's message."""
    if not number:
        return None
    from service.auth.services import get_municipality_by_number

    try:
        return [get_municipality_by_number(number).id]
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None
