"""`workshops serve`'s firewall hint: the pure decision, from what could be read (issue #16, item 4)."""

from __future__ import annotations

import time

import pytest

from workshops import firewall
from workshops.firewall import Hint, Readings, hint, lines

PORT = 5000
UFW_ON = "# /etc/ufw/ufw.conf\n#\n\n# Set to yes to start on boot.\nENABLED=yes\nLOGLEVEL=low\n"
UFW_OFF = "ENABLED=no\nLOGLEVEL=low\n"
DENY_IN = 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\n'
ACCEPT_IN = 'DEFAULT_INPUT_POLICY="ACCEPT"\n'
SSH_ONLY = (
    "*filter\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n"
)
KIT_ALLOWED = SSH_ONLY + "### tuple ### allow tcp 5000 0.0.0.0/0 any 0.0.0.0/0 in\n"
RANGE_ALLOWED = "### tuple ### allow_log any 4000:6000 0.0.0.0/0 any 192.168.1.0/24 in_wlan0\n"
KIT_DENIED_FIRST = (
    "### tuple ### deny tcp 5000 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 in\n"
)
OUT_ONLY = (
    "### tuple ### allow tcp 5000 0.0.0.0/0 any 0.0.0.0/0 out\n"
    "### tuple ### route:allow tcp 5000 0.0.0.0/0 any 0.0.0.0/0 in\n"
)
UFW_CMD = "sudo ufw allow 5000/tcp"
FIREWALLD_CMD = "sudo firewall-cmd --add-port=5000/tcp"

CASES = [
    # (what could be read, the hint)
    pytest.param(Readings(), None, id="nothing readable: no firewall seen"),
    pytest.param(Readings(ufw_conf=UFW_OFF, ufw_defaults=DENY_IN), None, id="ufw installed but inactive"),
    pytest.param(
        Readings(ufw_conf=UFW_ON, ufw_defaults=DENY_IN), Hint("ufw", False, UFW_CMD), id="ufw on, rules need root"
    ),
    pytest.param(Readings(ufw_conf=UFW_ON), Hint("ufw", False, UFW_CMD), id="ufw on, defaults unreadable"),
    pytest.param(Readings(ufw_conf=UFW_ON, ufw_defaults=ACCEPT_IN), None, id="ufw on, lets everything in"),
    pytest.param(
        Readings(ufw_conf=UFW_ON, ufw_defaults=DENY_IN, ufw_rules=SSH_ONLY),
        Hint("ufw", True, UFW_CMD),
        id="ufw on, rules read: port closed",
    ),
    pytest.param(
        Readings(ufw_conf=UFW_ON, ufw_defaults=DENY_IN, ufw_rules=KIT_ALLOWED), None, id="ufw on, port allowed"
    ),
    pytest.param(
        Readings(ufw_conf=UFW_ON, ufw_defaults=DENY_IN, ufw_rules=RANGE_ALLOWED),
        None,
        id="ufw on, a range from the LAN allowed",
    ),
    pytest.param(
        Readings(ufw_conf=UFW_ON, ufw_defaults=DENY_IN, ufw_rules=KIT_DENIED_FIRST),
        Hint("ufw", True, UFW_CMD),
        id="ufw on, the first matching rule denies",
    ),
    pytest.param(
        Readings(ufw_conf=UFW_ON, ufw_defaults=DENY_IN, ufw_rules=OUT_ONLY),
        Hint("ufw", True, UFW_CMD),
        id="ufw on, only outgoing and routed rules",
    ),
    pytest.param(Readings(firewalld_state="running\n", firewalld_port="yes\n"), None, id="firewalld, port open"),
    pytest.param(
        Readings(firewalld_state="running\n", firewalld_port="no\n"),
        Hint("firewalld", True, FIREWALLD_CMD),
        id="firewalld, port closed",
    ),
    pytest.param(
        Readings(firewalld_state="running\n", firewalld_port=None),
        Hint("firewalld", False, FIREWALLD_CMD),
        id="firewalld running, query failed",
    ),
    pytest.param(
        Readings(firewalld_state="running\n", firewalld_port="Authorization failed.\n"),
        Hint("firewalld", False, FIREWALLD_CMD),
        id="firewalld running, query refused",
    ),
    pytest.param(Readings(firewalld_state="not running\n", firewalld_port="no\n"), None, id="firewalld stopped"),
    pytest.param(Readings(firewalld_state=None, firewalld_port=None), None, id="firewall-cmd missing or too slow"),
    pytest.param(
        Readings(ufw_conf=UFW_OFF, firewalld_state="running\n", firewalld_port="no\n"),
        Hint("firewalld", True, FIREWALLD_CMD),
        id="ufw off, firewalld closed",
    ),
]


@pytest.mark.parametrize(("readings", "expected"), CASES)
def test_the_hint(readings: Readings, expected: Hint | None):
    assert hint(readings, PORT) == expected


def test_the_port_is_the_one_served():
    found = hint(Readings(ufw_conf=UFW_ON, ufw_defaults=DENY_IN, ufw_rules=KIT_ALLOWED), 5001)
    assert found == Hint("ufw", True, "sudo ufw allow 5001/tcp")


@pytest.mark.parametrize("closed", [True, False])
def test_the_lines_are_finnish_swedish_english_with_the_command(closed: bool):
    said = lines(Hint("ufw", closed, UFW_CMD), PORT)
    assert [line.split(":")[0].strip() for line in said] == ["Palomuuri", "Brandvägg", "Firewall"]
    assert all(line.endswith(UFW_CMD) for line in said)


def test_reading_never_fails_nor_waits(monkeypatch, tmp_path):
    """Missing files and tools are "cannot tell"; a tool that hangs is cut off."""
    monkeypatch.setattr(firewall, "UFW_CONF", tmp_path / "none.conf")
    monkeypatch.setattr(firewall.shutil, "which", lambda _name: None)
    assert firewall.read(PORT) == Readings()
    slow = tmp_path / "firewall-cmd"
    slow.write_text("#!/bin/sh\nsleep 5\n")
    slow.chmod(0o755)
    monkeypatch.setattr(firewall.shutil, "which", lambda _name: str(slow))
    began = time.monotonic()
    assert firewall.read(PORT, timeout=0.3) == Readings()
    assert time.monotonic() - began < 1.5


def test_reading_firewall_cmd(monkeypatch, tmp_path):
    monkeypatch.setattr(firewall, "UFW_CONF", tmp_path / "none.conf")
    tool = tmp_path / "firewall-cmd"
    tool.write_text('#!/bin/sh\ncase "$1" in --state) echo running;; --query-port=5000/tcp) echo no; exit 1;; esac\n')
    tool.chmod(0o755)
    monkeypatch.setattr(firewall.shutil, "which", lambda _name: str(tool))
    readings = firewall.read(PORT)
    assert readings == Readings(firewalld_state="running\n", firewalld_port="no\n")
    assert hint(readings, PORT) == Hint("firewalld", True, FIREWALLD_CMD)
