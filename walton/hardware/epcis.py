"""RFID observations as GS1 EPCIS 2.0 ObjectEvents (JSON-LD) and their canonical event hash.

The hash is GS1's EPCIS Event Hash ID (CBV 2.0, section 8.9): the event's fields are written in a fixed
order as ``key=value`` without separators (list names once, list children sorted; bare CBV words, URN
vocabulary and EPC URNs expanded to Web URIs and Digital Link; times in UTC with milliseconds), hashed
with SHA-256 and written as ``ni:///sha-256;<hex>?ver=CBV2.0`` (RFC 6920). Only the ObjectEvent fields
this module emits are supported; any other field raises ValueError rather than yielding a wrong hash.
The digest is 32 bytes, so it can be anchored on chain like any sensor stamp.
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from walton.hardware.epc import DIGITAL_LINK_ROOT, digital_link

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
CBV = "https://ref.gs1.org/cbv/"
HASH_VERSION = "CBV2.0"
_VOCABULARY_PREFIX = {"bizStep": "BizStep-", "disposition": "Disp-", "type": "BTT-"}
_URN_VOCABULARY = {"bizstep": "BizStep-", "disp": "Disp-", "btt": "BTT-"}
_CURIES = {"cbv:": CBV, "gs1:": "https://gs1.org/voc/", "epcis:": "https://ref.gs1.org/epcis/"}
_DIGITAL_LINK_KEYS = {
    "00",
    "01",
    "253",
    "255",
    "401",
    "402",
    "414",
    "417",
    "8003",
    "8004",
    "8006",
    "8010",
    "8017",
    "8018",
}
_SUPPORTED = {
    "type",
    "eventID",
    "eventTime",
    "eventTimeZoneOffset",
    "epcList",
    "action",
    "bizStep",
    "disposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
}


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset()
    if delta is None:
        raise ValueError("event time must carry a time zone")
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def object_event(
    epcs: list[str],
    event_time: datetime,
    *,
    action: str = "OBSERVE",
    biz_step: str | None = None,
    disposition: str | None = None,
    read_point: str | None = None,
    biz_location: str | None = None,
    biz_transactions: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """An EPCIS 2.0 ObjectEvent as a JSON-LD object (bare CBV words, EPC URNs, as GS1's examples write them)."""
    if action not in ("ADD", "OBSERVE", "DELETE"):
        raise ValueError(f"action must be ADD, OBSERVE or DELETE, got {action!r}")
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": event_time.isoformat(timespec="milliseconds"),
        "eventTimeZoneOffset": _offset(event_time),
        "epcList": list(epcs),
        "action": action,
    }
    for key, value in (("bizStep", biz_step), ("disposition", disposition)):
        if value is not None:
            event[key] = value
    for key, value in (("readPoint", read_point), ("bizLocation", biz_location)):
        if value is not None:
            event[key] = {"id": value}
    if biz_transactions:
        event["bizTransactionList"] = [{"type": kind, "bizTransaction": ident} for ident, kind in biz_transactions]
    return event


def epcis_document(events: list[dict[str, Any]], created: datetime) -> dict[str, Any]:
    """Wrap events in an EPCISDocument, as capture interfaces accept them."""
    return {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": created.isoformat(timespec="milliseconds"),
        "epcisBody": {"eventList": events},
    }


def _utc_millis(text: str) -> str:
    """UTC with exactly three decimals, rounding half up at the fourth (rule 9)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an xsd:dateTimeStamp: {text!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no time zone")
    fraction = text.split(".", 1)[1] if "." in text else ""
    digits = "".join(ch for ch in fraction[:4] if ch.isdigit())
    moment = moment.replace(microsecond=0) + timedelta(milliseconds=int(digits[:3].ljust(3, "0")))
    if len(digits) == 4 and digits[3] in "56789":
        moment += timedelta(milliseconds=1)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _uri(value: str, vocabulary_prefix: str | None = None) -> str:
    """Expand bare CBV words, CBV URNs, CURIEs and EPC URNs to the Web URIs the hash uses (rules 14-17)."""
    value = value.strip()
    if value.startswith("urn:epcglobal:cbv:"):
        _, _, _, kind, word = value.split(":", 4)
        if kind not in _URN_VOCABULARY:
            raise ValueError(f"unsupported CBV vocabulary URN {value!r}")
        return CBV + _URN_VOCABULARY[kind] + word
    if value.startswith("urn:epc:id:"):
        return digital_link(value)
    if value.startswith(("http://", "https://")):
        return _constrained_digital_link(value)
    for prefix, expansion in _CURIES.items():
        if value.startswith(prefix):
            return expansion + value[len(prefix) :]
    if ":" not in value and vocabulary_prefix is not None:
        return CBV + vocabulary_prefix + value
    return value


def _constrained_digital_link(uri: str) -> str:
    """A GS1 Digital Link on any domain becomes https://id.gs1.org without query string (rule 18); other
    URLs stay as they are. The rule's granularity reduction is not applied: our events carry none."""
    parsed = urlsplit(uri)
    segments = parsed.path.split("/")
    if len(segments) > 2 and segments[1] in _DIGITAL_LINK_KEYS:
        return DIGITAL_LINK_ROOT + parsed.path
    return uri


def pre_hash_string(event: dict[str, Any]) -> str:
    """The canonical pre-hash string of an ObjectEvent with the fields ``object_event`` emits."""
    unsupported = set(event) - _SUPPORTED
    if unsupported:
        raise ValueError(f"event hash not implemented for fields {sorted(unsupported)}")
    if event.get("type") != "ObjectEvent":
        raise ValueError("only ObjectEvents are supported")
    parts = ["eventType=ObjectEvent", f"eventTime={_utc_millis(event['eventTime'])}"]
    parts.append(f"eventTimeZoneOffset={event['eventTimeZoneOffset'].strip()}")
    if event.get("epcList"):
        parts.append("epcList" + "".join(sorted(f"epc={_uri(epc)}" for epc in event["epcList"])))
    parts.append(f"action={event['action'].strip()}")
    for key in ("bizStep", "disposition"):
        if key in event:
            parts.append(f"{key}={_uri(event[key], _VOCABULARY_PREFIX[key])}")
    for key in ("readPoint", "bizLocation"):
        if key in event:
            if set(event[key]) != {"id"}:
                raise ValueError(f"{key} extensions are not supported")
            parts.append(f"{key}id={_uri(event[key]['id'])}")
    if event.get("bizTransactionList"):
        entries = []
        for entry in event["bizTransactionList"]:
            text = f"bizTransaction={_uri(entry['bizTransaction'])}"
            if "type" in entry:
                text += f"type={_uri(entry['type'], _VOCABULARY_PREFIX['type'])}"
            entries.append(text)
        parts.append("bizTransactionList" + "".join(sorted(entries)))
    return "".join(parts)


def event_hash(event: dict[str, Any]) -> str:
    """GS1's EPCIS Event Hash ID: ``ni:///sha-256;<hex>?ver=CBV2.0``."""
    return f"ni:///sha-256;{event_digest(event).hex()}?ver={HASH_VERSION}"


def event_digest(event: dict[str, Any]) -> bytes:
    """The 32-byte SHA-256 inside the event hash: what gets anchored on chain."""
    return hashlib.sha256(pre_hash_string(event).encode()).digest()
