"""EPCIS 2.0 ObjectEvents and GS1's event hash, checked against GS1's published examples."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from walton.hardware.epcis import epcis_document, event_digest, event_hash, object_event, pre_hash_string

# From GS1's EPCIS event hash generator reference examples (epcisDocWithSingleEvent, TimeStampRoundOff):
# the events as GS1 publishes them and the hashes GS1 publishes for them.
SINGLE_EVENT_HASH = "ni:///sha-256;3e0f2437f4cb5e8a1b832b769c0eed1bf3e1421f14061132e9800ded03f10182?ver=CBV2.0"
ROUND_OFF_HASHES = [
    "ni:///sha-256;af7658e711574363633f20b3dadc7bc4c13c6f612cf96d95e03c421c0e58f3c6?ver=CBV2.0",
    "ni:///sha-256;0550df44527332c1fe417c5837fe61b9e71eaa93307b88519dac549bf2d4dcf9?ver=CBV2.0",
]


def test_gs1_single_event_example_built_by_object_event() -> None:
    event = object_event(
        ["urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2018"],
        datetime(2022, 2, 16, 20, 33, 31, 116000, tzinfo=timezone(timedelta(hours=-6))),
        biz_step="shipping",
        disposition="in_transit",
        read_point="urn:epc:id:sgln:0614141.07346.1234",
        biz_transactions=[("http://transaction.acme.com/po/12345678", "po")],
    )
    assert event["eventTimeZoneOffset"] == "-06:00"
    assert event_hash(event) == SINGLE_EVENT_HASH
    # The same event with URN vocabulary and EPCs in another order hashes the same.
    event.update(bizStep="urn:epcglobal:cbv:bizstep:shipping", disposition="urn:epcglobal:cbv:disp:in_transit")
    event["epcList"] = list(reversed(event["epcList"]))
    assert event_hash(event) == SINGLE_EVENT_HASH


def test_gs1_timestamp_round_off_examples() -> None:
    common = {"type": "ObjectEvent", "eventTimeZoneOffset": "+01:00", "action": "OBSERVE"}
    first = {
        **common,
        "eventTime": "2023-02-02T11:04:03.1415Z",
        "epcList": ["https://id.gs1.de/00/040123451111111110"],
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": {"id": "https://id.gs1.de/414/4012345000115"},
    }
    second = {
        **common,
        "eventTime": "2023-02-02T11:04:03.1414Z",
        "epcList": ["https://id.gs1.de/00/040123451111111110"],
        "bizStep": "transporting",
        "readPoint": {"id": "geo:50.947573340894124,6.922120147375441"},
    }
    assert [event_hash(first), event_hash(second)] == ROUND_OFF_HASHES
    assert "eventTime=2023-02-02T11:04:03.142Z" in pre_hash_string(first)
    assert "eventTime=2023-02-02T11:04:03.141Z" in pre_hash_string(second)


def test_any_change_changes_the_hash_and_unsupported_fields_are_refused() -> None:
    moment = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    event = object_event(["urn:epc:id:sgtin:0614141.812345.6789"], moment, biz_step="inspecting")
    digest = event_digest(event)
    assert len(digest) == 32
    assert event_digest({**event, "bizStep": "encoding"}) != digest
    assert event_digest({**event, "eventTime": "2024-05-01T12:00:00.001Z"}) != digest
    assert event_digest({**event, "eventID": "ni:///whatever"}) == digest  # the id is not hashed
    with pytest.raises(ValueError, match="not implemented for fields"):
        event_hash({**event, "ilmd": {}})
    with pytest.raises(ValueError, match="time zone"):
        object_event([], datetime(2024, 5, 1))
    document = epcis_document([event], moment)
    assert document["epcisBody"]["eventList"] == [event]
