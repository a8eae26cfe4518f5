"""Benchmarks (not part of the test suite): ``./scripts/bench`` runs ``bench.harness``."""
