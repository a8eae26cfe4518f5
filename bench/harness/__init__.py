"""The benchmark harness behind ``./scripts/bench`` (bench/README.md)."""
