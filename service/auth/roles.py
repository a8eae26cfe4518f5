"""The roles (README, "Roles"). A user has exactly one role."""

CASE_OFFICER = "case_officer"
HOUSING_OFFICER = "housing_officer"
COORDINATOR = "coordinator"
PROVIDER = "provider"
PLANNER = "planner"
AUDITOR = "auditor"
ADMIN = "admin"

ALL_ROLES = (CASE_OFFICER, HOUSING_OFFICER, COORDINATOR, PROVIDER, PLANNER, AUDITOR, ADMIN)
