"""Close Engine.IO connections that never say which session they are for.

An Engine.IO handshake costs a socket and a little memory, and a page sends its Socket.IO
CONNECT (with its code and key) at once. A client that opens handshakes and never sends one
holds server resources for nothing: after a grace time the connection is closed.
"""

from __future__ import annotations

import time
from typing import Any

from ..extensions import socketio


def watch(server: Any, grace: float, clock=time.monotonic) -> None:
    """Start closing `server`'s Engine.IO sessions that have no Socket.IO connection after `grace` s."""
    pending: dict[str, float] = {}
    admit = server._handle_eio_connect  # python-socketio's own handler, kept as it is

    def on_eio_connect(eio_sid: str, environ: dict) -> Any:
        pending[eio_sid] = clock()
        return admit(eio_sid, environ)

    server.eio.on("connect", on_eio_connect)

    def sweep() -> None:
        while True:
            socketio.sleep(min(1.0, grace / 2))
            now = clock()
            for eio_sid, since in list(pending.items()):
                if eio_sid not in server.eio.sockets or server.manager.sid_from_eio_sid(eio_sid, "/"):
                    pending.pop(eio_sid, None)  # gone, or connected to the kit's namespace
                elif now - since > grace:
                    pending.pop(eio_sid, None)
                    server.eio.disconnect(eio_sid)

    socketio.start_background_task(sweep)
