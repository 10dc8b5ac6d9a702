"""The load benchmark at its smoke size: proves bench/ works, says nothing about speed.

`python3 -m bench.run --quick` starts the real kit (eventlet) and the bare Flask-SocketIO
baseline as their own processes, drives a few dozen simulated phones through every scenario
and writes its JSON report; this test checks that every pupil joined, every view and every
acknowledgement arrived, nobody was dropped, and the report has every field.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PHASES = {
    "big": ("join", "goto", "vote", "reveal", "reconnect"),
    "classes": ("join", "setup", "rounds"),
}
PHASE_FIELDS = (
    "wall_s",
    "actions",
    "messages",
    "bytes",
    "events",
    "server_cpu_s",
    "server_cpu_per_msg_us",
    "server_cpu_per_action_us",
    "loadgen_cpu_s",
    "listen_overflows",
)


def test_bench_quick_runs_every_scenario(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--quick",
            "--scenario",
            "all",
            "--async-mode",
            "eventlet",
            "--baseline",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))

    for key in ("machine", "versions", "pinned", "command", "settings", "runs", "targets", "table"):
        assert key in report, key
    runs = report["runs"]
    assert {(r["scenario"], r["server"]) for r in runs} == {
        ("big", "kit"),
        ("big", "baseline"),
        ("classes", "kit"),
        ("classes", "baseline"),
    }

    for run in runs:
        where = f"{run['scenario']}/{run['server']}"
        assert run["completed"], (where, run.get("error"), run.get("server_log"))
        assert run["joined"] == run["pupils"] > 0, where
        assert run["dropped"] == 0, where
        phases = run["phases"]
        assert set(phases) == set(PHASES[run["scenario"]]), where
        for name, phase in phases.items():
            for field in PHASE_FIELDS:
                assert field in phase, (where, name, field)
            assert phase["messages"] > 0, (where, name)
        assert run["memory"]["kb_per_pupil"] is not None, where
        if run["scenario"] == "big":
            n = run["pupils"]
            assert phases["join"]["joined"] == n and not phases["join"]["errors"], where
            assert phases["reconnect"]["joined"] == n and not phases["reconnect"]["errors"], where
            for name in ("goto", "reveal"):
                assert phases[name]["ok"] and phases[name]["missing"] == 0, (where, name)
                assert phases[name]["n"] == n and phases[name]["p95_ms"] is not None, (where, name)
            vote = phases["vote"]
            assert vote["sent"] == vote["acked_ok"] == n and vote["unanswered"] == 0, where
            assert vote["all_acked_s"] is not None, where
        else:
            assert run["missing_views"] == 0 and not run["failures"], (where, run["failures"])
            rounds = phases["rounds"]
            assert rounds["rounds"] > 0 and rounds["votes"] > 0, where
            for field in ("vote_ack", "deal_view", "reveal_view"):
                assert rounds[field]["p95_ms"] is not None, (where, field)
        if run["server"] == "kit":
            overall = run["ratio"]["overall"]
            assert overall["per_msg"] > 0 and overall["per_action"] > 0, where

    targets = report["targets"]
    assert targets and all({"target", "pupils", "figure", "limit", "pass"} <= set(t) for t in targets)


def test_bench_wire_times_every_view_with_both_writers(capsys):
    from bench import wire

    assert wire.main(["--pupils", "6", "--repeat", "3"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == ["host_view", "screen_view", "pupil_view", "own_view"]
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 7 and all(float(c.replace(",", "")) > 0 for c in cells[1:])
