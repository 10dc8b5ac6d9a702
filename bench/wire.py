"""What writing one Socket.IO message costs: python-socketio's packet writer against the kit's.

`python3 -m bench.wire [--pupils 25] [--repeat 2000]` builds the views of a class playing
Arjen valinnat (console, projector, the pupils' shared view and one pupil's own view) in
process, then times `Packet(EVENT, [event, view]).encode()` with python-socketio's `Packet`
and with `workshops.web.wire.ViewPacket`, and, for the first, its two parts: the search for
binary attachments and `json.dumps`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from typing import Any

from socketio import packet


def _per_call_us(fn: Callable[[], Any], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1e6


def class_views(pupils: int) -> dict[str, dict[str, Any]]:
    """The four views of a class in Arjen valinnat, split into teams, one round dealt."""
    from workshops.app import create_app
    from workshops.sessions import views

    app = create_app({"DATA_DIR": tempfile.mkdtemp(prefix="bench-wire-"), "TIMER_LOOP": False, "TESTING": True})
    manager = app.extensions["workshops"].manager
    live = manager.create(app.extensions["workshops"].library.get("arjen-valinnat"))
    for _ in range(pupils):
        manager.join(live)
    manager.submit(live, "host", {"type": "teams", "count": 4})
    step = next(i for i, s in enumerate(live.state.pack.agenda) if s.kind == "boardgame")
    manager.submit(live, "host", {"type": "goto", "step": step, "expect": -1})
    step_id = live.state.pack.agenda[step].id
    for command in ("start", "deal"):
        manager.submit(live, "host", {"type": "act", "step": step_id, "action": {"type": command}})
    host = app.extensions["workshops"].fanout.host_view(live)
    state = live.state
    return {
        "host_view": host,
        "screen_view": views.screen_view(state),
        "pupil_view": views.pupil_common(state),
        "own_view": views.pupil_own(state, "p1"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.wire", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=25, help="pupils in the class (25)")
    parser.add_argument("--repeat", type=int, default=2000, help="encodings per figure (2000)")
    opts = parser.parse_args(argv)
    print(
        f"| message ({opts.pupils} pupils) | bytes | python-socketio µs | of which binary search µs "
        "| of which json.dumps µs | kit's writer µs | bytes (kit) |"
    )
    print("|---|---|---|---|---|---|---|")
    for event, view in class_views(opts.pupils).items():
        print(_row(event, [event, view], opts.repeat))
    return 0


def _row(event: str, data: list[Any], repeat: int) -> str:
    """One message's line of the table: its size and what writing it costs, both writers."""
    from workshops.web.wire import ViewPacket

    default = _per_call_us(lambda: packet.Packet(packet.EVENT, data=data).encode(), repeat)
    search = _per_call_us(lambda: packet.Packet.data_is_binary(data), repeat)
    dumps = _per_call_us(lambda: json.dumps(data, separators=(",", ":")), repeat)
    kit = _per_call_us(lambda: ViewPacket(packet.EVENT, data=data).encode(), repeat)
    size = len(packet.Packet(packet.EVENT, data=data).encode().encode())
    kit_size = len(ViewPacket(packet.EVENT, data=data).encode().encode())
    return f"| `{event}` | {size:,} | {default:.1f} | {search:.1f} | {dumps:.1f} | {kit:.1f} | {kit_size:,} |"


if __name__ == "__main__":
    raise SystemExit(main())
