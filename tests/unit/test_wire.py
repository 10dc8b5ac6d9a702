"""The kit's Socket.IO packet writer: the same messages as python-socketio's, written faster."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from socketio import packet

from workshops.web.wire import ViewPacket

# What views hold: text keys, text, 64-bit integers, finite floats, booleans, None, lists.
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)


def _payload(encoded: str) -> object:
    return json.loads(encoded[encoded.index("[") :])


@given(values, st.none() | st.integers(0, 10_000))
def test_it_writes_what_python_socketio_writes(view, ack_id):
    kind = packet.EVENT if ack_id is None else packet.ACK
    ours = ViewPacket(kind, data=["own_view", view], id=ack_id).encode()
    theirs = packet.Packet(kind, data=["own_view", view], id=ack_id).encode()
    assert isinstance(ours, str)
    assert ours[: ours.index("[")] == theirs[: theirs.index("[")]  # type and ack id
    assert _payload(ours) == _payload(theirs)


def test_finnish_is_sent_as_itself_and_number_keys_as_text():
    encoded = ViewPacket(packet.EVENT, data=["pupil_view", {"title": "Jämäkkyyttä", 3: "kolme"}]).encode()
    assert "Jämäkkyyttä" in encoded and "\\u00e4" not in encoded
    assert _payload(encoded) == ["pupil_view", {"title": "Jämäkkyyttä", "3": "kolme"}]


def test_what_orjson_refuses_is_still_written():
    huge = 2**70
    encoded = ViewPacket(packet.EVENT, data=["own_view", {"n": huge}]).encode()
    assert _payload(encoded) == ["own_view", {"n": huge}]


def test_incoming_packets_are_read_as_before_binary_attachments_included():
    text = '2["pupil",{"cid":"c1","action":{"type":"talk"}}]'
    assert ViewPacket(encoded_packet=text).data == packet.Packet(encoded_packet=text).data
    binary = ViewPacket(encoded_packet='51-["pupil",{"_placeholder":true,"num":0}]')
    assert binary.packet_type == packet.BINARY_EVENT and binary.attachment_count == 1
    assert binary.add_attachment(b"\x00\x01")
    assert binary.data == ["pupil", b"\x00\x01"]
