"""Imports every model so the metadata is complete (Alembic, tests)."""

from service.audit.models import AuditChainHead, AuditEvent  # noqa: F401
from service.audit.review_models import AuditReview  # noqa: F401
from service.auth.models import ApiToken, Municipality, User  # noqa: F401
from service.catalogue.models import LegalBasis, ServiceType  # noqa: F401
from service.common.idempotency import IdempotencyKey  # noqa: F401
from service.decisions.models import Appeal, Decision  # noqa: F401
from service.housing.models import (  # noqa: F401
    HousingEvent,
    HousingInspection,
    HousingNeed,
    HousingNeedHistory,
    HousingOffer,
    HousingUnit,
    HousingUnitHistory,
    Tenancy,
)
from service.jobs.models import JobRun, SchedulerHeartbeat  # noqa: F401
from service.persons.models import EmergencyAccess, Person, PersonBlock  # noqa: F401
from service.plans.models import (  # noqa: F401
    IndividualPlan,
    PlanEvaluation,
    PlanGoal,
    PlanHistory,
    PlanMeasure,
    PlanMember,
)
from service.provider_units.models import ProviderUnit  # noqa: F401
from service.referrals.models import Referral  # noqa: F401
from service.reports.models import Snapshot  # noqa: F401
from service.worklist.models import Flag  # noqa: F401
