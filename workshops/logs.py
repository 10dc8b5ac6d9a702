"""The server's log on standard error: a human line per event, or one JSON object per line.

`workshops serve --log-format json` is for a hosted install whose log collector (journald's
JSON output, Loki, Elasticsearch) reads fields rather than text. Either way the log says the
same events, and neither holds what the kit never logs (docs/security.md): no client address,
no key, token or reconnect code, no pupil's text. The JSON form adds only the time, level and
logger of each event, and the fields a log call names with `extra=` (numbers and fixed words of
the kit's own, e.g. the start-up record's port); a failure is its kind and place in the code,
never its text or a traceback, which may quote what a client sent.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

FORMATS = ("text", "json")
#: the human line (the default)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# What every log record carries: not an event's own field.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line: time (UTC, ISO 8601), level, logger, message,
    then the record's own fields."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in event and not key.startswith("_"):
                event[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            from .web.guard import _where

            exc = record.exc_info[1]
            event["error"] = f"{type(exc).__name__}{_where(exc)}"
        # Newlines inside a value are escaped, so a record is always exactly one line.
        return json.dumps(event, ensure_ascii=False, default=str)


def setup(log_format: str = "text") -> None:
    """Send the log (INFO and up) to standard error in `log_format`: "text" or "json"."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonLines())
        # Python's warnings (a library's deprecation, say) as records too, not as loose text.
        logging.captureWarnings(True)
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    # python-engineio and python-socketio give their server's logger a bare handler of its own
    # (the message alone, not in this format) unless its level is set when the server is made:
    # set their own default, errors only, so that their records reach this handler alone.
    for name in ("engineio.server", "socketio.server"):
        library = logging.getLogger(name)
        if library.level == logging.NOTSET:
            library.setLevel(logging.ERROR)
