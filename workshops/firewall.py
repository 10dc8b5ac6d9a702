"""Does a firewall on this laptop probably keep the phones from the kit's port? (Linux only.)

`workshops serve` asks once at start-up and prints a hint after the join address (issue #16,
item 4). Two parts:

- `hint(readings, port)` decides, and is pure: it gets the texts that could be read (or None
  for each one that could not) and says which firewall probably blocks the port, and the
  command that opens it. Every case is in tests/unit/test_firewall.py.
- `read(port)` does the reading, each part allowed to fail, in about a second at most:
  ufw's switch (`/etc/ufw/ufw.conf`, `ENABLED=yes`) and default policy (`/etc/default/ufw`)
  are readable by everyone; its rules (`/etc/ufw/user.rules`, `user6.rules`) and `ufw status`
  need root, so usually all that can be said is "ufw is on: allow the port". firewalld's
  `firewall-cmd --state` and `--query-port` work without root on most systems; a missing
  tool, a failure or a timeout is "cannot tell". nftables' and iptables' rules are readable
  only by root (`nft list ruleset`, `iptables -S`), so they are not read: with neither ufw
  nor firewalld on, nothing is said.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

UFW_CONF = Path("/etc/ufw/ufw.conf")
UFW_DEFAULTS = Path("/etc/default/ufw")
UFW_RULES = (Path("/etc/ufw/user.rules"), Path("/etc/ufw/user6.rules"))
TIMEOUT = 0.9  # seconds for all of firewall-cmd together: start-up waits no longer


@dataclass(frozen=True)
class Readings:
    """What could be read of the system; None: absent, unreadable, failed or timed out."""

    ufw_conf: str | None = None  # /etc/ufw/ufw.conf
    ufw_defaults: str | None = None  # /etc/default/ufw
    ufw_rules: str | None = None  # /etc/ufw/user.rules and user6.rules (root only)
    firewalld_state: str | None = None  # the output of `firewall-cmd --state`
    firewalld_port: str | None = None  # the output of `firewall-cmd --query-port=PORT/tcp`


@dataclass(frozen=True)
class Hint:
    """A firewall that probably keeps phones out, and how to let them in."""

    tool: str  # "ufw" or "firewalld"
    closed: bool  # True: its rules were read and the port is not open; False: it is on, its rules unknown
    command: str  # what opens the port


def _settings(text: str) -> dict[str, str]:
    """`NAME=value` lines of a shell-style settings file, quotes and comments dropped."""
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            name, value = line.split("=", 1)
            found[name.strip()] = value.strip().strip("\"'")
    return found


def _port_in(spec: str, port: int) -> bool:
    """Whether a ufw port field (`any`, `5000`, `80,443`, `5000:5010`, lists of both) holds `port`."""
    if spec == "any":
        return True
    for part in spec.split(","):
        low, _, high = part.partition(":")
        try:
            if int(low) <= port <= int(high or low):
                return True
        except ValueError:
            continue
    return False


def _ufw_lets_in(rules: str, port: int) -> bool:
    """Whether ufw's user rules let TCP to `port` in: its first matching rule decides.

    Each rule is written in the rules files as a comment line `### tuple ### ACTION PROTO DPORT
    DST SPORT SRC [DAPP SAPP] DIRECTION`; ACTION may carry a log suffix (`allow_log`). A rule
    for some sources only (a subnet) counts as letting in: the phones are probably in it.
    """
    for line in rules.splitlines():
        if not line.startswith("### tuple ###"):
            continue
        fields = line.split()[3:]
        if len(fields) < 7:
            continue
        action, proto, dport, direction = fields[0], fields[1], fields[2], fields[-1]
        if action.startswith("route:") or not direction.startswith("in") or proto not in ("tcp", "any"):
            continue
        if _port_in(dport, port):
            return action.split("_")[0] in ("allow", "limit")
    return False


def hint(readings: Readings, port: int) -> Hint | None:
    """Which firewall probably keeps phones from `port`, from what could be read; None: none seen."""
    conf = _settings(readings.ufw_conf) if readings.ufw_conf is not None else {}
    if conf.get("ENABLED", "").lower() == "yes":
        defaults = _settings(readings.ufw_defaults) if readings.ufw_defaults is not None else {}
        # ufw's default refuses what comes in: only an explicit ACCEPT lets everything in.
        if defaults.get("DEFAULT_INPUT_POLICY", "DROP").upper() != "ACCEPT":
            command = f"sudo ufw allow {port}/tcp"
            if readings.ufw_rules is None:
                return Hint("ufw", closed=False, command=command)
            if not _ufw_lets_in(readings.ufw_rules, port):
                return Hint("ufw", closed=True, command=command)
    if (readings.firewalld_state or "").strip() == "running":
        answer = (readings.firewalld_port or "").strip()
        if answer != "yes":
            return Hint("firewalld", closed=answer == "no", command=f"sudo firewall-cmd --add-port={port}/tcp")
    return None


def lines(found: Hint, port: int) -> list[str]:
    """The start-up lines that say so: Finnish, Swedish and English, as the others are."""
    if found.closed:
        return [
            f"  Palomuuri: {found.tool} estää portin {port}, joten puhelimet eivät pääse mukaan."
            f" Salli portti: {found.command}",
            f"  Brandvägg: {found.tool} blockerar port {port}, så telefonerna kommer inte in."
            f" Öppna porten: {found.command}",
            f"  Firewall: {found.tool} blocks port {port}, so phones cannot join. Allow the port with: {found.command}",
        ]
    return [
        f"  Palomuuri: {found.tool} on päällä ja voi estää puhelimia liittymästä. Salli portti: {found.command}",
        f"  Brandvägg: {found.tool} är på och kan hindra telefonerna från att ansluta. Öppna porten: {found.command}",
        f"  Firewall: {found.tool} is on; allow the port with: {found.command}",
    ]


# -- reading (each part may fail: then it is None) ------------------------------------------
def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None


def _run_all(commands: list[list[str]], timeout: float) -> list[str | None]:
    """Run the commands side by side; each one's output, or None (missing, failed, too slow)."""
    env = {**os.environ, "LC_ALL": "C"}  # untranslated answers: "running", "yes", "no"
    started: list[subprocess.Popen[str] | None] = []
    for cmd in commands:
        try:
            started.append(
                subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                    env=env,
                )
            )
        except (OSError, ValueError, subprocess.SubprocessError):
            started.append(None)
    deadline = time.monotonic() + timeout
    outputs: list[str | None] = []
    for proc in started:
        if proc is None:
            outputs.append(None)
            continue
        try:
            out, _ = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
            outputs.append(out)  # firewall-cmd answers "not running" and "no" with a non-zero status
        except (subprocess.TimeoutExpired, OSError, ValueError, subprocess.SubprocessError):
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                proc.wait(0.1)
            outputs.append(None)
    return outputs


def read(port: int, timeout: float = TIMEOUT) -> Readings:
    """Read what can be read without root; never raises, and takes about `timeout` at most."""
    if not sys.platform.startswith("linux"):
        return Readings()
    try:
        ufw_conf = _read_text(UFW_CONF)
        ufw_defaults = _read_text(UFW_DEFAULTS) if ufw_conf is not None else None
        rules = [_read_text(p) for p in UFW_RULES] if ufw_conf is not None else []
        ufw_rules = "\n".join(r for r in rules if r is not None) if any(r is not None for r in rules) else None
        state = port_open = None
        tool = shutil.which("firewall-cmd")
        if tool is not None:
            state, port_open = _run_all([[tool, "--state"], [tool, f"--query-port={port}/tcp"]], timeout)
        return Readings(ufw_conf, ufw_defaults, ufw_rules, state, port_open)
    except Exception:  # a start-up hint must never stop the kit
        return Readings()
