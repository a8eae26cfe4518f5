"""The pure parts of the benchmark harness (bench/harness): no PostgreSQL, no wrk, no servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.harness import report, system
from bench.harness.__main__ import RESULTS, output_path
from bench.harness.api import Target
from bench.harness.stats import (
    LockSample,
    WrkResult,
    fmt_number,
    fmt_ratio,
    median,
    parse_lock_log,
    parse_proc_stat,
    parse_wrk_output,
    percentile,
    ratio,
)

WRK_STDOUT = """Running 10s test @ http://127.0.0.1:8000
  2 threads and 32 connections
  Latency Distribution
     50%   12.00ms
BENCH_JSON {"requests": 5000, "non_2xx": 3, "first_bad_status": 409, "duration_us": 10000000, \
"errors": {"connect": 0, "read": 2, "write": 0, "status": 3, "timeout": 1}, \
"latency_us": {"p50": 12000, "p95": 30500, "p99": 41000, "max": 90000}}
"""


def test_wrk_json_line_becomes_milliseconds_rates_and_errors():
    result = parse_wrk_output(WRK_STDOUT)
    assert result.requests == 5000
    assert result.requests_per_second == 500
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (12.0, 30.5, 41.0)
    # non-2xx from the script's own count; socket errors are connect + read + write + timeout
    # (wrk's "status" counter is the >= 400 subset of the non-2xx ones, not added twice).
    assert result.non_2xx == 3 and result.socket_errors == 3 and result.errors == 6


def test_wrk_output_without_the_script_line_is_refused():
    with pytest.raises(ValueError, match="BENCH_JSON"):
        parse_wrk_output("Running 10s test @ http://127.0.0.1:8000\n")


def test_proc_stat_line_with_spaces_and_parentheses_in_the_command():
    line = "4242 (gunicorn: worker (app)) S 4200 4200 4200 0 -1 4194560 9000 0 0 0 150 50 0 0 20 0 1 0 900 1 2"
    stat = parse_proc_stat(line)
    assert (stat.pid, stat.comm, stat.ppid, stat.cpu_ticks) == (4242, "gunicorn: worker (app)", 4200, 200)


def test_cpu_time_counts_only_processes_seen_at_both_samples():
    before = {1: 100, 2: 50}
    after = {1: 150, 3: 999}  # 2 ended, 3 started: neither is counted
    assert system.cpu_ms_between(before, after) == 50 * 1000 / system.CLOCK_TICKS


def test_median_and_nearest_rank_percentile():
    assert median([4, 1, 100, 3, 2]) == 3
    assert median([1, 2, 3, 10]) == 2.5
    assert percentile([4, 1, 100, 3, 2], 0.95) == 100   # rank ceil(4.75) = 5
    assert percentile([1, 2, 3, 4], 0.5) == 2            # rank 2
    assert percentile(list(range(1, 101)), 0.95) == 95
    with pytest.raises(ValueError):
        median([])


@pytest.mark.parametrize(("value", "text"), [
    (1234.6, "1,235"), (100, "100"), (12.345, "12.3"), (1.2345, "1.23"), (0.012345, "0.0123"), (0, "0"),
    (None, "–"), (float("nan"), "–"),
])
def test_numbers_have_three_significant_figures_at_most(value, text):
    assert fmt_number(value) == text


def test_ratio_and_its_text():
    assert ratio(30, 12) == 2.5 and fmt_ratio(ratio(30, 12)) == "×2.50"
    assert ratio(3, 0) is None and ratio(None, 2) is None and fmt_ratio(None) == "–"


@pytest.mark.parametrize(("scale", "only", "smoke", "name"), [
    ("tiny", None, True, "smoke.md"),
    ("large", None, False, "latest.md"),
    ("municipal", None, False, "municipal.md"),
    ("large", "housing", False, "latest-only-housing.md"),
])
def test_results_file_a_run_writes(scale, only, smoke, name):
    assert output_path(scale, only, smoke) == RESULTS / name


def _target(name, rps_runs, *, baseline=False, non_2xx=0, cpu=1.0):
    target = Target(name, "baseline" if baseline else "app", "GET", "/x/{id}", Path("ids"), baseline=baseline)
    for rps in rps_runs:
        target.runs.append(WrkResult(requests=int(rps * 10), non_2xx=non_2xx, socket_errors=0, duration_s=10,
                                     p50_ms=1000 / rps, p95_ms=2000 / rps, p99_ms=3000 / rps))
        target.cpu_ms.append(cpu)
        target.db_cpu_ms.append(float("nan"))
        target.other_cores.append(0.1)
    return target


def test_api_results_give_medians_ratios_to_the_baselines_and_flag_errors():
    targets = [
        _target("GET /persons/{id}", [100, 300, 200], cpu=6.0),
        _target("POST /decisions", [50, 50, 50], non_2xx=2, cpu=12.0),
        _target("baseline (a): select", [1000, 1000, 1000], baseline=True, cpu=1.0),
        _target("baseline (b): audited", [800, 800, 800], baseline=True, cpu=2.0),
        _target("baseline (c): locked", [400, 400, 400], baseline=True, cpu=3.0),
    ]
    lines, flagged = report.api_section({"targets": targets, "connections": 32, "wrk_threads": 2, "rounds": 3,
                                         "seconds": 10, "warmup_seconds": 3, "gunicorn": "-c conf MODULE:app",
                                         "decision_body": "{}"})
    text = "\n".join(lines)
    assert flagged == ["POST /decisions"]
    # median 200 req/s, p50 of that run 5 ms; 6 CPU ms/request; no errors in 6,000 requests
    assert "| GET /persons/{id} | 200 | 5.00 | 10.0 | 15.0 | 6.00 | – | 0 of 6,000 | 0.100 |" in text
    # 200 ÷ 400 req/s, 5 ÷ 2.5 ms; CPU 6 ÷ 1, 2, 3
    assert "| GET /persons/{id} | ×0.500 | ×2.00 | ×2.00 | ×6.00 | ×3.00 | ×2.00 |" in text
    assert "| ⚠ POST /decisions | 50.0 |" in text
    assert "POST /decisions: 6 answers outside 2xx" in text


def test_lock_timing_lines_are_parsed_and_a_torn_last_line_is_skipped():
    text = "1700000000.5 0.120 2.500 9.000 1\n1700000001.25 3.000 4.000 20.500 50\n1700000002.0 0.1"
    assert parse_lock_log(text) == [LockSample(1700000000.5, 0.12, 2.5, 9.0, 1),
                                    LockSample(1700000001.25, 3.0, 4.0, 20.5, 50)]


def test_lock_figures_are_medians_and_p95_per_app_target_and_verify_is_reported():
    app = _target("GET /persons/{id}", [100, 100, 100])
    # held 1..20 ms, wait 0.1 ms, first event -> commit 10x held; 1 event per commit
    app.locks = [LockSample(0, 0.1, float(ms), float(ms * 10), 1) for ms in range(1, 21)]
    baseline = _target("baseline (c): locked", [400, 400, 400], baseline=True)
    result = {"targets": [app, baseline], "connections": 32, "wrk_threads": 2, "rounds": 3, "seconds": 10,
              "warmup_seconds": 3, "gunicorn": "-c conf MODULE:app", "decision_body": "{}",
              "audit_verify": {"ok": True, "line": "ok: 123 audit row(s) verified, no checkpoint file"}}
    lines, flagged = report.api_section(result)
    text = "\n".join(lines)
    # median of 1..20 = 10.5, nearest-rank p95 = 19; span 105 and 190
    assert "| GET /persons/{id} | 20 | 10.5 | 19.0 | 0.100 | 0.100 | 105 | 190 | 1.00 |" in text
    assert "baseline (c)" not in text.split("### Chain-head lock")[1].split("audit verify")[0]
    assert "after the load: passed (`ok: 123 audit row(s) verified, no checkpoint file`)" in text
    assert flagged == []

    result["audit_verify"] = {"ok": False, "line": "BROKEN after 5 row(s): …"}
    lines, flagged = report.api_section(result)
    assert "after the load: **FAILED**" in "\n".join(lines) and flagged == ["audit verify"]


def test_the_attacks_on_the_chain_after_the_load_are_reported_and_one_not_caught_flags_the_run():
    from bench.harness.tampering import Step

    app = _target("GET /persons/{id}", [100, 100, 100])
    baseline = _target("baseline (c): locked", [400, 400, 400], baseline=True)
    result = {"targets": [app, baseline], "connections": 32, "wrk_threads": 2, "rounds": 3, "seconds": 10,
              "warmup_seconds": 3, "gunicorn": "-c conf MODULE:app", "decision_body": "{}",
              "audit_verify": {"ok": True, "line": "ok: 9 audit row(s) verified, no checkpoint file"},
              "tampering": [Step("(i) head rolled back", "fails, naming the checkpoint", True,
                                 "BROKEN after 9 row(s): checkpoint WORKDIR/c.jsonl line 1: …"),
                            Step("(ii) row rewritten", "fails, naming row seq=3", False, "ok: 9 audit row(s) verified")]}
    lines, flagged = report.api_section(result)
    text = "\n".join(lines)
    assert ("| (i) head rolled back | fails, naming the checkpoint | yes | "
            "`BROKEN after 9 row(s): checkpoint WORKDIR/c.jsonl line 1: …` |") in text
    assert "| (ii) row rewritten | fails, naming row seq=3 | **NO** | `ok: 9 audit row(s) verified` |" in text
    assert flagged == ["audit tampering: (ii) row rewritten"]


def test_the_deadlines_job_figures_are_medians_beside_the_replayed_sql():
    from bench.harness.stats import Figure

    first = Figure("`deadlines`, first run of the day (every flag raised)", "its SQL replayed raw",
                   samples_ms=[900, 1100, 1000], baseline_ms=[400, 500, 450], target="< 2,000 ms",
                   note="3 flags raised (decision_expiring 3)")
    scheduled = Figure("`deadlines`, scheduled second run of the same day (the ledger: a no-op)", "—",
                       samples_ms=[5, 7, 6], target="< 500 ms")
    text = "\n".join(report.jobs_section({"figures": [first, scheduled], "expected": 3, "as_of": "2026-03-03"}))
    assert "exactly the 3 open deadline conditions" in text
    # median 1,000 ms against the SQL's 450 ms: ×2.22; the ledger's no-op has no baseline
    assert "| `deadlines`, first run of the day (every flag raised) | 1,000 | 1,100 | < 2,000 ms | " \
           "its SQL replayed raw | 450 | ×2.22 | 3 |" in text
    assert "| 6.00 | 7.00 | < 500 ms | — | – | – | 3 |" in text
    assert "- first run of the day (every flag raised): 3 flags raised (decision_expiring 3)." in text
