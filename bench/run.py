"""The load benchmark: the real kit under eventlet (or gevent) against simulated phones.

    python3 -m bench.run                          # every scenario, 300/1,000/2,000 pupils, eventlet
    python3 -m bench.run --scenario big --pupils 2000 --async-mode gevent
    python3 -m bench.run --quick --out /tmp/bench.json   # the smoke size: a few dozen pupils
    python3 -m bench.run --cluster 2 --out /tmp/cluster.json  # classes through HAProxy on PostgreSQL

Each measured server (`workshops serve`, and the bare Flask-SocketIO baseline of
bench/baseline.py beside it) runs as its own process on 127.0.0.1, pinned to core 0; this
load generator pins itself to core 1 and drives thousands of lightweight Socket.IO clients
(bench/client.py) from one asyncio loop. Scenarios:

- big: N pupils join one session in a storm, the facilitator opens a poll, everyone answers
  at the same moment, the facilitator reveals the results;
- reconnect: right after `big`, every pupil's connection drops at once and every phone
  reconnects with its token;
- classes: 40 sessions of 25 pupils play Arjen valinnat rounds (teams, start, then deal,
  every pupil votes on the team's card, reveal; repeat) all at once.

Server CPU comes from /proc/<pid>/task/*/schedstat (ns) before and after each phase, memory
from VmRSS; delivered messages are counted on the clients (every WebSocket message
received). The baseline gets, per phase, the kit's own message sizes (POST /bench/sizes), so
both send the same number and size of messages and the ratios kit/baseline compare the
cost of the kit's work per message and per action on the same machine in the same run.

`--cluster N` (bench/cluster.py) runs `classes` on one SQLite worker and then through HAProxy on
N workers sharing a throwaway PostgreSQL, and reports CPU per action summed over the workers
(PostgreSQL's and HAProxy's apart), the latency the proxy adds to a console's view, the balance
of sessions over the workers and the takeover after `kill -9` of a worker.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from .client import Closed, Hub, Refused, SioClient, http, now, take_seat

ROOT = Path(__file__).resolve().parents[1]

# The targets of issue #7 (one worker process, two cores).
TARGETS = {
    "reveal_p95_ms": 300.0,  # 2,000 pupils: every pupil has the facilitator's new view, p95
    "vote_all_acked_s": 1.5,  # 2,000 simultaneous answers all acknowledged
    "join_all_s": 5.0,  # 1,000 joins
    "reconnect_all_s": 5.0,  # 1,000 reconnecting at once
    "ratio": 1.3,  # server CPU per delivered message and per action, kit / baseline
    "kb_per_pupil": 100.0,
}

POLL_PACK = """\
# A one-question poll for the load benchmark (bench/run.py writes this file).
id: bench-kysely
title:
  fi: Kuormitustesti
  sv: Belastningstest
audience:
  min_age: 9
  max_age: 16
minutes: 5
language: fi
translations: [sv]
session:
  max_pupils: 2000
agenda:
  - id: kysely
    kind: choice
    minutes: 3
    title:
      fi: Fiiliskysely
      sv: Stämningsenkät
    question:
      fi: Miltä tänään tuntuu?
      sv: Hur känns det i dag?
    options:
      - id: pirtea
        text: { fi: Pirteältä, sv: Pigg }
      - id: ok
        text: { fi: Ihan ok, sv: Helt okej }
      - id: vasyttaa
        text: { fi: Väsyttää, sv: Trött }
      - id: en-tieda
        text: { fi: En osaa sanoa, sv: Vet inte }
    notes:
      fi: Kuormitustestin kysely.
      sv: Belastningstestets enkät.
"""
POLL_ID = "bench-kysely"
POLL_STEP = "kysely"
POLL_OPTIONS = ("pirtea", "ok", "vasyttaa", "en-tieda")
GAME_PACK = "arjen-valinnat"


# -- the machine -------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 1048576, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in (
        "Flask",
        "Flask-SocketIO",
        "python-socketio",
        "python-engineio",
        "eventlet",
        "gevent",
        "gevent-websocket",
        "simple-websocket",
        "orjson",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


def revision() -> str:
    """The commit measured, and whether the server's files differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "workshops", "templates", "static"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
        return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "-"
    except (OSError, subprocess.SubprocessError):
        return "-"


def listen_drops() -> dict[str, int]:
    """The kernel's count of connections refused by a full accept queue (ListenOverflows/Drops)."""
    try:
        lines = [ln.split() for ln in Path("/proc/net/netstat").read_text().splitlines() if ln.startswith("TcpExt:")]
        stats = dict(zip(lines[0][1:], map(int, lines[1][1:]), strict=False))
        return {"overflows": stats.get("ListenOverflows", 0), "drops": stats.get("ListenDrops", 0)}
    except (OSError, IndexError, ValueError):
        return {"overflows": 0, "drops": 0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = max(0, min(len(values) - 1, math.ceil(q / 100 * len(values)) - 1))  # nearest rank
    return values[k]


def dist_ms(values: list[float]) -> dict[str, float | None]:
    """p50/p95/max in milliseconds of latencies given in seconds."""

    def ms(v: float | None) -> float | None:
        return None if v is None else round(v * 1000, 1)

    return {
        "p50_ms": ms(pct(values, 50)),
        "p95_ms": ms(pct(values, 95)),
        "max_ms": ms(max(values) if values else None),
        "n": len(values),
    }


# -- the bench content -------------------------------------------------------------------------
def make_content(where: Path) -> Path:
    content = where / "content"
    (content / POLL_ID).mkdir(parents=True)
    (content / POLL_ID / "pack.yaml").write_text(POLL_PACK, encoding="utf-8")
    shutil.copytree(ROOT / "content" / GAME_PACK, content / GAME_PACK)
    for extra in ("blocked-nicknames.txt", "pack.schema.json"):
        if (ROOT / "content" / extra).exists():
            shutil.copy(ROOT / "content" / extra, content / extra)
    check = subprocess.run(
        [sys.executable, "-m", "workshops.cli", "check", "-q", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check.returncode != 0:
        raise SystemExit(f"the bench packs do not validate:\n{check.stdout}{check.stderr}")
    return content


def game_step(content: Path) -> tuple[int, str]:
    import yaml

    pack = yaml.safe_load((content / GAME_PACK / "pack.yaml").read_text(encoding="utf-8"))
    for i, step in enumerate(pack["agenda"]):
        if step.get("kind") == "boardgame":
            return i, step["id"]
    raise SystemExit(f"{GAME_PACK} has no boardgame step")


# -- the server processes ------------------------------------------------------------------------
class Server:
    """The kit (`workshops serve`) or the baseline, as its own process pinned to core 0."""

    def __init__(
        self,
        kind: str,
        async_mode: str,
        work: Path,
        content: Path,
        pin: bool,
        profile: Path | None = None,
        wire: str = "default",
        profile_rate: int = 200,
        extra: tuple[str, ...] = (),
        cores: set[int] | None = None,
    ):
        self.kind = kind
        self.async_mode = async_mode
        self.port = free_port()
        self.host = "127.0.0.1"
        self.url = f"http://{self.host}:{self.port}"
        self.work = work
        self.content = content
        self.pin = pin
        self.profile = profile
        self.wire = wire  # the baseline's packet writer (bench/baseline.py --wire)
        self.profile_rate = profile_rate  # py-spy samples per second
        self.proc: subprocess.Popen | None = None
        self.spy: subprocess.Popen | None = None
        self.log_path = work / f"{kind}-{self.port}.log"
        self.extra = extra  # more `workshops serve` options (bench/cluster.py: --database, --password ...)
        self.cores = cores  # the cores to pin to, when pinned (default: core 0)
        self.data_dir = work / f"data-{self.port}"

    def command(self) -> list[str]:
        if self.kind == "kit":
            data = self.data_dir
            return [
                sys.executable,
                "-m",
                "workshops.cli",
                "serve",
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--data-dir",
                str(data),
                "--content",
                str(self.content),
                "--async-mode",
                self.async_mode,
                *self.extra,
            ]
        return [
            sys.executable,
            "-m",
            "bench.baseline",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--async-mode",
            self.async_mode,
            "--wire",
            self.wire,
        ]

    def start(self, timeout: float = 60) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        pin = self.pin
        cores = self.cores or {0}

        def child() -> None:
            if pin:
                os.sched_setaffinity(0, cores)

        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            self.command(), cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=child
        )  # preexec_fn is safe here: no threads yet at start
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the {self.kind} server exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"the {self.kind} server did not start:\n{self.tail()}")
        if self.profile is not None and shutil.which("py-spy"):
            out = self.profile.with_suffix(".txt")
            spy = [
                "py-spy",
                "record",
                "--nonblocking",
                "-r",
                str(self.profile_rate),
                "-f",
                "raw",
                "-o",
                str(out),
                "-p",
                str(self.proc.pid),
            ]
            self.spy = subprocess.Popen(spy, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)

    def tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def cpu(self) -> float:
        """Seconds of CPU the server's threads have used (schedstat, ns; falls back to stat ticks)."""
        return process_cpu(self.proc.pid)

    def extra_cpu(self) -> dict[str, float]:
        """CPU of other processes a phase is charged with, by name (a cluster's PostgreSQL, HAProxy)."""
        return {}

    def rss_kb(self) -> int:
        return process_rss_kb(self.proc.pid)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> dict[str, Any] | None:
        profile = None
        if self.spy is not None:
            self.spy.send_signal(signal.SIGINT)
            try:
                self.spy.wait(30)
            except subprocess.TimeoutExpired:
                self.spy.kill()
            profile = summarise_profile(self.profile.with_suffix(".txt"))
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()
        return profile


def process_cpu(pid: int) -> float:
    """Seconds of CPU a process's threads have used (schedstat, ns; falls back to stat ticks)."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        if total:
            return total / 1e9
    except (OSError, ValueError, IndexError):
        pass
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def summarise_profile(path: Path, top: int = 25) -> dict[str, Any] | None:
    """The functions where the server spent its samples: self and inclusive, from py-spy's raw stacks."""
    if not path.exists():
        return None
    own: dict[str, int] = {}
    incl: dict[str, int] = {}
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [re.sub(r" \((/.*/)?([^/]+\.py):\d+\)", r" (\2)", f) for f in stack.split(";")]
        if not frames:
            continue
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for f in set(frames):
            incl[f] = incl.get(f, 0) + n
    if not total:
        return None

    def best(d: dict[str, int]) -> list[list[Any]]:
        return [[f, round(100 * c / total, 1)] for f, c in sorted(d.items(), key=lambda kv: -kv[1])[:top]]

    return {"samples": total, "file": str(path), "self_pct": best(own), "inclusive_pct": best(incl)}


# -- measuring a phase -----------------------------------------------------------------------------
class Meter:
    def __init__(self, server: Server, hub: Hub):
        self.server = server
        self.hub = hub

    def start(self) -> Meter:
        self.t0 = now()
        self.cpu0 = self.server.cpu()
        self.extra0 = self.server.extra_cpu()
        self.me0 = time.process_time()
        self.frames0, self.bytes0, self.ev0 = self.hub.counters()
        self.net0 = listen_drops()
        self.hub.take_samples()
        return self

    def stop(self, actions: int, busy_until: float | None = None) -> dict[str, Any]:
        cpu = self.server.cpu() - self.cpu0
        extra = {k: v - self.extra0.get(k, 0.0) for k, v in self.server.extra_cpu().items()}
        frames, nbytes, ev = self.hub.counters()
        msgs = frames - self.frames0
        net = listen_drops()
        busy = (busy_until or now()) - self.t0
        events = {k: [v[0] - self.ev0.get(k, (0, 0))[0], v[1] - self.ev0.get(k, (0, 0))[1]] for k, v in ev.items()}
        events = {k: v for k, v in events.items() if v[0]}
        samples = {}
        for name, raws in self.hub.take_samples().items():
            if name in events:  # the sample nearest the phase's mean size stands for the event
                mean = events[name][1] / events[name][0]
                raw = min(raws, key=lambda r: abs(len(r) - mean))
                samples[name] = json.loads(raw[2:])[1]
        return {
            "_samples": samples,
            "wall_s": round(busy, 3),
            "actions": actions,
            "actions_per_s": round(actions / busy, 1) if busy > 0 and actions else None,
            "messages": msgs,
            "bytes": nbytes - self.bytes0,
            "events": events,
            "server_cpu_s": round(cpu, 4),
            "server_cpu_per_msg_us": round(cpu / msgs * 1e6, 1) if msgs else None,
            "server_cpu_per_action_us": round(cpu / actions * 1e6, 1) if actions else None,
            **{f"{k}_cpu_s": round(v, 4) for k, v in extra.items()},
            **{f"{k}_cpu_per_action_us": round(v / actions * 1e6, 1) for k, v in extra.items() if actions},
            "loadgen_cpu_s": round(time.process_time() - self.me0, 3),
            "listen_overflows": net["overflows"] - self.net0["overflows"],
        }


def sizes_of(phase: dict[str, Any], samples: dict[str, Any] | None) -> dict[str, Any]:
    """What the baseline sends in the same phase: the kit's mean frame size per event and,
    with `--baseline-payload copied`, one of the kit's own messages of that event."""
    return {"sizes": {k: int(b / c) for k, (c, b) in phase.get("events", {}).items() if c}, "payloads": samples or {}}


async def set_sizes(hub: Hub, sizes: dict[str, Any] | None) -> None:
    if sizes:
        status, _h, body = await http(
            hub, "POST", "/bench/sizes", json.dumps(sizes).encode(), {"Content-Type": "application/json"}
        )
        if status != 200:
            raise RuntimeError(f"the baseline refused the sizes: {status} {body[:200]!r}")


# -- the people ------------------------------------------------------------------------------------
def login_header(hub: Hub) -> dict[str, str]:
    return {"Cookie": hub.cookie} if hub.cookie else {}


async def login(hub: Hub, password: str) -> None:
    """Log in as the facilitator (a kit started with --password); the cookie goes on hub.cookie."""
    status, headers, body = await http(
        hub,
        "POST",
        "/login",
        urllib.parse.urlencode({"password": password}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Origin": hub.url},
    )
    cookies = [line.split(";", 1)[0].strip() for line in headers.get("set-cookie", "").split("\n") if line.strip()]
    if status != 302 or not cookies:
        raise RuntimeError(f"could not log in: {status} {body[:200]!r}")
    hub.cookie = "; ".join(cookies)


class Room:
    """A session as the facilitator starts it: its code, the host and the projector connected."""

    def __init__(self, hub: Hub, pack: str):
        self.hub = hub
        self.pack = pack
        self.code = ""
        self.host_key = ""
        self.host = SioClient(hub)
        self.screen = SioClient(hub, record=False)

    async def open(self) -> Room:
        hub = self.hub
        status, headers, body = await http(
            hub,
            "POST",
            "/sessions",
            f"pack={self.pack}".encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Origin": hub.url, **login_header(hub)},
        )
        m = re.search(r"/host/(\w+)", headers.get("location", ""))
        if status != 302 or not m:
            raise RuntimeError(f"could not create a session: {status} {body[:300]!r}")
        self.code = m.group(1)
        cookie = re.search(rf"host_{self.code}=([^;\s]+)", headers.get("set-cookie", ""))
        if not cookie:
            raise RuntimeError("no host cookie")
        host_key = self.host_key = cookie.group(1).strip('"')
        cookies = {"Cookie": "; ".join(c for c in (hub.cookie, f"host_{self.code}={host_key}") if c)}
        status, _h, page = await http(hub, "GET", f"/host/{self.code}", headers=cookies)
        screen = re.search(rb"/screen/\w+\?k=([\w-]+)", page)
        if not screen:
            raise RuntimeError(f"no screen key on the host page ({status})")
        await self.host.connect({"code": self.code, "role": "host", "key": host_key})
        await self.screen.connect({"code": self.code, "role": "screen", "key": screen.group(1).decode()})
        return self

    async def act(self, action: dict[str, Any]) -> tuple[float, float, dict[str, Any]]:
        """A facilitator action; returns (time sent, time acknowledged, ack)."""
        t0 = now()
        try:
            sent = self.host.call("host", {"cid": uuid.uuid4().hex, "action": action})
            t_ack, ack = await asyncio.wait_for(sent, 120)
        except (Closed, asyncio.TimeoutError) as exc:
            why = self.host.close_reason if self.host.closed else "no ack in 120 s"
            return t0, now(), {"ok": False, "error": f"host: {type(exc).__name__} ({why})"}
        return t0, t_ack, ack or {}


class Pupil:
    def __init__(self, hub: Hub, code: str, keep: tuple[str, ...] = ()):
        self.hub = hub
        self.code = code
        self.keep = keep
        self.client = SioClient(hub, keep)
        self.token: str | None = None
        self.seat: str | None = None
        self.error: str | None = None
        self.t_start = self.t_joined = 0.0
        self.past_drops = 0  # connections the server or the network closed before this one
        self.drop_log: list[tuple[float, str]] = []  # (time, why) of each drop

    @property
    def drops(self) -> int:
        return self.past_drops + int(self.client.dropped)

    async def join(self) -> None:
        self.t_start = now()
        answer = await take_seat(self.hub, self.code)
        if not answer.get("ok"):
            self.error = f"seat: {answer.get('error')}"
            return
        self.token, self.seat = answer["token"], answer["seat"]
        await self.connect()

    async def connect(self) -> None:
        await self.client.connect({"code": self.code, "role": "pupil", "token": self.token}, timeout=60)
        t1 = await self.client.until("pupil_view", 0)
        t2 = await self.client.until("own_view", 0)
        self.t_joined = max(t1, t2)

    async def reconnect(self) -> None:
        self.past_drops += int(self.client.dropped)
        if self.client.dropped:
            self.drop_log.append((self.client.t_closed or now(), self.client.close_reason or "?"))
        self.client = SioClient(self.hub, self.keep)
        self.t_start = now()
        await self.connect()


async def storm(pupils: list[Pupil], spread: float, timeout: float, what: str = "join") -> float:
    """Start every pupil's join (or reconnect) within `spread` seconds; return when all are done."""

    async def one(p: Pupil, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            await asyncio.wait_for(p.join() if what == "join" else p.reconnect(), timeout)
        except Refused as exc:
            p.error = f"refused: {exc.data}"
        except (Closed, OSError) as exc:
            p.error = f"{type(exc).__name__}: {exc}"
        except asyncio.TimeoutError:
            p.error = "timeout"

    n = len(pupils)
    t0 = now()
    await asyncio.gather(*(one(p, spread * i / n if n > 1 else 0.0) for i, p in enumerate(pupils)))
    return t0


def drop_figures(pupils: list[Pupil], t0: float) -> dict[str, Any]:
    """When (seconds into the phase) and how the connections that dropped in a phase closed."""
    log = [entry for p in pupils for entry in p.drop_log]
    log += [(p.client.t_closed or now(), p.client.close_reason or "?") for p in pupils if p.client.dropped]
    log = [(t, why) for t, why in log if t >= t0]
    if not log:
        return {}
    why: dict[str, int] = {}
    for _t, w in log:
        why[w] = why.get(w, 0) + 1
    times = [t - t0 for t, _ in log]
    return {"drops_at_s": [round(min(times), 2), round(max(times), 2)], "drop_reasons": why}


def storm_figures(pupils: list[Pupil], t0: float) -> dict[str, Any]:
    ok = [p for p in pupils if p.error is None and p.t_joined]
    errors: dict[str, int] = {}
    for p in pupils:
        if p.error is not None:
            errors[p.error[:80]] = errors.get(p.error[:80], 0) + 1
    return {
        "pupils": len(pupils),
        "joined": len(ok),
        "all_s": round(max(p.t_joined for p in ok) - t0, 3) if ok else None,
        **dist_ms([p.t_joined - p.t_start for p in ok]),
        "errors": errors,
    }


async def fanout(
    room: Room, pupils: list[Pupil], action: dict[str, Any], events: tuple[str, ...], timeout: float
) -> dict[str, Any]:
    """A facilitator action, then the time until every pupil has the views of its revision."""
    t0, t_ack, ack = await room.act(action)
    if not ack.get("ok"):
        return {"ok": False, "ack": ack, "missing": len(pupils)}
    rev = ack["rev"]
    waits = [asyncio.gather(*(p.client.until(e, rev) for e in events)) for p in pupils if p.error is None]
    done, pending = await asyncio.wait(waits, timeout=timeout) if waits else (set(), set())
    for fut in pending:
        fut.cancel()
    lat = [max(f.result()) - t0 for f in done if not f.exception()]
    last = max(lat) if lat else None
    return {
        "ok": True,
        "rev": rev,
        "ack_ms": round((t_ack - t0) * 1000, 1),
        **dist_ms(lat),
        "all_s": round(last, 3) if last is not None else None,
        "missing": len(waits) - len(lat),
        "done_at": t0 + (last or 0.0),
    }


async def burst(pupils: list[Pupil], make_action, timeout: float) -> dict[str, Any]:
    """Every pupil sends an answer in the same moment; the time until all are acknowledged."""
    live = [p for p in pupils if p.error is None and not p.client.closed]
    gone = len(pupils) - len(live)
    t0 = now()
    futs = [p.client.call("pupil", {"cid": uuid.uuid4().hex, "action": make_action(p)}) for p in live]
    done, pending = await asyncio.wait(futs, timeout=timeout) if futs else (set(), set())
    for fut in pending:
        fut.cancel()
    acks = [f.result() for f in done if not f.exception()]
    lost = sum(1 for f in done if f.exception())  # the connection closed before the ack
    good = [t - t0 for t, a in acks if isinstance(a, dict) and a.get("ok")]
    refused: dict[str, int] = {}
    for _t, a in acks:
        if not (isinstance(a, dict) and a.get("ok")):
            key = str(a.get("error") if isinstance(a, dict) else a)
            refused[key] = refused.get(key, 0) + 1
    last = max(t for t, _ in acks) if acks else t0
    return {
        "sent": len(futs),
        "not_sent": gone,
        "lost": lost,
        "acked_ok": len(good),
        "refused": refused,
        "unanswered": len(pending),
        "all_acked_s": round(last - t0, 3) if acks else None,
        **dist_ms(good),
        "done_at": last,
    }


async def settle(seconds: float) -> None:
    await asyncio.sleep(seconds)


# -- scenario 1 (and 3): one big session ---------------------------------------------------------------
async def measure_phase(
    server: Server,
    hub: Hub,
    opts: argparse.Namespace,
    sizes: dict[str, Any] | None,
    pupils: list[Pupil],
    phases: dict[str, Any],
    name: str,
    body,
) -> dict[str, Any]:
    """Run one phase's `body` under a meter; record its figures, drops and CPU in `phases[name]`."""
    if sizes is not None:
        await set_sizes(hub, sizes.get(name))
    drops = sum(p.drops for p in pupils)
    meter = Meter(server, hub).start()
    figures = await body()
    busy = figures.pop("done_at", None)
    await settle(opts.settle)
    actions = figures.pop("_actions", 0)
    phases[name] = {
        **figures,
        **meter.stop(actions, busy),
        "dropped": sum(p.drops for p in pupils) - drops,
        **drop_figures(pupils, meter.t0),
    }
    return phases[name]


async def join_storm(order: list[Pupil], pupils: list[Pupil], opts: argparse.Namespace) -> dict[str, Any]:
    """Every pupil takes a seat and connects, in `order`, spread over --join-spread seconds."""
    t0 = await storm(order, opts.join_spread, opts.timeout)
    fig = storm_figures(pupils, t0)
    fig["_actions"] = fig["joined"]
    fig["done_at"] = t0 + (fig["all_s"] or 0.0)
    return fig


def memory_figures(server: Server, rss_before_kb: int, pupils: list[Pupil]) -> dict[str, Any]:
    """The server's memory before the pupils came and with them connected, per joined pupil."""
    rss = server.rss_kb()
    joined = sum(1 for p in pupils if p.error is None)
    return {
        "rss_before_kb": rss_before_kb,
        "rss_joined_kb": rss,
        "kb_per_pupil": round((rss - rss_before_kb) / max(1, joined), 1),
    }


async def big_session(
    server: Server,
    n: int,
    opts: argparse.Namespace,
    sizes: dict[str, dict[str, int]] | None,
    run_big: bool,
    run_reconnect: bool,
    out: dict[str, Any],
) -> dict[str, Any]:
    hub = Hub(server.host, server.port)
    hub.sampling = server.kind == "kit" and opts.baseline_payload == "copied"
    phases = out.setdefault("phases", {})
    room = await Room(hub, POLL_ID).open()
    await settle(opts.settle)
    gc.collect()
    rss0 = server.rss_kb()
    pupils = [Pupil(hub, room.code) for _ in range(n)]
    limit = opts.timeout

    async def phase(name: str, body):
        return await measure_phase(server, hub, opts, sizes, pupils, phases, name, body)

    await phase("join", lambda: join_storm(pupils, pupils, opts))
    out["memory"] = memory_figures(server, rss0, pupils)
    joined = [p for p in pupils if p.error is None]

    if run_big:

        async def goto():
            first = {"type": "goto", "step": 0, "expect": -1}
            fig = await fanout(room, joined, first, ("pupil_view", "own_view"), limit)
            fig["_actions"] = 1
            return fig

        async def vote():
            fig = await burst(
                joined,
                lambda p: {
                    "type": "act",
                    "step": POLL_STEP,
                    "action": {"type": "vote", "options": [POLL_OPTIONS[hash(p.seat) % len(POLL_OPTIONS)]]},
                },
                limit,
            )
            fig["_actions"] = fig["acked_ok"]
            return fig

        async def reveal():
            fig = await fanout(
                room,
                joined,
                {"type": "act", "step": POLL_STEP, "action": {"type": "reveal"}},
                ("pupil_view", "own_view"),
                limit,
            )
            fig["_actions"] = 1
            return fig

        await phase("goto", goto)
        await phase("vote", vote)
        await phase("reveal", reveal)
        out["memory"]["rss_after_vote_kb"] = server.rss_kb()

    if run_reconnect:

        async def reconnect():
            for p in joined:
                p.client.abort()
            t0 = await storm(joined, 0.0, limit, what="reconnect")
            fig = storm_figures(joined, t0)
            fig["_actions"] = fig["joined"]
            fig["done_at"] = t0 + (fig["all_s"] or 0.0)
            return fig

        await phase("reconnect", reconnect)
        out["memory"]["rss_after_reconnect_kb"] = server.rss_kb()

    await settle(opts.settle)
    out["dropped"] = sum(p.drops for p in pupils)
    out["pupils"] = n
    out["joined"] = len(joined)
    for c in [room.host, room.screen, *(p.client for p in pupils)]:
        c.close()
    await settle(0.2)
    return out


# -- scenario 2: many classrooms playing the board game -------------------------------------------------
async def classes(
    server: Server,
    opts: argparse.Namespace,
    sizes: dict[str, dict[str, int]] | None,
    game_index: int,
    game_id: str,
    out: dict[str, Any],
    hub: Hub | None = None,
) -> dict[str, Any]:
    """`hub`: where the clients connect, when not straight to `server` (bench/cluster.py: the proxy)."""
    hub = hub or Hub(server.host, server.port)
    hub.sampling = server.kind == "kit" and opts.baseline_payload == "copied"
    phases = out.setdefault("phases", {})
    limit = opts.timeout
    rooms = [await Room(hub, GAME_PACK).open() for _ in range(opts.classes)]
    out["_codes"] = [r.code for r in rooms]
    await settle(opts.settle)
    gc.collect()
    rss0 = server.rss_kb()
    members = {r.code: [Pupil(hub, r.code, keep=("own_view",)) for _ in range(opts.class_size)] for r in rooms}
    everyone = [p for ps in members.values() for p in ps]

    async def phase(name: str, body):
        await measure_phase(server, hub, opts, sizes, everyone, phases, name, body)

    # Every class's pupils arrive in the same storm, interleaved as real classes would.
    order = [members[r.code][i] for i in range(opts.class_size) for r in rooms]
    await phase("join", lambda: join_storm(order, everyone, opts))
    out["memory"] = memory_figures(server, rss0, everyone)
    joined = sum(1 for p in everyone if p.error is None)

    fan: dict[str, list[float]] = {"setup": [], "deal": [], "reveal": []}
    missing = {"views": 0}
    failures: dict[str, int] = {}

    def fail(what: str) -> None:
        failures[what] = failures.get(what, 0) + 1

    async def fanout_lat(room: Room, pupils: list[Pupil], action: dict[str, Any], bucket: str) -> dict[str, Any]:
        t0, _t_ack, ack = await room.act(action)
        if not ack.get("ok"):
            return {"ok": False, "ack": ack}
        rev = ack["rev"]
        waits = [
            asyncio.gather(p.client.until("pupil_view", rev), p.client.until("own_view", rev))
            for p in pupils
            if p.error is None
        ]
        done, pending = await asyncio.wait(waits, timeout=limit)
        for fut in pending:
            fut.cancel()
        lat = [max(f.result()) - t0 for f in done if not f.exception()]
        missing["views"] += len(pending) + sum(1 for f in done if f.exception())
        fan[bucket].extend(lat)
        return {"ok": True, "rev": rev}

    async def setup_one(room: Room) -> int:
        pupils = [p for p in members[room.code] if p.error is None]
        acts = 0
        for action in (
            {"type": "teams", "count": opts.teams},
            {"type": "goto", "step": game_index, "expect": -1},
            {"type": "act", "step": game_id, "action": {"type": "start"}},
        ):
            fig = await fanout_lat(room, pupils, action, "setup")
            acts += 1
            if not fig["ok"]:
                fail(f"setup {action['type']}: {fig['ack'].get('error')}")
                return acts
        return acts

    async def setup():
        t0 = now()
        acts = sum(await asyncio.gather(*(setup_one(r) for r in rooms)))
        return {"_actions": acts, "done_at": now(), "wall": round(now() - t0, 3)}

    await phase("setup", setup)
    phases["setup"].update(dist_ms(fan["setup"]))

    votes: list[float] = []
    played = {"rounds": 0, "votes": 0, "host_actions": 0}

    async def play_one(room: Room) -> None:
        pupils = [p for p in members[room.code] if p.error is None]
        for _ in range(opts.rounds):
            fig = await fanout_lat(room, pupils, {"type": "act", "step": game_id, "action": {"type": "deal"}}, "deal")
            played["host_actions"] += 1
            if not fig["ok"]:
                err = fig["ack"].get("error")
                if err != "ended":
                    fail(f"deal: {err}")
                return
            sends = []
            for p in pupils:
                own = p.client.last.get("own_view") or {}
                card = (own.get("activity") or {}).get("card") or {}
                choices = [c["id"] for c in card.get("choices", [])]
                if not choices:
                    continue
                t0 = now()
                vote = {"type": "vote", "choice": choices[hash(p.seat) % len(choices)]}
                sends.append(
                    (
                        t0,
                        p.client.call(
                            "pupil",
                            {"cid": uuid.uuid4().hex, "action": {"type": "act", "step": game_id, "action": vote}},
                        ),
                    )
                )
            for t0, fut in sends:
                try:
                    t, ack = await asyncio.wait_for(fut, limit)
                except (asyncio.TimeoutError, Closed):
                    fail("vote: no ack")
                    continue
                if isinstance(ack, dict) and ack.get("ok"):
                    votes.append(t - t0)
                    played["votes"] += 1
                else:
                    fail(f"vote: {ack.get('error') if isinstance(ack, dict) else ack}")
            reveal = {"type": "act", "step": game_id, "action": {"type": "reveal"}}
            fig = await fanout_lat(room, pupils, reveal, "reveal")
            played["host_actions"] += 1
            if not fig["ok"]:
                fail(f"reveal: {fig['ack'].get('error')}")
                return
            played["rounds"] += 1

    async def play():
        await asyncio.gather(*(play_one(r) for r in rooms))
        return {"_actions": played["votes"] + played["host_actions"], "done_at": now()}

    await phase("rounds", play)
    phases["rounds"].update(
        {
            **played,
            "vote_ack": dist_ms(votes),
            "deal_view": dist_ms(fan["deal"]),
            "reveal_view": dist_ms(fan["reveal"]),
        }
    )
    await settle(opts.settle)
    out["missing_views"] = missing["views"]
    out["failures"] = failures
    out["dropped"] = sum(p.drops for p in everyone)
    out["pupils"] = len(everyone)
    out["joined"] = joined
    for r in rooms:
        r.host.close()
        r.screen.close()
    for p in everyone:
        p.client.close()
    await settle(0.2)
    return out


# -- running it all ------------------------------------------------------------------------------------
def run_one(
    kind: str,
    scenario: str,
    n: int,
    opts: argparse.Namespace,
    work: Path,
    content: Path,
    sizes: dict[str, dict[str, int]] | None,
    game: tuple[int, str],
) -> dict[str, Any]:
    tag = f"{opts.mode}-{scenario}-{n}-{kind}"
    profile = Path(opts.profile) / tag if opts.profile and (kind == "kit" or opts.profile_baseline) else None
    server = Server(
        kind, opts.mode, work, content, opts.pin, profile, wire=opts.baseline_wire, profile_rate=opts.profile_rate
    )
    print(f"  {tag}: starting {kind} server ...", flush=True)
    server.start()
    result: dict[str, Any] = {
        "scenario": scenario,
        "pupils": n,
        "server": kind,
        "async_mode": opts.mode,
        "revision": revision(),
        "phases": {},
    }
    try:
        if scenario == "classes":
            body = classes(server, opts, sizes, *game, out=result)
        else:
            body = big_session(
                server,
                n,
                opts,
                sizes,
                run_big="big" in opts.scenarios,
                run_reconnect="reconnect" in opts.scenarios,
                out=result,
            )
        asyncio.run(asyncio.wait_for(body, opts.run_timeout))
        result["completed"] = True
    except Exception as exc:  # report it and go on with the other runs
        result["completed"] = False
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["server_log"] = server.tail(2000)
    finally:
        result.pop("_codes", None)
        result["server_alive"] = server.alive()
        profile_summary = server.stop()
        notes = [ln for ln in server.tail(200_000).splitlines() if re.search(r"WARNING|ERROR|Traceback|Error", ln)]
        if notes:
            result["server_log_notes"] = notes[:30]
        if profile_summary:
            result["profile"] = profile_summary
    phases = result.get("phases", {})
    print(
        f"  {tag}: "
        + ("done" if result["completed"] else f"FAILED {result.get('error')}")
        + "; "
        + ", ".join(f"{k} {v.get('wall_s')} s" for k, v in phases.items()),
        flush=True,
    )
    return result


def ratios(kit: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """kit / baseline for server CPU per delivered message and per action, per phase and overall."""
    out: dict[str, Any] = {}
    tk = {"cpu": 0.0, "msgs": 0, "acts": 0}
    tb = {"cpu": 0.0, "msgs": 0, "acts": 0}
    for name, pk in kit.get("phases", {}).items():
        pb = base.get("phases", {}).get(name)
        if not pb:
            continue
        entry = {}
        for key in ("server_cpu_per_msg_us", "server_cpu_per_action_us"):
            if pk.get(key) and pb.get(key):
                entry[key.replace("server_cpu_", "").replace("_us", "")] = round(pk[key] / pb[key], 2)
        entry["messages"] = [pk.get("messages"), pb.get("messages")]
        out[name] = entry
        for t, p in ((tk, pk), (tb, pb)):
            t["cpu"] += p.get("server_cpu_s") or 0.0
            t["msgs"] += p.get("messages") or 0
            t["acts"] += p.get("actions") or 0
    if tk["msgs"] and tb["msgs"] and tb["cpu"]:
        out["overall"] = {
            "per_msg": round((tk["cpu"] / tk["msgs"]) / (tb["cpu"] / tb["msgs"]), 2),
            "per_action": round((tk["cpu"] / max(1, tk["acts"])) / (tb["cpu"] / max(1, tb["acts"])), 2),
            "messages": [tk["msgs"], tb["msgs"]],
        }
    return out


def verdicts(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target of the issue beside the figure measured for it."""
    rows: list[dict[str, Any]] = []

    def add(what: str, n: int, figure: Any, limit: Any, ok: bool | None, unit: str = "") -> None:
        rows.append(
            {"target": what, "pupils": n, "figure": figure, "limit": limit, "unit": unit, "pass": ok, "mode": mode}
        )

    for run in runs:
        if run["server"] != "kit":
            continue
        mode = run["async_mode"]
        n = run["pupils"]
        ph = run.get("phases", {})
        if not run.get("completed"):
            add(f"{run['scenario']} run completed", n, run.get("error"), "completed", False)
            continue
        drops = run.get("dropped", 0) + (run["pupils"] - run.get("joined", 0)) + run.get("missing_views", 0)
        for name in ("goto", "reveal"):
            drops += (ph.get(name) or {}).get("missing", 0)
        vote = ph.get("vote") or {}
        drops += vote.get("unanswered", 0) + vote.get("not_sent", 0) + vote.get("lost", 0)
        add(f"{run['scenario']}: nobody dropped, every view and ack arrived", n, drops, 0, drops == 0, "misses")
        if run["scenario"] == "big":
            j = ph.get("join", {})
            if j.get("all_s") is not None:  # the target is for 1,000 pupils
                add(
                    "join storm: all joined",
                    n,
                    j["all_s"],
                    TARGETS["join_all_s"],
                    j["all_s"] <= TARGETS["join_all_s"] if n == 1000 else None,
                    "s",
                )
            r = ph.get("reveal", {})
            if r.get("p95_ms") is not None:
                add(
                    "reveal: every pupil has the new view, p95",
                    n,
                    r["p95_ms"],
                    TARGETS["reveal_p95_ms"],
                    r["p95_ms"] <= TARGETS["reveal_p95_ms"] if n >= 2000 else None,
                    "ms",
                )
            v = ph.get("vote", {})
            if v.get("all_acked_s") is not None:
                add(
                    "vote burst: all acknowledged",
                    n,
                    v["all_acked_s"],
                    TARGETS["vote_all_acked_s"],
                    v["all_acked_s"] <= TARGETS["vote_all_acked_s"] if n >= 2000 else None,
                    "s",
                )
            rc = ph.get("reconnect", {})
            if rc.get("all_s") is not None:
                add(
                    "reconnect storm: all back",
                    n,
                    rc["all_s"],
                    TARGETS["reconnect_all_s"],
                    rc["all_s"] <= TARGETS["reconnect_all_s"] if n == 1000 else None,
                    "s",
                )
        mem = run.get("memory", {}).get("kb_per_pupil")
        if mem is not None:
            add(
                f"{run['scenario']}: memory per connected pupil",
                n,
                mem,
                TARGETS["kb_per_pupil"],
                mem <= TARGETS["kb_per_pupil"] if n >= 300 else None,
                "KB",
            )
        rat = (run.get("ratio") or {}).get("overall")
        if rat:
            add(
                f"{run['scenario']}: server CPU per message vs baseline",
                n,
                rat["per_msg"],
                TARGETS["ratio"],
                rat["per_msg"] <= TARGETS["ratio"],
                "x",
            )
            add(
                f"{run['scenario']}: server CPU per action vs baseline",
                n,
                rat["per_action"],
                TARGETS["ratio"],
                rat["per_action"] <= TARGETS["ratio"],
                "x",
            )
    return rows


def fmt(v: Any, nd: int = 1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def table(report: dict[str, Any]) -> str:
    lines = []
    head = (
        "mode",
        "scenario",
        "N",
        "server",
        "phase",
        "wall s",
        "p50 ms",
        "p95 ms",
        "max ms",
        "all s",
        "act/s",
        "msgs",
        "MB",
        "cpu s",
        "us/msg",
        "us/act",
        "x msg",
        "x act",
    )
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for run in report["runs"]:
        rat = run.get("ratio", {})
        for name, ph in run.get("phases", {}).items():
            lat = ph.get("reveal_view", {}) if name == "rounds" else ph  # rounds: the reveal's fan-out
            all_s = ph.get("all_s", ph.get("all_acked_s"))
            r = rat.get(name, {})
            lines.append(
                "| "
                + " | ".join(
                    [
                        run["async_mode"],
                        run["scenario"],
                        str(run["pupils"]),
                        run["server"],
                        name,
                        fmt(ph.get("wall_s"), 2),
                        fmt(lat.get("p50_ms")),
                        fmt(lat.get("p95_ms")),
                        fmt(lat.get("max_ms")),
                        fmt(all_s, 2),
                        fmt(ph.get("actions_per_s")),
                        fmt(ph.get("messages")),
                        fmt(ph.get("bytes", 0) / 1e6, 1),
                        fmt(ph.get("server_cpu_s"), 2),
                        fmt(ph.get("server_cpu_per_msg_us")),
                        fmt(ph.get("server_cpu_per_action_us"), 0),
                        fmt(r.get("per_msg"), 2),
                        fmt(r.get("per_action"), 2),
                    ]
                )
                + " |"
            )
    lines.append("")
    lines.append(
        "| mode | scenario | N | server | RSS before KB | RSS joined KB | KB per pupil "
        "| kit/baseline per msg | per action |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for run in report["runs"]:
        m = run.get("memory") or {}
        o = (run.get("ratio") or {}).get("overall") or {}
        lines.append(
            f"| {run['async_mode']} | {run['scenario']} | {run['pupils']} | {run['server']} | "
            f"{fmt(m.get('rss_before_kb'))} | {fmt(m.get('rss_joined_kb'))} | {fmt(m.get('kb_per_pupil'))} | "
            f"{fmt(o.get('per_msg'), 2)} | {fmt(o.get('per_action'), 2)} |"
        )
    lines.append("")
    lines.append("| mode | target | N | figure | limit | pass |")
    lines.append("|---|---|---|---|---|---|")
    for row in report["targets"]:
        verdict = {True: "pass", False: "FAIL", None: "(info)"}[row["pass"]]
        lines.append(
            f"| {row['mode']} | {row['target']} | {row['pupils']} | {fmt(row['figure'], 2)} {row['unit']} | "
            f"≤ {row['limit']} {row['unit']} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="all", help="big, classes, reconnect, or all (comma-separated)")
    parser.add_argument("--pupils", default="300,1000,2000", help="pupils in the one big session, comma-separated")
    parser.add_argument("--async-mode", default="eventlet", help="eventlet or gevent (comma-separated: both)")
    parser.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the bare Flask-SocketIO baseline and print ratios (default on)",
    )
    parser.add_argument(
        "--baseline-payload",
        choices=["copied", "padded"],
        default="copied",
        help="copied: the baseline sends one of the kit's own messages of each event and phase "
        "(same shape and size); padded: {rev, pad} of the same size (the bare transport)",
    )
    parser.add_argument(
        "--baseline-wire",
        choices=["default", "kit"],
        default="default",
        help="default: python-socketio's own packet writer (bare Flask-SocketIO, the issue's "
        "baseline); kit: the kit's writer (orjson, no binary search), to compare the same "
        "transport",
    )
    parser.add_argument("--quick", action="store_true", help="the smoke size: a few dozen pupils, seconds long")
    parser.add_argument("--classes", type=int, default=40, help="sessions in the classes scenario")
    parser.add_argument("--class-size", type=int, default=25, help="pupils per class")
    parser.add_argument("--teams", type=int, default=4, help="teams per class")
    parser.add_argument("--rounds", type=int, default=5, help="board-game rounds per class")
    parser.add_argument(
        "--join-spread", type=float, default=1.0, help="seconds over which a join storm's pupils arrive"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds a phase may take before it counts as failed"
    )
    parser.add_argument("--run-timeout", type=float, default=900.0, help="seconds one server run may take")
    parser.add_argument("--settle", type=float, default=0.3, help="quiet seconds after each phase (still measured)")
    parser.add_argument(
        "--no-pin", dest="pin", action="store_false", help="do not pin the server and generator to cores"
    )
    parser.add_argument("--profile", metavar="DIR", help="profile the kit with py-spy (raw stacks into DIR)")
    parser.add_argument("--profile-baseline", action="store_true", help="with --profile: the baseline too")
    parser.add_argument("--profile-rate", type=int, default=200, help="with --profile: samples per second (200)")
    parser.add_argument("--out", metavar="FILE.json", help="write the results as JSON")
    parser.add_argument(
        "--cluster",
        type=int,
        default=0,
        metavar="N",
        help="the district server: `classes` through HAProxy on PostgreSQL with N workers, beside one "
        "SQLite worker; CPU per action, the proxy's latency, balance and takeover (bench/cluster.py)",
    )
    parser.add_argument("--latency-classes", type=int, default=4, help="with --cluster: consoles timed")
    parser.add_argument("--latency-rounds", type=int, default=50, help="with --cluster: actions per console and path")
    parser.add_argument(
        "--takeover-classes", type=int, default=0, help="with --cluster: classes in the takeover (default --classes)"
    )
    opts = parser.parse_args(argv)

    scenarios = ["big", "reconnect", "classes"] if opts.scenario == "all" else opts.scenario.split(",")
    for s in scenarios:
        if s not in ("big", "reconnect", "classes"):
            parser.error(f"unknown scenario {s!r}")
    opts.scenarios = scenarios
    sizes_n = [int(x) for x in opts.pupils.split(",") if x.strip()]
    if opts.quick:
        sizes_n = [24]
        opts.classes, opts.class_size, opts.rounds, opts.teams = 3, 8, 2, 2
        opts.join_spread = 0.3
        opts.settle = 0.15
        opts.timeout = min(opts.timeout, 30.0)
        opts.latency_classes, opts.latency_rounds = 2, 10
    opts.takeover_classes = opts.takeover_classes or opts.classes
    if opts.cluster:
        if opts.cluster < 1:
            parser.error("--cluster needs at least one worker")
        opts.scenarios = scenarios = ["classes"]
    modes = [m for m in opts.async_mode.split(",") if m]

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if opts.pin and cores < 2:
        print("one core only: the server and the load generator share it (not pinned)", flush=True)
        opts.pin = False
    opts.all_cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if opts.pin:
        os.sched_setaffinity(0, {1})
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if opts.profile:
        Path(opts.profile).mkdir(parents=True, exist_ok=True)
        if not shutil.which("py-spy"):
            print("py-spy is not installed: no profile (pip install py-spy)", flush=True)

    command = " ".join(["python3 -m bench.run", *(argv if argv is not None else sys.argv[1:])])
    settings = {
        "baseline_payload": opts.baseline_payload,
        "baseline_wire": opts.baseline_wire,
        "join_spread_s": opts.join_spread,
        "classes": opts.classes,
        "class_size": opts.class_size,
        "rounds": opts.rounds,
        "teams": opts.teams,
    }
    report: dict[str, Any] = {
        "machine": machine(),
        "versions": versions(),
        "revision": revision(),
        "pinned": opts.pin,
        "command": command,
        "settings": settings,
        "targets_def": TARGETS,
        "runs": [],
    }
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        content = make_content(work)
        game = game_step(content)
        for mode in modes:
            opts.mode = mode
            print(f"== {mode} ==", flush=True)
            if opts.cluster:
                from . import cluster  # the tests' PostgreSQL and HAProxy helpers: only when asked for

                if not cluster.run(opts, work, content, game, report):
                    report["cluster_failed"] = True
                continue
            plan: list[tuple[str, int]] = []
            if "big" in scenarios or "reconnect" in scenarios:
                plan += [("big", n) for n in sizes_n]
            if "classes" in scenarios:
                plan.append(("classes", opts.classes * opts.class_size))
            for scenario, n in plan:
                kit = run_one("kit", scenario, n, opts, work, content, None, game)
                report["runs"].append(kit)
                samples = {name: ph.pop("_samples", None) for name, ph in kit.get("phases", {}).items()}
                if opts.baseline:
                    sizes = {name: sizes_of(ph, samples.get(name)) for name, ph in kit.get("phases", {}).items()}
                    base = run_one("baseline", scenario, n, opts, work, content, sizes, game)
                    for ph in base.get("phases", {}).values():
                        ph.pop("_samples", None)
                    report["runs"].append(base)
                    kit["ratio"] = ratios(kit, base)
    report["targets"] = verdicts(report["runs"]) + report.pop("cluster_targets", [])
    report["seconds"] = round(time.time() - started, 1)
    text = table(report)
    print()
    print(text)
    report["table"] = text
    if opts.out:
        Path(opts.out).write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
        print(f"\nwrote {opts.out}")
    return 0 if all(r.get("completed") for r in report["runs"]) and not report.get("cluster_failed") else 1


if __name__ == "__main__":
    sys.exit(main())
