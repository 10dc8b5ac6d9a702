"""`workshops serve --log-format json`: one JSON object per line, and the password from the
environment (docs/deploy.md). The running server's log, in both formats, is searched for
secrets in tests/trust/test_privacy.py and test_hardening.py."""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime

import pytest

from workshops import cli
from workshops.logs import JsonLines


def record(msg: str, *args, exc: BaseException | None = None, **extra) -> logging.LogRecord:
    made = logging.getLogger("workshops.test").makeRecord(
        "workshops.test",
        logging.WARNING,
        __file__,
        1,
        msg,
        args,
        (type(exc), exc, exc.__traceback__) if exc is not None else None,
        extra=extra or None,
    )
    return made


def test_a_record_is_one_json_object_with_time_level_logger_message_and_its_fields():
    line = JsonLines().format(record("recovered %d session(s)", 3, sessions=3, journal="sqlite"))
    event = json.loads(line)
    assert list(event)[:4] == ["time", "level", "logger", "message"]
    assert event["level"] == "WARNING" and event["logger"] == "workshops.test"
    assert event["message"] == "recovered 3 session(s)"
    assert event["sessions"] == 3 and event["journal"] == "sqlite"
    assert datetime.fromisoformat(event["time"]).utcoffset().total_seconds() == 0
    # Nothing of the record's own machinery (its arguments, file, thread) besides.
    assert set(event) == {"time", "level", "logger", "message", "sessions", "journal"}


def test_a_record_stays_on_one_line_and_keeps_finnish_letters():
    line = JsonLines().format(record("pack %s: %s", "äänestys", "line one\nline two"))
    assert "\n" not in line
    assert json.loads(line)["message"] == "pack äänestys: line one\nline two"


def test_a_failure_is_its_kind_and_place_never_its_text_or_a_traceback():
    try:
        raise ValueError("Minun salaisuuteni on että pelkään pimeää")
    except ValueError as exc:
        caught = exc
    line = JsonLines().format(record("socket handler failed", exc=caught))
    event = json.loads(line)
    assert event["error"].startswith("ValueError at test_logs.py:")
    assert "salaisuuteni" not in line and "Traceback" not in line


def test_the_option_and_its_default():
    parser = cli.build_parser()
    assert parser.parse_args(["serve"]).log_format == "text"
    assert parser.parse_args(["serve", "--log-format", "json"]).log_format == "json"
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--log-format", "xml"])


def test_the_password_comes_from_the_environment_and_leaves_it(monkeypatch):
    monkeypatch.setenv(cli.PASSWORD_VARIABLE, "sala-sana")
    assert cli._password_from_environment() == "sala-sana"
    assert cli.PASSWORD_VARIABLE not in os.environ  # no program the kit starts inherits it
    monkeypatch.setenv(cli.PASSWORD_VARIABLE, "")
    assert cli._password_from_environment() is None


def test_serve_takes_the_environments_password_unless_one_is_given(monkeypatch, tmp_path):
    seen: list[str | None] = []

    def serve(**kw):
        seen.append(kw["password"])
        return 0

    import workshops.server

    monkeypatch.setattr(workshops.server, "serve", serve)
    data = ["serve", "--data-dir", str(tmp_path)]
    monkeypatch.setenv(cli.PASSWORD_VARIABLE, "from-env")
    assert cli.main(data) == 0
    monkeypatch.setenv(cli.PASSWORD_VARIABLE, "from-env")
    assert cli.main([*data, "--password", "given"]) == 0  # the option wins, and the variable is gone too
    assert cli.main(data) == 0  # no variable, no option: no password
    assert seen == ["from-env", "given", None]
