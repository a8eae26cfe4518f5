"""Configuration classes.

One class per environment; the active one is chosen by ``create_app(config_name)``
or the ``TJENESTESPOR_CONFIG`` environment variable (``development`` by default).
Any key can then be overridden by a ``FLASK_<KEY>`` environment variable (Flask's
prefixed-env convention, values parsed as JSON when they can be) and the database
by ``DATABASE_URL``. Nothing environment specific lives in code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the service refuses to start."""


class BaseConfig:
    SECRET_KEY: str | None = None
    DEBUG = False
    TESTING = False

    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'tjenestespor.sqlite3'}"
    # hide_parameters keeps bound values (national ids among them) out of
    # SQLAlchemy's exception messages and therefore out of logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True, "pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # HTTP layer (flask-smorest)
    API_TITLE = "tjenestespor"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    DOCS_UI_ENABLED = True
    MAX_CONTENT_LENGTH = 256 * 1024
    JSON_SORT_KEYS = False

    # Rate limiting (flask-limiter): per user once the request names one (a valid token or web
    # session), per client address before. RATELIMIT_STORAGE_URI is the one store of these counters
    # AND of the login throttle's (LOGIN_THROTTLE_*): memory:// keeps them in the process (one
    # process only); a Redis URL (redis://host:6379/0) shares them between every process and host
    # that serves the service. RATELIMIT_STORAGE_OPTIONS (a dict) goes to the store's client.
    RATELIMIT_ENABLED = True
    RATELIMIT_DEFAULT = "600 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    # Tokens
    TOKEN_TTL_DAYS = 90
    # A live token and a user's per-person blocks are remembered this many seconds per process
    # (service/common/cache.py): the bound within which a revocation or a block made elsewhere
    # reaches every worker. 0: look up every time.
    TOKEN_CACHE_SECONDS = 5

    # People-facing text (service/common/i18n.py): the municipality's written standard,
    # used when the caller asks for no language the catalogue has (bokmål; nn once translated).
    DEFAULT_LOCALE = "nb"

    # Domain
    TIMEZONE = "Europe/Oslo"
    ALLOW_SYNTHETIC_IDS = False
    # Who sees which rows and fields is the access matrix in code (service/auth/matrix.py,
    # docs/security.md), not a setting. A provider keeps seeing a person this many days after
    # the last decision its unit delivered to them ended (the "served" row rule).
    PROVIDER_ACCESS_AFTER_END_DAYS = 90
    # Emergency access ("break the glass", docs/security.md): how long an opening of a person lasts.
    EMERGENCY_ACCESS_HOURS = 8
    # Decisions whose valid_to falls within this many days are "expiring" (docs/cases.md, "Decisions").
    DECISION_EXPIRING_WINDOW_DAYS = 60
    # How long a stored Idempotency-Key answer is replayed before the key may be reused.
    IDEMPOTENCY_TTL_HOURS = 24
    # Individual plans: months from activation to the first evaluation when none is given.
    PLAN_EVALUATION_INTERVAL_MONTHS = 6

    # Housing (docs/housing.md). The risk class is the highest class whose features
    # (cumulative with every lower class) are all recorded and whose minimum
    # staffing the unit has; a unit missing a green feature has no class.
    HOUSING_RISK_RULES = [
        {"class": "green", "features": ["smoke_detector", "fire_extinguisher"]},
        {"class": "yellow", "features": ["enhanced_fire_safety", "water_leak_protection", "stove_guard",
                                         "systematic_supervision"]},
        {"class": "red", "features": ["direct_fire_alarm", "robust_materials", "reinforced_windows_doors",
                                      "concealed_installations", "external_technical_room"],
         "min_staffing": "supervision"},
    ]
    # Unit types acceptable for each need category (docs/housing.md, "Matching").
    HOUSING_ACCEPTABLE_UNIT_TYPES = {
        "ordinary": ["ordinary_rental", "aftercare_flat"],
        "care_home_staffed": ["care_home", "staffed_complex"],
        "robust_supervised": ["ordinary_rental", "staffed_complex"],
        "robust_staff_base": ["staffed_complex"],
        "training_flat": ["training_flat"],
        "aftercare": ["aftercare_flat", "training_flat", "ordinary_rental"],
    }
    # What a need of each category requires when the officer does not say
    # (Kragerø plan section 6.1: the four groups of unmet need).
    HOUSING_CATEGORY_DEFAULTS = {
        "ordinary": {"required_risk_class": "green", "required_staffing": "none"},
        "care_home_staffed": {"required_risk_class": "yellow", "required_staffing": "round_the_clock"},
        "robust_supervised": {"required_risk_class": "red", "required_staffing": "supervision"},
        "robust_staff_base": {"required_risk_class": "red", "required_staffing": "staff_base"},
        "training_flat": {"required_risk_class": "green", "required_staffing": "none",
                          "requires_substance_free": True},
        "aftercare": {"required_risk_class": "green", "required_staffing": "none"},
    }
    # Soft score, term by term. Points are added; see docs/housing.md.
    HOUSING_SCORE_WEIGHTS = {
        "urgency": {"normal": 0, "high": 20, "acute": 40},
        "days_waiting_per_day": 0.1,
        "days_waiting_cap_days": 365,
        "homelessness": {"sleeping_rough": 30, "temporary_accommodation": 25, "institution_release": 20,
                         "with_friends_family": 15, "housed_insecure": 5, "housed": 0},
        "needed_by_max": 15,
        "needed_by_horizon_days": 90,
        "class_fit_exact": 10,
        "class_fit_per_step_over": -15,
        "preferred_area": 5,
    }
    HOUSING_INSPECTION_INTERVAL_MONTHS = 12
    HOUSING_INSPECTION_DUE_DAYS = 30
    HOUSING_CANDIDATES_LIMIT = 100

    # Worklist flags (docs/worklist.md): how far ahead of a deadline each kind is raised. The
    # decision window is DECISION_EXPIRING_WINDOW_DAYS, the inspection window HOUSING_INSPECTION_DUE_DAYS.
    REFERRAL_REPLY_DUE_WITHIN_DAYS = 7
    DECISION_EVALUATION_DUE_WITHIN_DAYS = 14
    APPEAL_PENDING_AFTER_DAYS = 28
    PLAN_EVALUATION_DUE_WITHIN_DAYS = 14
    HOUSING_TENANCY_LIMIT_WARNING_DAYS = 90
    # A provider unit sees a decision it delivers as news this many days after it was decided or ended.
    WORKLIST_PROVIDER_NEWS_DAYS = 14

    # Scheduler
    SCHEDULER_HEARTBEAT_SECONDS = 30
    SCHEDULER_STALE_AFTER_SECONDS = 120
    # When each job runs (APScheduler cron fields, in TIMEZONE); docs/architecture.md, "Scheduler".
    JOBS_SCHEDULE = {
        "deadlines": {"hour": 6, "minute": 0},
        "offers": {"minute": 5},
        "monthly_snapshot": {"day": 1, "hour": 2, "minute": 0},
    }
    # Catch-up after downtime starts no earlier than this date (ISO, e.g. "2027-03-01"; None: the
    # install date, the day of the first job run this database records) and never more than
    # JOBS_CATCH_UP_MAX_DAYS back, so a restored backup does not replay months.
    JOBS_CATCH_UP_FROM: str | None = None
    JOBS_CATCH_UP_MAX_DAYS = 31
    # How many database connections the deadlines job settles a municipality's flag kinds on at
    # once (PostgreSQL; each kind then commits on its own: service/common/lanes.py). 1: one kind
    # after another in one transaction per municipality, as on SQLite, which has one writer.
    JOBS_DEADLINES_LANES = 2

    # Report tables (docs/reports.md): counts from 1 to REPORT_SUPPRESSION_THRESHOLD − 1 are hidden,
    # with secondary suppression so no hidden count can be recomputed from what is published.
    REPORT_SUPPRESSION_THRESHOLD = 5
    # The written standard of the report exports (service/reports/exports: .zip, .csv, .xlsx, .docx),
    # whatever language the downloading client asks for: the text a planner pastes into the municipal
    # plan. "nb" (bokmål); "nn" (nynorsk) once service/translations has a nynorsk catalogue (until then
    # the texts fall back to the English message ids; numbers and dates are Norwegian either way).
    REPORT_LOCALE = "nb"

    LOG_LEVEL = "INFO"

    # Officer web application (service/web; README, "Web application"). Sessions are Flask's signed
    # cookie, HttpOnly and SameSite=Lax, Secure outside development and testing (plain http there);
    # a session ends after WEB_SESSION_IDLE_MINUTES without a request and WEB_SESSION_ABSOLUTE_HOURS
    # after the login, whatever happens in between.
    SESSION_COOKIE_NAME = "tjenestespor_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    WEB_SESSION_IDLE_MINUTES = 30
    WEB_SESSION_ABSOLUTE_HOURS = 10
    # How long the password step waits for the second factor before the user starts over.
    WEB_LOGIN_STEP_MINUTES = 5
    # Development only (production refuses it): log in with the password alone, e.g. for the demo.
    WEB_SKIP_SECOND_FACTOR = False
    # The issuer an authenticator app shows beside the account of a TOTP enrolment.
    TOTP_ISSUER = "tjenestespor"
    # CSRF (Flask-WTF) is checked by the web pages themselves; the API takes bearer tokens, no cookies.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None  # a form's token lives as long as the session it belongs to
    # argon2id parameters of new password hashes (argon2-cffi's defaults, RFC 9106's second choice);
    # a hash made with others is upgraded at the next login.
    PASSWORD_HASH = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
    PASSWORD_MIN_LENGTH = 12
    # Failed logins, per (client address, username): LOGIN_THROTTLE_FREE_ATTEMPTS free, then each
    # further attempt waits LOGIN_THROTTLE_BASE_SECONDS × 2^(failures − free), at most
    # LOGIN_THROTTLE_MAX_SECONDS; the count is forgotten LOGIN_THROTTLE_FORGET_SECONDS after the last
    # failure, or at a successful login. The counters live in the rate limiter's RATELIMIT_STORAGE_URI.
    LOGIN_THROTTLE_FREE_ATTEMPTS = 3
    LOGIN_THROTTLE_BASE_SECONDS = 2
    LOGIN_THROTTLE_MAX_SECONDS = 900
    LOGIN_THROTTLE_FORGET_SECONDS = 86400
    # Reverse proxies in front of the application (nginx: 1) whose X-Forwarded-For and
    # X-Forwarded-Proto are trusted, so that the login throttle and the rate limits see the client's
    # address rather than the proxy's (one shared address would let anyone slow everyone down).
    TRUSTED_PROXIES = 0

    # Login through an OpenID Connect provider (service/auth/oidc.py; README, "Configuration"): the
    # municipality's Entra ID, HelseID, … Off while OIDC_ISSUER is None. The provider proves who the
    # person is; the user must already exist here, active, and their role here decides what opens.
    # OIDC_ISSUER: the issuer URL (its /.well-known/openid-configuration is read) or that document's
    # own URL. OIDC_USERNAME_CLAIM: the ID token claim that is our username; with
    # OIDC_USERNAME_DOMAIN set ("kommune.no") the claim must end in "@kommune.no" and the part
    # before it is the username (Entra ID's preferred_username is the UPN). Two factors: the
    # ID token must carry an acr of OIDC_ACR_VALUES (also asked for in the request) and/or an amr of
    # OIDC_REQUIRED_AMR (e.g. ["mfa"]); production refuses a provider without either unless
    # OIDC_PROVIDER_ENFORCES_TWO_FACTORS says the provider itself always asks for two (Entra ID
    # conditional access). OIDC_REDIRECT_URI: the callback URL registered at the provider (None:
    # this host's /app/login/oidc/callback as the request sees it).
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    # Instead of the secret: a JWK (JSON) or PEM file with the client's private key, RSA or EC; the
    # client then proves itself with a signed JWT (private_key_jwt, RFC 7523), as HelseID requires.
    OIDC_CLIENT_PRIVATE_KEY_FILE: str | None = None
    OIDC_PROVIDER_NAME: str | None = None  # on the button "Log in with …"; None: the issuer's host name
    OIDC_SCOPES = "openid profile"
    OIDC_USERNAME_CLAIM = "preferred_username"
    OIDC_USERNAME_DOMAIN: str | None = None
    OIDC_ACR_VALUES: list[str] = []
    OIDC_REQUIRED_AMR: list[str] = []
    OIDC_PROVIDER_ENFORCES_TWO_FACTORS = False
    OIDC_REDIRECT_URI: str | None = None
    # Seconds the provider's clock may differ from ours (the ID token's exp, iat, nbf), and how long
    # any call to the provider may take before the login is given up.
    OIDC_CLOCK_SKEW_SECONDS = 60
    OIDC_TIMEOUT_SECONDS = 10

    # Audit trail (docs/security.md, "The audit trail cannot be quietly rewritten"). Each event's
    # hash is an HMAC-SHA256 keyed with a secret kept outside the database: AUDIT_HMAC_KEYS maps
    # key ids to secrets (at least 32 characters), AUDIT_HMAC_KEY_FILE names a JSON file of more
    # of them ({"key id": "secret"}), AUDIT_HMAC_KEY_ID is the key new events are signed with.
    # Rotate by adding a key and pointing AUDIT_HMAC_KEY_ID at it; keep the old ones for verify.
    AUDIT_HMAC_KEYS: dict[str, str] = {}
    AUDIT_HMAC_KEY_FILE: str | None = None
    AUDIT_HMAC_KEY_ID: str | None = None
    # Where `flask audit checkpoint` appends signed heads and `audit verify` reads them
    # (a file the database's users cannot write); None: give --checkpoints on the command line.
    AUDIT_CHECKPOINT_FILE: str | None = None
    # Web login's second factor (docs/security.md, "TOTP secrets at rest"): each user's TOTP
    # secret is stored encrypted (Fernet) with a key kept outside the database.
    # TOTP_ENCRYPTION_KEYS lists Fernet keys (`flask user new-totp-key` makes one), newest first:
    # the first encrypts, every one decrypts; TOTP_ENCRYPTION_KEY_FILE names a file of more, one
    # per line. Rotate by putting a new key first and running `flask user rotate-totp-keys`.
    TOTP_ENCRYPTION_KEYS: list[str] = []
    TOTP_ENCRYPTION_KEY_FILE: str | None = None
    # Benchmarks only: a directory where each worker appends how long it held chain-head locks
    # (bench/README.md); None (always in production use) writes nothing.
    AUDIT_LOCK_TIMING_DIR: str | None = None


class DevelopmentConfig(BaseConfig):
    SECRET_KEY = "dev-only-not-secret"
    SESSION_COOKIE_SECURE = False  # the dev server speaks plain http
    ALLOW_SYNTHETIC_IDS = True
    AUDIT_HMAC_KEYS = {"dev": "development-only-audit-key-not-secret"}
    AUDIT_HMAC_KEY_ID = "dev"
    TOTP_ENCRYPTION_KEYS = ["ZGV2ZWxvcG1lbnQtb25seS10b3RwLWtleS0wMDAwMDA="]  # b"development-only-totp-key-000000"


class TestingConfig(BaseConfig):
    SECRET_KEY = "testing-only-not-secret"
    # Off, so that a test that disables a user in the database meets it at once; the cache
    # has tests of its own (tests/auth/test_token_cache.py).
    TOKEN_CACHE_SECONDS = 0
    TESTING = True
    AUDIT_HMAC_KEYS = {"test": "testing-only-audit-key-not-secret"}
    AUDIT_HMAC_KEY_ID = "test"
    TOTP_ENCRYPTION_KEYS = ["dGVzdGluZy1vbmx5LXRvdHAta2V5LTAwMDAwMDAwMDA="]  # b"testing-only-totp-key-0000000000"
    ALLOW_SYNTHETIC_IDS = True
    RATELIMIT_ENABLED = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = False  # the test client and the browser tests' server speak plain http
    # Cheap hashes: the tests log in often; the algorithm and the code path are the same.
    PASSWORD_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


class ProductionConfig(BaseConfig):
    DOCS_UI_ENABLED = False
    SQLALCHEMY_DATABASE_URI = None  # must come from DATABASE_URL
    # Several gunicorn workers (and hosts) must see one count of each limit and each failed login.
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
    # While Redis does not answer, the API's limits count per process rather than failing every
    # request (flask-limiter logs it and goes back to Redis when it answers again).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    @staticmethod
    def validate(config) -> None:
        problems = []
        if not config.get("SECRET_KEY"):
            problems.append("SECRET_KEY is not set (FLASK_SECRET_KEY)")
        if config.get("DEBUG"):
            problems.append("DEBUG must be off in production")
        if config.get("ALLOW_SYNTHETIC_IDS"):
            problems.append("ALLOW_SYNTHETIC_IDS must be off in production")
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            problems.append("DATABASE_URL is not set")
        problems += _audit_key_problems(config)
        problems += _totp_key_problems(config)
        if config.get("WEB_SKIP_SECOND_FACTOR"):
            problems.append("WEB_SKIP_SECOND_FACTOR must be off in production (two factors are required)")
        if not config.get("SESSION_COOKIE_SECURE"):
            problems.append("SESSION_COOKIE_SECURE must be on in production")
        if int(config.get("REPORT_SUPPRESSION_THRESHOLD") or 0) < 2:
            problems.append("REPORT_SUPPRESSION_THRESHOLD must be at least 2")
        lanes = config.get("JOBS_DEADLINES_LANES", 1)
        if isinstance(lanes, bool) or not isinstance(lanes, int) or lanes < 1:
            problems.append("JOBS_DEADLINES_LANES must be a whole number of at least 1")
        problems += _oidc_problems(config)
        if problems:
            raise ConfigError("refusing to start: " + "; ".join(problems))


def _oidc_problems(config) -> list[str]:
    """What production refuses of an OpenID Connect provider: no client, plain http, one factor."""
    if not config.get("OIDC_ISSUER"):
        return []
    problems = []
    if not config.get("OIDC_CLIENT_ID") or not (config.get("OIDC_CLIENT_SECRET")
                                                or config.get("OIDC_CLIENT_PRIVATE_KEY_FILE")):
        problems.append("OIDC_ISSUER is set but OIDC_CLIENT_ID, or both OIDC_CLIENT_SECRET and "
                        "OIDC_CLIENT_PRIVATE_KEY_FILE, are not")
    for key in ("OIDC_ISSUER", "OIDC_REDIRECT_URI"):
        if config.get(key) and not str(config[key]).startswith("https://"):
            problems.append(f"{key} must be an https:// URL in production")
    if not (config.get("OIDC_ACR_VALUES") or config.get("OIDC_REQUIRED_AMR")
            or config.get("OIDC_PROVIDER_ENFORCES_TWO_FACTORS")):
        problems.append("OIDC_ISSUER is set without a two-factor requirement (OIDC_ACR_VALUES or OIDC_REQUIRED_AMR, "
                        "or OIDC_PROVIDER_ENFORCES_TWO_FACTORS when the provider always asks for two)")
    return problems


# The fixed keys of development and testing: known to everyone, so production refuses them.
NON_SECRET_AUDIT_KEYS = frozenset(DevelopmentConfig.AUDIT_HMAC_KEYS.values()) | frozenset(
    TestingConfig.AUDIT_HMAC_KEYS.values())
AUDIT_KEY_MIN_LENGTH = 32


def audit_hmac_keys(config) -> dict[str, str]:
    """Every audit key id and its secret: ``AUDIT_HMAC_KEYS`` and those of ``AUDIT_HMAC_KEY_FILE``.

    The file is a JSON object ``{"key id": "secret"}``; an id in both must have the same secret.
    """
    keys = dict(config.get("AUDIT_HMAC_KEYS") or {})
    path = config.get("AUDIT_HMAC_KEY_FILE")
    if path:
        try:
            from_file = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(f"AUDIT_HMAC_KEY_FILE {path} cannot be read as JSON: {error}") from None
        if not isinstance(from_file, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in from_file.items()):
            raise ConfigError(f"AUDIT_HMAC_KEY_FILE {path} must hold a JSON object of key id -> secret")
        for key_id, secret in from_file.items():
            if keys.get(key_id, secret) != secret:
                raise ConfigError(f"audit key {key_id!r} has different secrets in AUDIT_HMAC_KEYS and {path}")
            keys[key_id] = secret
    return keys


def _audit_key_problems(config) -> list[str]:
    key_id = config.get("AUDIT_HMAC_KEY_ID")
    if not key_id:
        return ["AUDIT_HMAC_KEY_ID is not set (FLASK_AUDIT_HMAC_KEY_ID, with its secret in "
                "FLASK_AUDIT_HMAC_KEYS or AUDIT_HMAC_KEY_FILE)"]
    secret = audit_hmac_keys(config).get(key_id)
    if not secret:
        return [f"audit key {key_id!r} (AUDIT_HMAC_KEY_ID) has no secret in AUDIT_HMAC_KEYS or AUDIT_HMAC_KEY_FILE"]
    if secret in NON_SECRET_AUDIT_KEYS:
        return [f"audit key {key_id!r} is the published development/testing key"]
    if len(secret) < AUDIT_KEY_MIN_LENGTH:
        return [f"audit key {key_id!r} is shorter than {AUDIT_KEY_MIN_LENGTH} characters"]
    return []


NON_SECRET_TOTP_KEYS = frozenset(DevelopmentConfig.TOTP_ENCRYPTION_KEYS + TestingConfig.TOTP_ENCRYPTION_KEYS)


def totp_encryption_keys(config) -> list[str]:
    """The TOTP secrets' keys, newest first: ``TOTP_ENCRYPTION_KEYS``, then the lines of
    ``TOTP_ENCRYPTION_KEY_FILE`` (blank lines and lines starting with ``#`` left out)."""
    keys = config.get("TOTP_ENCRYPTION_KEYS") or []
    if isinstance(keys, str):  # one key given as plain text rather than a JSON list
        keys = [keys]
    keys = [str(key).strip() for key in keys]
    path = config.get("TOTP_ENCRYPTION_KEY_FILE")
    if path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ConfigError(f"TOTP_ENCRYPTION_KEY_FILE {path} cannot be read: {error.strerror}") from None
        keys += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return list(dict.fromkeys(key for key in keys if key))


def totp_key_problems(keys: list[str]) -> list[str]:
    """What is wrong with ``keys`` as Fernet keys (each named by its place, never shown)."""
    from cryptography.fernet import Fernet

    problems = []
    for place, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(f"TOTP encryption key {place} is not a Fernet key (32 bytes, URL-safe base64; "
                            "`flask user new-totp-key` makes one)")
    return problems


def _totp_key_problems(config) -> list[str]:
    keys = totp_encryption_keys(config)
    if not keys:
        return ["TOTP_ENCRYPTION_KEYS is not set (FLASK_TOTP_ENCRYPTION_KEYS or TOTP_ENCRYPTION_KEY_FILE): "
                "the second factor's secrets are stored encrypted"]
    if NON_SECRET_TOTP_KEYS & set(keys):
        return ["a TOTP encryption key is the published development/testing key"]
    return totp_key_problems(keys)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class(name: str | None):
    name = name or os.environ.get("TJENESTESPOR_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"unknown configuration {name!r}; choose one of {sorted(CONFIGS)}") from None


def normalise_database_url(url: str) -> str:
    """Let operators paste the usual ``postgres://`` URL; SQLAlchemy wants a driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
