import marshmallow as ma
from marshmallow import validate

from service.audit.models import ACTIONS, ACTOR_ROLES, OBJECT_TYPES, OUTCOMES
from service.common.fields import Label


class AuditEventSchema(ma.Schema):
    """One event. The codes (``action``, ``object_type``, ``outcome``, ``role``) are for
    filtering; each ``…_label`` is its label in the caller's language, for people."""

    id = ma.fields.UUID(dump_only=True)
    seq = ma.fields.Integer(dump_only=True)
    at = ma.fields.DateTime(dump_only=True)
    actor_id = ma.fields.UUID(dump_only=True, allow_none=True)
    actor_name = ma.fields.String(dump_only=True, allow_none=True,
                                  metadata={"description": "The actor's display name, else username; "
                                                           "null for system actions"})
    # Every event has a role (``record`` writes "system" when there is no user), so the
    # enum is all strings and the labels test covers it.
    role = ma.fields.String(dump_only=True, validate=validate.OneOf(ACTOR_ROLES),
                            metadata={"description": "The actor's role; system for jobs, the CLI and seeding"})
    role_label = Label("audit_role", attribute="role",
                       metadata={"description": "The role's label (label domain audit_role)"})
    action = ma.fields.String(dump_only=True, validate=validate.OneOf(ACTIONS))
    action_label = Label("audit_action", attribute="action",
                         metadata={"description": "The action's label (label domain audit_action)"})
    object_type = ma.fields.String(dump_only=True, validate=validate.OneOf(OBJECT_TYPES))
    object_label = Label("audit_object_type", attribute="object_type",
                         metadata={"description": "The object type's label (label domain audit_object_type)"})
    object_id = ma.fields.String(dump_only=True, allow_none=True)
    person_id = ma.fields.UUID(dump_only=True, allow_none=True)
    request_id = ma.fields.String(dump_only=True, allow_none=True)
    outcome = ma.fields.String(dump_only=True, validate=validate.OneOf(OUTCOMES))
    outcome_label = Label("audit_outcome", attribute="outcome",
                          metadata={"description": "The outcome's label (label domain audit_outcome)"})
    detail = ma.fields.String(dump_only=True, allow_none=True)
    hash = ma.fields.String(dump_only=True)


class AuditQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    actor_id = ma.fields.UUID()
    person_id = ma.fields.UUID()
    action = ma.fields.String(validate=validate.OneOf(ACTIONS))
    object_type = ma.fields.String()
    object_id = ma.fields.String()
    outcome = ma.fields.String()
    request_id = ma.fields.String()
    at_from = ma.fields.AwareDateTime(default_timezone=None)
    at_to = ma.fields.AwareDateTime(default_timezone=None)
