"""Configuration classes.

One class per environment; the active one is chosen by ``create_app(config_name)``
or the ``TJENESTESPOR_CONFIG`` environment variable (``development`` by default).
Any key can then be overridden by a ``FLASK_<KEY>`` environment variable (Flask's
prefixed-env convention, values parsed as JSON when they can be) and the database
by ``DATABASE_URL``. Nothing environment specific lives in code.
"""

from __future__ import annotations

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

    # Rate limiting (flask-limiter); per token, or per address when anonymous.
    RATELIMIT_ENABLED = True
    RATELIMIT_DEFAULT = "600 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    # Tokens
    TOKEN_TTL_DAYS = 90

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

    # Scheduler
    SCHEDULER_HEARTBEAT_SECONDS = 30
    SCHEDULER_STALE_AFTER_SECONDS = 120

    LOG_LEVEL = "INFO"


class DevelopmentConfig(BaseConfig):
    SECRET_KEY = "dev-only-not-secret"
    ALLOW_SYNTHETIC_IDS = True


class TestingConfig(BaseConfig):
    SECRET_KEY = "testing-only-not-secret"
    TESTING = True
    ALLOW_SYNTHETIC_IDS = True
    RATELIMIT_ENABLED = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"


class ProductionConfig(BaseConfig):
    DOCS_UI_ENABLED = False
    SQLALCHEMY_DATABASE_URI = None  # must come from DATABASE_URL

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
        if problems:
            raise ConfigError("refusing to start: " + "; ".join(problems))


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
