"""A lightweight Socket.IO v5 / Engine.IO v4 client over WebSocket, for load generation.

Thousands of these share one asyncio event loop in the load generator. Each is an
`asyncio.Protocol` that does its own WebSocket framing (no library: a frame is a
two-to-ten-byte header and, from the client, a mask), so the generator spends a few
microseconds per received frame and stays far from being the bottleneck. It parses
only what the benchmark must: the event name and the view's `rev` are peeked at in the
raw bytes; a full JSON parse happens only for the events named in `keep`.

What it speaks (see docs/protocol.md for the kit's side):

- WebSocket upgrade of `GET /socket.io/?EIO=4&transport=websocket` with an `Origin`
  header equal to the server's URL (the kit accepts the same origin only);
- Engine.IO open `0{...}`, ping `2` -> pong `3`, close `1`;
- Socket.IO connect `40{auth}` -> `40{sid}` or `44{error}`;
- events with an ack id `42<id>["event",data]` -> `43<id>[data]`;
- events from the server `42["event",data]`, recorded as (time, event, rev, bytes).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import re
import time
from collections.abc import Iterable
from typing import Any

now = time.perf_counter

_REV = re.compile(rb'"rev": ?(\d+)')
_ACK = re.compile(rb"43(\d+)")
_ZERO_MASK = b"\x00\x00\x00\x00"  # a valid mask key: the payload goes out as it is, no XOR needed

try:  # orjson is faster when it is there; the standard library is enough
    import orjson

    def _dumps(obj: Any) -> bytes:
        return orjson.dumps(obj)

    _loads = orjson.loads
except ImportError:  # pragma: no cover - depends on the machine

    def _dumps(obj: Any) -> bytes:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()

    _loads = json.loads


class Refused(Exception):
    """The server answered the Socket.IO connect with `44` (connect_error)."""

    def __init__(self, data: Any):
        super().__init__(str(data))
        self.data = data


class Closed(Exception):
    """The connection closed before the answer came."""


class Hub:
    """What all clients of one run share: the server's address and the delivery counters."""

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        self.frames = 0  # every WebSocket message received, of every kind
        self.bytes = 0
        self.per_event: dict[str, list[int]] = {}  # event -> [count, bytes]
        self.sampling = False
        self.samples: dict[str, list] = {}  # event -> [seen, [raw frames]]: a reservoir per event
        # As static/js/lib.js connects: the session code in the Socket.IO URL's query too, which
        # a proxy routes by (bench/cluster.py); off for the single-server runs, as they always were.
        self.code_in_query = False
        self.cookie = ""  # the facilitator's login cookie, for a kit started with --password

    def take_samples(self) -> dict[str, list[bytes]]:
        out = {k: v[1] for k, v in self.samples.items()}
        self.samples = {}
        return out

    def counters(self) -> tuple[int, int, dict[str, tuple[int, int]]]:
        return self.frames, self.bytes, {k: (v[0], v[1]) for k, v in self.per_event.items()}

    def _request(self, code: str | None = None) -> bytes:
        key = base64.b64encode(os.urandom(16)).decode()
        query = f"code={code}&" if code and self.code_in_query else ""
        return (
            f"GET /socket.io/?{query}EIO=4&transport=websocket HTTP/1.1\r\n"
            f"Host: {self.host}:{self.port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: {self.url}\r\n\r\n"
        ).encode()


def _frame(payload: bytes, opcode: int = 1) -> bytes:
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    return head + _ZERO_MASK + payload


class SioClient(asyncio.Protocol):
    """One Socket.IO connection. Create, then `await connect(auth)`; `call()` sends with an ack."""

    def __init__(self, hub: Hub, keep: Iterable[str] = (), record: bool = True):
        self.hub = hub
        self.keep = frozenset(keep)
        self.record = record
        self.events: list[tuple[float, str, int, int]] = []  # (time, event, rev, bytes)
        self.last: dict[str, Any] = {}  # event -> its last payload (events in `keep` only)
        self.best: dict[str, int] = {}  # event -> highest rev seen
        self.transport: asyncio.Transport | None = None
        self.sid: str | None = None
        self.connected = False
        self.closed = False
        self.dropped = False  # closed by the server or the network, not by us
        self.refusal: Any = None
        self.t_closed: float | None = None
        self.close_reason: str | None = None  # what the server or network did: for a drop's diagnosis
        self._closing = False
        self._auth = b"{}"
        self._code: str | None = None
        self._buf = bytearray()
        self._upgraded = False
        self._frag: bytearray | None = None
        self._opened: asyncio.Future | None = None
        self._acks: dict[int, asyncio.Future] = {}
        self._next = 0
        self._want: dict[str, list[tuple[int, asyncio.Future]]] = {}

    # -- connecting ---------------------------------------------------------------------------
    async def connect(self, auth: dict[str, Any], timeout: float = 30.0) -> SioClient:
        loop = asyncio.get_running_loop()
        self._auth = _dumps(auth)
        self._code = auth.get("code")
        self._opened = loop.create_future()
        self._buf = bytearray()
        self._upgraded = False
        self.closed = self.dropped = self._closing = False
        self.refusal = None
        await asyncio.wait_for(loop.create_connection(lambda: self, self.hub.host, self.hub.port), timeout)
        await asyncio.wait_for(asyncio.shield(self._opened), timeout)
        return self

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.hub._request(self._code))  # type: ignore[attr-defined]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.connected = False
        self.t_closed = now()
        if self.close_reason is None:
            self.close_reason = f"{type(exc).__name__}: {exc}" if exc else "tcp closed by the server"
        if not self._closing:
            self.dropped = True
        err = Closed("connection closed")
        if self._opened is not None and not self._opened.done():
            self._opened.set_exception(err)
        for fut in self._acks.values():
            if not fut.done():
                fut.set_exception(err)
        self._acks.clear()
        for waiting in self._want.values():
            for _rev, fut in waiting:
                if not fut.done():
                    fut.set_exception(err)
        self._want.clear()

    def close(self) -> None:
        """Close as a page does when it is left (a WebSocket close, then the TCP close)."""
        self._closing = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_frame(b"\x03\xe8", 8))
            self.transport.close()

    def abort(self) -> None:
        """Drop the connection at once, as a phone losing the Wi-Fi (no close frame)."""
        self._closing = True
        if self.transport is not None:
            self.transport.abort()

    # -- receiving ----------------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        buf = self._buf
        buf += data
        if not self._upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buf[:end]).split(b"\r\n", 1)[0]
            del buf[: end + 4]
            if b" 101 " not in status:
                self.refusal = {"error": "http", "message": status.decode("latin-1")}
                if self._opened is not None and not self._opened.done():
                    self._opened.set_exception(Refused(self.refusal))
                self._closing = True
                self.transport.close()  # type: ignore[union-attr]
                return
            self._upgraded = True
        pos = 0
        size = len(buf)
        while size - pos >= 2:
            b0 = buf[pos]
            length = buf[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                head = 10
            end = pos + head + length
            if end > size:
                break
            payload = bytes(buf[pos + head : end])
            pos = end
            opcode = b0 & 0x0F
            if opcode == 0 or not b0 & 0x80:  # a fragmented message
                if opcode:
                    self._frag = bytearray(payload)
                elif self._frag is not None:
                    self._frag += payload
                if b0 & 0x80 and self._frag is not None:
                    whole, self._frag = bytes(self._frag), None
                    self._message(whole)
            elif opcode in (1, 2):
                self._message(payload)
            elif opcode == 9:  # WebSocket ping
                self.transport.write(_frame(payload, 10))  # type: ignore[union-attr]
            elif opcode == 8:  # close
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                self.close_reason = self.close_reason or f"websocket close {code}"
                self.transport.close()  # type: ignore[union-attr]
        if pos:
            del buf[:pos]

    def _message(self, data: bytes) -> None:
        hub = self.hub
        hub.frames += 1
        hub.bytes += len(data)
        kind = data[:1]
        if kind == b"4":
            packet = data[1:2]
            if packet == b"2":
                self._event(data)
            elif packet == b"3":
                m = _ACK.match(data)
                if m is None:
                    return
                fut = self._acks.pop(int(m.group(1)), None)
                if fut is not None and not fut.done():
                    value = _loads(data[m.end() :])
                    fut.set_result((now(), value[0] if value else None))
            elif packet == b"0":
                self.sid = _loads(data[2:]).get("sid") if len(data) > 2 else None
                self.connected = True
                if self._opened is not None and not self._opened.done():
                    self._opened.set_result(True)
            elif packet == b"4":
                body = _loads(data[2:]) if len(data) > 2 else {}
                # python-socketio sends {message, data}; the kit's refusal is in `data`
                self.refusal = body.get("data", body) if isinstance(body, dict) else body
                if self._opened is not None and not self._opened.done():
                    self._opened.set_exception(Refused(self.refusal))
            elif packet == b"1":
                self.close_reason = self.close_reason or "socket.io disconnect"
                self.connected = False
        elif kind == b"2":  # Engine.IO ping
            self.transport.write(_frame(b"3"))  # type: ignore[union-attr]
        elif kind == b"0":  # Engine.IO open
            self.transport.write(_frame(b"40" + self._auth))  # type: ignore[union-attr]
        elif kind == b"1":
            self.close_reason = self.close_reason or "engine.io close"
            self.connected = False

    def _event(self, data: bytes) -> None:
        t = now()
        end = data.find(b'"', 4)
        name = data[4:end].decode()
        m = _REV.search(data, end, end + 160)
        rev = int(m.group(1)) if m else -1
        size = len(data)
        counts = self.hub.per_event.get(name)
        if counts is None:
            self.hub.per_event[name] = [1, size]
        else:
            counts[0] += 1
            counts[1] += size
        if self.record:
            self.events.append((t, name, rev, size))
        if self.hub.sampling:
            kept = self.hub.samples.get(name)
            if kept is None:
                self.hub.samples[name] = [1, [data]]
            else:
                kept[0] += 1
                if len(kept[1]) < 32:
                    kept[1].append(data)
                elif random.random() * kept[0] < 32:
                    kept[1][random.randrange(32)] = data
        if name in self.keep:
            self.last[name] = _loads(data[2:])[1]
        if rev > self.best.get(name, -1):
            self.best[name] = rev
        waiting = self._want.get(name)
        if waiting:
            still = []
            for want, fut in waiting:
                if rev >= want:
                    if not fut.done():
                        fut.set_result(t)
                else:
                    still.append((want, fut))
            self._want[name] = still

    # -- sending ------------------------------------------------------------------------------
    def call(self, event: str, data: Any) -> asyncio.Future:
        """Send an event with an ack id; the future gives (time of the ack, the ack's value)."""
        fut = asyncio.get_running_loop().create_future()
        if self.closed or self.transport is None:
            fut.set_exception(Closed("not connected"))
            return fut
        ident = self._next
        self._next += 1
        self._acks[ident] = fut
        self.transport.write(_frame(b"42%d" % ident + _dumps([event, data])))
        return fut

    def until(self, event: str, rev: int) -> asyncio.Future:
        """A future of the time the first `event` with revision >= `rev` arrived."""
        fut = asyncio.get_running_loop().create_future()
        if self.best.get(event, -1) >= rev:
            first = next((t for t, name, r, _ in self.events if name == event and r >= rev), now())
            fut.set_result(first)
        elif self.closed:
            fut.set_exception(Closed("connection closed"))
        else:
            self._want.setdefault(event, []).append((rev, fut))
        return fut


# -- plain HTTP, one connection per request (as a phone makes its first request) ----------------------
async def http(
    hub: Hub, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None, timeout: float = 60.0
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on its own connection (`Connection: close`); returns status, headers, body."""

    async def go() -> tuple[int, dict[str, str], bytes]:
        reader, writer = await asyncio.open_connection(hub.host, hub.port)
        try:
            lines = [
                f"{method} {path} HTTP/1.1",
                f"Host: {hub.host}:{hub.port}",
                "Connection: close",
                f"Content-Length: {len(body)}",
            ]
            lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            raw = await reader.read()
        finally:
            writer.close()
        head, _, rest = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        out: dict[str, str] = {}
        for line in header_lines:
            k, _, v = line.partition(":")
            key = k.strip().lower()
            out[key] = (out[key] + "\n" if key in out else "") + v.strip()
        if "chunked" in out.get("transfer-encoding", ""):
            rest = _unchunk(rest)
        return int(status_line.split()[1]), out, rest

    return await asyncio.wait_for(go(), timeout)


def _unchunk(data: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            return bytes(out)
        size = int(data[pos:eol].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2


async def take_seat(hub: Hub, code: str, lang: str = "fi", timeout: float = 60.0) -> dict[str, Any]:
    """`POST /j/<code>/seat` as the join page does it; returns the JSON answer."""
    status, _headers, body = await http(
        hub,
        "POST",
        f"/j/{code}/seat",
        b'{"lang":"' + lang.encode() + b'"}',
        {"Content-Type": "application/json", "Origin": hub.url},
        timeout=timeout,
    )
    try:
        answer = _loads(body)
    except ValueError:
        answer = {"ok": False, "error": f"http {status}", "message": body[:200].decode("latin-1")}
    if not isinstance(answer, dict):
        answer = {"ok": False, "error": f"http {status}"}
    answer.setdefault("status", status)
    return answer
