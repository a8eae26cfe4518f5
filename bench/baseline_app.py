"""Bare-Flask baselines of the API benchmark, served by gunicorn with the app's settings.

Three endpoints against the benchmark's database, SQLAlchemy Core on the app's driver
(psycopg) and pool settings, no ORM, no auth, no schemas:

* ``/baseline/select/<id>``: one primary-key SELECT of a person, as JSON;
* ``/baseline/audited/<id>``: the same plus one audit row INSERTed and committed (the floor
  for any audited read), into ``bench_audit_events``, a copy of ``audit_events`` with
  its indexes and constraints;
* ``/baseline/locked/<id>``: the same plus the municipality's row of ``bench_chain_heads``
  (a copy of ``audit_chain_heads``) locked FOR UPDATE and updated until the commit, as the
  app's hash chain does for every audited request.

The harness (bench/harness/api.py) creates the two tables before starting this server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid

import sqlalchemy as sa
from flask import Flask, abort

from config import normalise_database_url

engine = sa.create_engine(normalise_database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True)
app = Flask(__name__, static_folder=None)

SELECT_PERSON = sa.text("SELECT * FROM persons WHERE id = :id")
INSERT_EVENT = sa.text(
    "INSERT INTO bench_audit_events (id, municipality_id, seq, at, actor_id, role, action, object_type, "
    "object_id, person_id, request_id, outcome, detail, prev_hash, hash) VALUES (:id, :municipality_id, :seq, :at, "
    "NULL, 'case_officer', 'read', 'person', :object_id, :person_id, :request_id, 'ok', NULL, :prev_hash, :hash)")
NEXT_SEQ = sa.text("SELECT nextval('bench_audit_seq')")
LOCK_HEAD = sa.text("SELECT seq, hash FROM bench_chain_heads WHERE municipality_id = :municipality_id FOR UPDATE")
UPDATE_HEAD = sa.text("UPDATE bench_chain_heads SET seq = :seq, hash = :hash WHERE municipality_id = :municipality_id")
GENESIS = "0" * 64


def _person(conn, person_id: uuid.UUID) -> dict:
    row = conn.execute(SELECT_PERSON, {"id": person_id}).mappings().first()
    if row is None:
        abort(404)
    return dict(row)


def _audit(conn, person: dict, prev_hash: str) -> tuple[int, str]:
    seq = conn.execute(NEXT_SEQ).scalar_one()
    event = {"id": uuid.uuid4(), "municipality_id": person["municipality_id"], "seq": seq,
             "at": dt.datetime.now(dt.timezone.utc), "object_id": str(person["id"]), "person_id": person["id"],
             "request_id": uuid.uuid4().hex, "prev_hash": prev_hash}
    fields = [str(value) for value in event.values()]
    event["hash"] = hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()
    conn.execute(INSERT_EVENT, event)
    return seq, event["hash"]


@app.get("/baseline/select/<uuid:person_id>")
def select(person_id):
    with engine.connect() as conn:
        return _person(conn, person_id)


@app.get("/baseline/audited/<uuid:person_id>")
def audited(person_id):
    with engine.begin() as conn:
        person = _person(conn, person_id)
        _audit(conn, person, GENESIS)
    return person


@app.get("/baseline/locked/<uuid:person_id>")
def locked(person_id):
    with engine.begin() as conn:
        person = _person(conn, person_id)
        head = conn.execute(LOCK_HEAD, {"municipality_id": person["municipality_id"]}).one()
        seq, event_hash = _audit(conn, person, head.hash)
        conn.execute(UPDATE_HEAD, {"seq": seq, "hash": event_hash, "municipality_id": person["municipality_id"]})
    return person
