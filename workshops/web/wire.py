"""How Socket.IO packets are written: orjson, and no search for binary attachments.

python-socketio walks every value of every outgoing message looking for bytes, then encodes it
with the standard json module. For a class's console view (10 kB) that is ~270 µs of walking
and ~110 µs of encoding per message; the kit never sends bytes, and orjson writes the same JSON
in ~20 µs. Incoming packets are read as before, binary attachments included (handlers refuse
them), and with python-engineio's guard against huge integers.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from engineio import json as engineio_json
from socketio import packet

_OPTIONS = orjson.OPT_NON_STR_KEYS  # like json.dumps: {1: x} is sent as {"1": x}


class _Json:
    """The `json` module python-socketio calls: orjson out, the guarded standard parser in."""

    @staticmethod
    def dumps(obj: Any, **_ignored: Any) -> str:
        # Non-ASCII as UTF-8, not \u escapes: Finnish text is shorter on the wire, same meaning.
        try:
            return orjson.dumps(obj, option=_OPTIONS).decode()
        except orjson.JSONEncodeError:
            # What orjson does not take (an integer past 64 bits) the standard module may.
            return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)

    loads = staticmethod(engineio_json.loads)


class ViewPacket(packet.Packet):
    """A Socket.IO packet for a server that only ever sends JSON."""

    json = _Json

    def __init__(
        self,
        packet_type: int = packet.EVENT,
        data: Any = None,
        namespace: str | None = None,
        id: int | None = None,
        binary: bool | None = None,
        encoded_packet: Any = None,
    ) -> None:
        if binary is None and encoded_packet is None:
            binary = False  # an outgoing packet: the kit's views and acks hold no bytes
        super().__init__(packet_type, data, namespace, id, binary, encoded_packet)
