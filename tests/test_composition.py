"""Features contribute only through their ``init_app``, called by ``create_app``: importing changes nothing."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

import pytest
from flask import Flask

import service
from service.auth import matrix
from service.catalogue.services import seed_new_municipality
from service.common import contributions
from service.common.contributions import Contributions
from service.decisions.loading import housing_service_decisions, provider_person_scope, served_decisions
from service.decisions.signals import decision_decided
from service.housing.needs import need_linked_decisions
from service.plans.rules import own_plans, plan_linked_decisions
from service.plans.services import coordinator_person_scope, on_decision_decided
from service.worklist.services import worklist_rows

# The access matrix's named row rules and the features' clauses for them.
ROW_RULES = {
    (matrix.PERSON, matrix.SERVED): [provider_person_scope],
    (matrix.DECISION, matrix.SERVED): [served_decisions],
    (matrix.DECISION, matrix.HOUSING_RELATED): [housing_service_decisions, need_linked_decisions],
    (matrix.PERSON, matrix.COORDINATED): [coordinator_person_scope],
    (matrix.PLAN, matrix.OWN_PLANS): [own_plans],
    (matrix.DECISION, matrix.PLAN_LINKED): [plan_linked_decisions],
    (matrix.FLAG, matrix.WORKLIST): [worklist_rows],
}


def _import_every_module() -> list:
    return [importlib.import_module(info.name)
            for info in pkgutil.walk_packages(service.__path__, prefix="service.")]


def _feature_packages() -> set[str]:
    return {f"service.{info.name}" for info in pkgutil.iter_modules(service.__path__)
            if info.ispkg and info.name != "common"}


def test_importing_every_module_contributes_nothing():
    modules = _import_every_module()
    fresh = Flask("fresh")

    assert contributions.EXTENSION not in fresh.extensions
    # Nothing is connected at import: no receiver for every sender, none for a new app.
    assert not decision_decided.has_receivers_for(fresh)
    with fresh.app_context(), pytest.raises(RuntimeError):
        contributions.current()
    # No module keeps a registry of its own.
    held = [m.__name__ for m in modules for value in vars(m).values() if isinstance(value, Contributions)]
    assert held == []


def test_the_module_level_registries_are_gone():
    from service.auth import services as auth_services
    from service.catalogue import services as catalogue_services
    from service.decisions import services as decision_services
    from service.persons import access
    from service.referrals import services as referral_services

    assert importlib.util.find_spec("service.persons.overview") is None
    assert importlib.util.find_spec("service.housing.overview") is None
    for module, name in ((access, "_SCOPES"), (access, "register_person_scope"),
                         (auth_services, "_MUNICIPALITY_INITIALIZERS"),
                         (auth_services, "register_municipality_initializer"),
                         (catalogue_services, "_register"), (decision_services, "_register"),
                         (referral_services, "_register")):
        assert not hasattr(module, name), f"{module.__name__}.{name} still exists"


def test_create_app_initialises_every_feature_package_once():
    listed = [feature.__name__ for feature in service.FEATURES]
    assert sorted(listed) == sorted(_feature_packages())
    assert len(listed) == len(set(listed))
    assert all(callable(feature.init_app) for feature in service.FEATURES)


def test_init_app_contributes_to_that_app_only():
    one, other = Flask("one"), Flask("other")
    for feature in service.FEATURES:
        feature.init_app(one)

    registry = contributions.for_app(one)
    assert registry.row_rules == ROW_RULES
    assert registry.municipality_initializers == [seed_new_municipality]
    assert list(decision_decided.receivers_for(one)) == [on_decision_decided]
    assert contributions.EXTENSION not in other.extensions
    assert not decision_decided.has_receivers_for(other)


def test_every_named_row_rule_of_the_matrix_has_a_clause(app):
    """A rule the matrix names but no feature contributes would show its rows to nobody."""
    registry = app.extensions[contributions.EXTENSION]
    named = {(res.name, rule) for res in matrix.MATRIX.values() for rule in res.rows.values()
             if rule not in (matrix.ALL, matrix.OF_VISIBLE_PERSONS)}
    assert named == set(ROW_RULES)
    assert all(registry.row_rules_for(*key) for key in named)


def test_create_app_registers_the_features_contributions(app):
    registry = app.extensions[contributions.EXTENSION]
    for key, builders in ROW_RULES.items():
        assert registry.row_rules_for(*key) == builders
    assert seed_new_municipality in registry.municipality_initializers
    assert on_decision_decided in list(decision_decided.receivers_for(app))


def test_a_contribution_is_registered_once():
    registry = Contributions()
    registry.add_row_rule(matrix.PERSON, matrix.COORDINATED, coordinator_person_scope)
    registry.add_row_rule(matrix.PERSON, matrix.COORDINATED, coordinator_person_scope)
    registry.add_municipality_initializer(seed_new_municipality)
    registry.add_municipality_initializer(seed_new_municipality)
    assert registry.row_rules_for(matrix.PERSON, matrix.COORDINATED) == [coordinator_person_scope]
    assert registry.municipality_initializers == [seed_new_municipality]
    registry.add_labels({"risk_class": {"green": "Green"}})
    with pytest.raises(ValueError):
        registry.add_labels({"risk_class": {"green": "Green"}})


def test_test_folders_mirror_the_service_packages():
    """A feature's tests are in tests/<feature>/; only the suites that cross every feature
    (security, migrations, fuzz, robustness) and the benchmark harness's own (bench, mirroring
    the top-level bench/) have folders of their own."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    packages = {p.parent.name for p in (root / "service").glob("*/__init__.py")}
    folders = {p.name for p in (root / "tests").iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    cross_cutting = {"security", "migrations", "fuzz", "robustness", "bench"}
    assert folders - cross_cutting <= packages, f"not a service package: {sorted(folders - cross_cutting - packages)}"
    with_routes = {p.parent.name for p in (root / "service").glob("*/routes.py")}
    assert with_routes <= folders, f"features without tests: {sorted(with_routes - folders)}"


def test_importing_registers_no_database_events():
    """The SQLite and municipality-scope listeners are installed by create_app, not by an import
    (checked in a fresh interpreter: this one has built apps already)."""
    import subprocess
    import sys

    code = """
import importlib, pkgutil
import service
for info in pkgutil.walk_packages(service.__path__, prefix="service."):
    importlib.import_module(info.name)
from sqlalchemy import event
from sqlalchemy.engine import Engine
from service.common import sqlite, tenancy
from service.extensions import AppSession
before = [event.contains(Engine, "connect", sqlite._sqlite_on_connect),
          event.contains(Engine, "begin", sqlite._sqlite_begin_immediate),
          event.contains(AppSession, "do_orm_execute", tenancy._scope_to_municipality)]
service.create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
after = [event.contains(Engine, "connect", sqlite._sqlite_on_connect),
         event.contains(Engine, "begin", sqlite._sqlite_begin_immediate),
         event.contains(AppSession, "do_orm_execute", tenancy._scope_to_municipality)]
print(before, after)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[False, False, False] [True, True, True]"
