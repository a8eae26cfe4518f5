"""Signed checkpoints of each municipality's chain head, kept outside the database.

``flask audit checkpoint`` (daily, from cron or a systemd timer, as a user that may write
the file while the database's users may not; docs/security.md) checks each chain from
its previous checkpoint to its head and appends one JSON line per municipality: number,
id, seq, hash, when, key id and an HMAC over them. ``audit verify`` checks every line's
signature and that the chain still holds that row with that hash, so rows deleted or
rewritten up to the newest checkpoint are found even by someone who could get past the
database's triggers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import uuid
from pathlib import Path

import sqlalchemy as sa

from service.audit import keys as audit_keys
from service.audit.models import AuditChainHead
from service.audit.services import UNKEYED_TAIL, ChainBreak, walk_chain
from service.auth.models import Municipality
from service.common import clock
from service.extensions import db


class CheckpointFileError(ValueError):
    """A line of the checkpoint file is not a checkpoint."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"checkpoint {where}: {reason}")
        self.where = where


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    municipality: str          # its number
    municipality_id: uuid.UUID
    seq: int
    hash: str
    at: str
    key_id: str
    mac: str
    where: str = ""            # "PATH line N" once read from a file

    def message(self) -> bytes:
        return json.dumps([str(self.municipality_id), self.municipality, self.seq, self.hash, self.at, self.key_id],
                          separators=(",", ":")).encode()

    def verifies(self, keys: audit_keys.AuditKeys) -> bool:
        secret = keys.secret(self.key_id)
        if secret is None:
            return False
        return hmac.compare_digest(hmac.new(secret, self.message(), hashlib.sha256).hexdigest(), self.mac)

    def line(self) -> str:
        return json.dumps({"municipality": self.municipality, "municipality_id": str(self.municipality_id),
                           "seq": self.seq, "hash": self.hash, "at": self.at, "key_id": self.key_id,
                           "mac": self.mac}, separators=(",", ":"))


def sign(municipality: Municipality, seq: int, head_hash: str, keys: audit_keys.AuditKeys) -> Checkpoint:
    unsigned = Checkpoint(municipality.number, municipality.id, seq, head_hash,
                          clock.now().astimezone(clock.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), keys.signing_id, "")
    mac = hmac.new(keys.signing_secret, unsigned.message(), hashlib.sha256).hexdigest()
    return dataclasses.replace(unsigned, mac=mac)


def read(path: str | Path) -> list[Checkpoint]:
    """Every checkpoint in the file (none when it does not exist yet); a line that is not one is an error."""
    path = Path(path)
    if not path.exists():
        return []
    checkpoints = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        where = f"{path} line {number}"
        try:
            data = json.loads(text)
            checkpoints.append(Checkpoint(str(data["municipality"]), uuid.UUID(data["municipality_id"]),
                                          int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["key_id"]),
                                          str(data["mac"]), where))
        except (ValueError, KeyError, TypeError) as error:
            raise CheckpointFileError(where, f"not a checkpoint line ({error})") from None
    return checkpoints


def write(path: str | Path, municipality_number: str | None = None) -> tuple[list[Checkpoint], ChainBreak | None]:
    """Check each chain from its newest checkpoint in the file to its head; if every one holds,
    append a signed checkpoint of each head that moved. Nothing is written when one is broken."""
    keys = audit_keys.current()
    earlier = read(path)
    stmt = sa.select(Municipality).order_by(Municipality.number)
    if municipality_number:
        stmt = stmt.where(Municipality.number == municipality_number)
    written = []
    for municipality in db.session.scalars(stmt):
        head = db.session.get(AuditChainHead, municipality.id, populate_existing=True)
        if head is None or head.seq == 0:
            continue
        own = [c for c in earlier if c.municipality_id == municipality.id]
        for checkpoint in own:
            if not checkpoint.verifies(keys):
                return [], ChainBreak(municipality.number, checkpoint.seq, None,
                                      "its signature does not verify: the checkpoint was altered, or its key is "
                                      "not configured", checkpoint.where)
        latest = max(own, key=lambda c: c.seq, default=None)
        if latest is not None and latest.seq > head.seq:
            return [], ChainBreak(municipality.number, None, None,
                                  f"the head is at seq {head.seq}, before this checkpoint's seq {latest.seq}: "
                                  "newest row(s) deleted and the head moved back", latest.where)
        if latest is not None and latest.seq == head.seq and latest.hash == head.hash:
            continue  # nothing new since
        walk = walk_chain(municipality, keys, {latest.seq: [latest]} if latest else {},
                     from_seq=latest.seq if latest else 1, to_seq=head.seq)
        if walk.broken is not None:
            return [], walk.broken
        if walk.last is None or walk.last.seq != head.seq or walk.last.hash != head.hash:
            return [], ChainBreak(municipality.number, None, None,
                                  "last row does not match the chain head: newest row(s) deleted")
        if walk.last.key_id is None:
            return [], ChainBreak(municipality.number, walk.last.seq, walk.last.id, UNKEYED_TAIL)
        written.append(sign(municipality, head.seq, head.hash, keys))
    if written:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write("".join(c.line() + "\n" for c in written))
            out.flush()
            os.fsync(out.fileno())
    return written, None
