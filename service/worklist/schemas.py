import marshmallow as ma
from marshmallow import validate

from service.auth import matrix
from service.auth.fields import NeedToKnow
from service.common.fields import Date, Label
from service.worklist.models import OFFICES, STATUSES, SUBJECT_TYPES


class WorklistItemSchema(NeedToKnow):
    """One flag, readable without a second call."""

    RESOURCE = matrix.FLAG

    id = ma.fields.UUID(dump_only=True)
    kind = ma.fields.String(dump_only=True, metadata={"description": "the flag kind (docs/worklist.md); "
                                                                    "labels in GET /labels, domain flag_kind"})
    kind_label = ma.fields.String(dump_only=True)
    text = ma.fields.String(dump_only=True, metadata={
        "description": "one line in the caller's language, e.g. «Vedtak om praktisk bistand utløper "
                       "31.01.2027 – vurder fornyelse»"})
    subject_type = ma.fields.String(dump_only=True, validate=validate.OneOf(SUBJECT_TYPES),
                                    metadata={"description": "what the flag is about (an audit object type)"})
    subject_id = ma.fields.UUID(dump_only=True)
    subject_label = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": "the service, unit or plan the flag is about"})
    person_id = ma.fields.UUID(dump_only=True, allow_none=True)
    person_name = ma.fields.String(dump_only=True, allow_none=True)
    due_on = Date(dump_only=True)
    days_left = ma.fields.Integer(dump_only=True, metadata={"description": "due_on − today; negative when overdue"})
    status = ma.fields.String(dump_only=True, validate=validate.OneOf(STATUSES))
    status_label = Label("flag_status", attribute="status")
    raised_on = Date(dump_only=True)
    acknowledged_on = Date(dump_only=True, allow_none=True)
    resolved_on = Date(dump_only=True, allow_none=True)
    assigned_to = ma.fields.UUID(dump_only=True, allow_none=True, metadata={
        "description": "the user who should act; null: the office"})
    assigned_to_name = ma.fields.String(dump_only=True, allow_none=True)
    office = ma.fields.String(dump_only=True, validate=validate.OneOf(OFFICES), metadata={
        "description": "who acts when no user is named"})
    office_label = Label("flag_office", attribute="office")
    version = ma.fields.Integer(dump_only=True)


class WorklistQuerySchema(ma.Schema):
    kind = ma.fields.String(validate=validate.Length(max=40))
    status = ma.fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "default: open and acknowledged"})
    due_before = Date(metadata={"description": "due_on strictly before this date"})
    mine = ma.fields.Boolean(metadata={"description": "true: only the flags assigned to the caller"})
    assigned_to = ma.fields.UUID()


class AcknowledgeSchema(ma.Schema):
    """No fields: a body naming any (a status, a version, another municipality) is refused, not ignored."""


class ReassignSchema(ma.Schema):
    from_user_id = ma.fields.UUID(required=True)
    to_user_id = ma.fields.UUID(required=True)


class HandoverSchema(ma.Schema):
    from_user_id = ma.fields.UUID(dump_only=True)
    to_user_id = ma.fields.UUID(dump_only=True)
    referrals = ma.fields.Integer(dump_only=True, metadata={"description": "open referrals moved"})
    flags = ma.fields.Integer(dump_only=True, metadata={"description": "open and acknowledged flags moved"})
    kept = ma.fields.Integer(dump_only=True, metadata={
        "description": "referrals and flags about persons the new user is barred from, left where they were"})
