"""The district benchmark at its smoke size: proves `bench.run --cluster` works, says nothing about speed.

`python3 -m bench.run --quick --cluster 2` runs the `classes` scenario on one SQLite worker, then
through Debian's HAProxy on two workers each on its own SQLite file, then through it on two workers
sharing a throwaway PostgreSQL (the helpers of tests/cluster), times a console's view through the
proxy and directly, and kills a worker with SIGKILL mid-vote. This test checks that every figure
is there and that nothing was lost: every pupil joined, every view and acknowledgement arrived,
every phone of the killed worker's classes came back to its own seat and every acknowledged vote
is in the journal once. The goals (CPU ratio, latency, balance, takeover time) are the
benchmark's report, not assertions here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]


def test_bench_quick_cluster_reports_every_figure(tmp_path):
    out = tmp_path / "cluster.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--cluster", "2", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))

    assert [r["server"] for r in report["runs"]] == ["kit-sqlite", "kit-sqlite-cluster-2", "kit-cluster-2"]
    for run in report["runs"]:
        assert run["completed"], (run["server"], run.get("error"))
        assert run["joined"] == run["pupils"] > 0 and run["dropped"] == 0, run["server"]
        assert run["missing_views"] == 0 and not run["failures"], (run["server"], run["failures"])
        assert set(run["phases"]) == {"join", "setup", "rounds"}
        for phase in run["phases"].values():
            assert phase["actions"] > 0 and phase["server_cpu_s"] > 0
    for phase in report["runs"][1]["phases"].values():  # the same two workers on SQLite: no PostgreSQL
        assert "postgres_cpu_s" not in phase
        for key in ("haproxy_cpu_s", "worker_w1_cpu_s", "worker_w2_cpu_s"):
            assert key in phase, key
    for phase in report["runs"][2]["phases"].values():
        for key in ("postgres_cpu_s", "haproxy_cpu_s", "worker_w1_cpu_s", "worker_w2_cpu_s"):
            assert key in phase, key

    cluster = report["cluster"]
    assert cluster["workers"] == 2 and set(cluster["pinning"]) >= {"reference", "w1", "w2"}
    cpu = cluster["cpu"]
    for key in ("reference_us_per_action", "sqlite_workers_us_per_action", "workers_us_per_action"):
        assert cpu[key] > 0, key
    assert cpu["postgres_us_per_action"] > 0
    for key in (
        "workers_vs_sqlite_workers_per_action",
        "sqlite_workers_vs_reference_per_action",
        "workers_vs_reference_per_action",
    ):
        assert cpu[key] > 0, key
    latency = cluster["latency"]
    assert latency["through_proxy"]["n"] == latency["direct_to_owner"]["n"] > 0
    assert latency["added"]["p95_ms"] is not None
    balance = cluster["balance"]
    assert sum(balance["sessions_per_worker"].values()) == balance["sessions"] == 3
    takeover = cluster["takeover"]
    assert takeover["not_joined"] == 0 and takeover["victim_phones"] > 0
    assert takeover["back"] == takeover["victim_phones"] and takeover["wrong_seat"] == 0
    assert takeover["all_back_s"] is not None and takeover["marked_down_s"] is not None
    assert takeover["acked_before_kill"] > 0 and takeover["lost_acked"] == 0 and takeover["applied_twice"] == 0
    assert takeover["journal_rows"] == takeover["votes_sent"] == takeover["pupils"]
    assert takeover["resent"]["failed"] == 0

    names = [t["target"] for t in report["targets"]]
    assert sum("cluster of 2" in name for name in names) == 6  # the five goals and one figure beside them
