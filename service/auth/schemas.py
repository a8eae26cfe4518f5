import marshmallow as ma

from service.auth.roles import ALL_ROLES
from service.common.fields import Derived, Integer
from service.common.i18n import N_
from service.provider_units.models import NAME_MAX


class MeSchema(ma.Schema):
    id = ma.fields.UUID()
    username = ma.fields.String()
    display_name = ma.fields.String(allow_none=True)
    role = ma.fields.String()
    provider_unit_id = ma.fields.UUID(allow_none=True)
    provider_unit = Derived(lambda u: u.provider_unit.name if u.provider_unit else None,
                            metadata={"type": "string", "nullable": True,
                                      "description": "the provider unit's name"})
    municipality_number = Derived(lambda u: u.municipality.number)
    municipality_name = Derived(lambda u: u.municipality.name)


class UserSchema(ma.Schema):
    """A colleague as others see them: never tokens, never credentials."""

    id = ma.fields.UUID(dump_only=True)
    username = ma.fields.String(dump_only=True)
    display_name = ma.fields.String(dump_only=True, allow_none=True)
    role = ma.fields.String(dump_only=True)
    disabled = Derived(lambda u: u.disabled_at is not None, dump_only=True,
                       metadata={"type": "boolean"})


class UserQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    role = ma.fields.String(validate=ma.validate.OneOf(ALL_ROLES))
    active = ma.fields.Boolean(metadata={"description": "true: only users who can log in; "
                                                        "false: only disabled users"})


# --- the administrator's forms (service/web/admin) -------------------------------------------

class UserAdminSchema(UserSchema):
    """A user as the administrator sees them: whether they can log in and have a second factor,
    never a secret (the password's hash, the TOTP secret, a token)."""

    provider_unit = Derived(lambda u: u.provider_unit.name if u.provider_unit else None, dump_only=True,
                            metadata={"type": "string", "nullable": True})
    disabled_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    has_password = Derived(lambda u: u.password_hash is not None, dump_only=True,
                           metadata={"type": "boolean"})
    password_changed_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    password_must_change = ma.fields.Boolean(dump_only=True, metadata={
        "description": "set by someone else: the user chooses their own at the next login"})
    has_second_factor = Derived(lambda u: u.totp_secret is not None, dump_only=True,
                                metadata={"type": "boolean"})
    second_factor_enrolled_at = ma.fields.DateTime(attribute="totp_enrolled_at", dump_only=True, allow_none=True)


class UserCreateSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Regexp(
        r"^[a-z0-9][a-z0-9._-]{1,79}$", error=N_("use 2-80 lower-case letters, digits, '.', '_' or '-'")))
    display_name = ma.fields.String(validate=ma.validate.Length(min=1, max=160))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ALL_ROLES))
    provider_unit = ma.fields.String(validate=ma.validate.Length(min=1, max=NAME_MAX), metadata={
        "description": "the name of a unit in the municipality's register; required for a provider"})


class PasswordSchema(ma.Schema):
    """A new password, typed twice (as ``user set-password`` asks at a prompt); its rules are the
    service's (service/auth/login.py)."""

    password = ma.fields.String(required=True)
    password_again = ma.fields.String(required=True)

    @ma.validates_schema
    def _same(self, data, **_kwargs):
        if "password" in data and "password_again" in data and data["password"] != data["password_again"]:
            raise ma.ValidationError(N_("the two passwords are not the same"), "password_again")


class TokenIssueSchema(ma.Schema):
    ttl_days = Integer(validate=ma.validate.Range(min=1, max=3660), metadata={
        "description": "lifetime in days; default TOKEN_TTL_DAYS"})
