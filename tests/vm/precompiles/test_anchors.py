"""ANCHOR (0x110): child headers enter the parent only when linked and sealed; forged ones are refused with reasons."""

from typing import Any

import pytest
import rlp
from eth_abi import decode

from tests.vm.precompiles.child_chains import (
    authority_child,
    authority_genesis,
    coinbase_proofs,
    mine,
)
from tests.vm.precompiles.dev_calls import ADDRESSES, KEYS, new_chain, returned, send
from walton.consensus.labor import HEADER_CREDIT
from walton.vm.networks.dev import DEV_MINIMUM_DIFFICULTY
from walton.vm.precompiles.anchors import ANCHORS, AUTHORITY, WPOC, ChainRegistered, HeadersAnchored
from walton.vm.precompiles.labor import LABOR

CHILD = 7001
RELAYER = 3
MEMBERS = [ADDRESSES[5], ADDRESSES[6], ADDRESSES[7]]
MEMBER_KEYS = {ADDRESSES[i]: KEYS[i] for i in (5, 6, 7, 8)}


@pytest.fixture(scope="module")
def child() -> Any:
    """A WPoC child chain with three sealed blocks."""
    chain = new_chain()
    for _ in range(3):
        mine(chain, ADDRESSES[4])
    return chain


@pytest.fixture(scope="module")
def rival() -> Any:
    """Another WPoC chain from the same genesis, mined by someone else: a competing branch of the child."""
    chain = new_chain()
    for _ in range(4):
        mine(chain, ADDRESSES[8])
    return chain


def _headers(child: Any, *numbers: int) -> list[Any]:
    return [child.get_canonical_block_header_by_number(number) for number in numbers]


def _register_wpoc(parent: Any, child: Any) -> None:
    genesis = rlp.encode(_headers(child, 0)[0])
    outcome = send(parent, ANCHORS, "registerChain", CHILD, genesis, WPOC, [], DEV_MINIMUM_DIFFICULTY)
    assert outcome.ok, outcome.reason


def _submit(parent: Any, child: Any, headers: list[Any], proofs: list[bytes] | None = None) -> Any:
    encoded = [rlp.encode(header) for header in headers]
    proofs = coinbase_proofs(child, headers) if proofs is None else proofs
    return send(parent, ANCHORS, "submitHeaders", CHILD, encoded, proofs, sender=RELAYER)


def _head(parent: Any) -> tuple[Any, ...]:
    return returned(ANCHORS, "head", send(parent, ANCHORS, "head", CHILD))


def _credit(parent: Any, who: int) -> int:
    return int(returned(LABOR, "credit", send(parent, LABOR, "credit", ADDRESSES[who]))[0])


def test_registration_anchors_the_genesis_once(child: Any) -> None:
    parent = new_chain()
    genesis = _headers(child, 0)[0]
    outcome = send(parent, ANCHORS, "registerChain", CHILD, rlp.encode(genesis), WPOC, [])
    assert returned(ANCHORS, "registerChain", outcome) == (genesis.hash,)
    (log,) = outcome.receipt.logs
    assert log.topics == (int.from_bytes(ChainRegistered.topic, "big"), CHILD)
    assert decode(["bytes32", "uint8"], log.data) == (genesis.hash, WPOC)
    assert _head(parent) == (0, genesis.hash)
    again = send(parent, ANCHORS, "registerChain", CHILD, rlp.encode(genesis), WPOC, [])
    assert f"chain {CHILD} is already registered" in again.reason
    for arguments, reason in [
        ((CHILD + 1, rlp.encode(genesis), 3, []), "consensus must be 1 (WPoC) or 2 (authority)"),
        ((CHILD + 1, b"\x01\x02", WPOC, []), "the genesis header is not an RLP IoT block header"),
        ((CHILD + 1, rlp.encode(genesis), WPOC, [ADDRESSES[0]]), "a WPoC chain has no authorities"),
        ((CHILD + 1, rlp.encode(genesis), AUTHORITY, []), "genesis header"),
    ]:
        assert reason in send(parent, ANCHORS, "registerChain", *arguments).reason
    assert "is not registered" in send(parent, ANCHORS, "head", CHILD + 1).reason


def test_sealed_linked_wpoc_headers_are_anchored_and_credited(child: Any) -> None:
    parent = new_chain()
    _register_wpoc(parent, child)
    headers = _headers(child, 1, 2)
    outcome = _submit(parent, child, headers)
    assert returned(ANCHORS, "submitHeaders", outcome) == (2,)
    anchored = [log for log in outcome.receipt.logs if log.topics[0] == int.from_bytes(HeadersAnchored.topic, "big")]
    assert [log.topics[2] for log in anchored] == [1, 2]
    assert decode(["bytes32", "address"], anchored[1].data) == (headers[1].hash, "0x" + ADDRESSES[RELAYER].hex())
    assert _head(parent) == (2, headers[1].hash)
    roots = returned(ANCHORS, "anchoredHeader", send(parent, ANCHORS, "anchoredHeader", CHILD, headers[0].hash))
    assert roots == (1, headers[0].state_root, headers[0].transaction_root, headers[0].receipt_root)
    assert _credit(parent, RELAYER) == 2 * HEADER_CREDIT
    more = _submit(parent, child, _headers(child, 3))
    assert returned(ANCHORS, "submitHeaders", more) == (3,)


def test_forged_unlinked_and_badly_sealed_wpoc_headers_are_refused(child: Any) -> None:
    parent = new_chain()
    _register_wpoc(parent, child)
    one, two = _headers(child, 1, 2)
    proof_one, proof_two = coinbase_proofs(child, [one, two])
    cases = [
        ([two], [proof_two], "header 0 refused: block 2: its parent is not anchored"),
        ([one, one], [proof_one, proof_one], "header 1 refused: block 1: parent hash"),
        ([one.copy(nonce=(int.from_bytes(one.nonce, "big") + 1).to_bytes(8, "big"))], [proof_one], "bad seal"),
        ([one.copy(extra_data=b"forged")], [proof_one], "bad seal: InvalidMixDigestError"),
        ([one.copy(difficulty=one.difficulty * 2)], [proof_one], "the rule gives"),
        ([one.copy(timestamp=0)], [proof_one], "is not after its parent's"),
        ([one], [b"\x01\x02\x03"], "coinbase account proof"),
        ([one], [proof_two], "coinbase account proof: proof does not match root"),
        ([one], [], "needs one coinbase proof per header"),
        ([], [], "submit 1 to 64 headers"),
        ([one, two.copy(gas_used=1)], [proof_one, proof_two], "header 1 refused"),
    ]
    for headers, proofs, reason in cases:
        outcome = _submit(parent, child, headers, proofs)
        assert reason in outcome.reason, (reason, outcome.reason)
    garbage = send(parent, ANCHORS, "submitHeaders", CHILD, [b"\xc0"], [b""], sender=RELAYER)
    assert "header 0 is not an RLP IoT block header" in garbage.reason
    unknown = send(parent, ANCHORS, "submitHeaders", CHILD + 9, [rlp.encode(one)], [proof_one])
    assert f"chain {CHILD + 9} is not registered" in unknown.reason
    assert _head(parent)[0] == 0 and _credit(parent, RELAYER) == 0
    unanchored = send(parent, ANCHORS, "anchoredHeader", CHILD, one.hash)
    assert "is not anchored" in unanchored.reason


def test_authority_headers_follow_the_turn_and_announced_member_sets() -> None:
    parent = new_chain()
    genesis = authority_genesis(MEMBERS)
    registered = send(parent, ANCHORS, "registerChain", CHILD, rlp.encode(genesis), AUTHORITY, [])
    assert registered.ok, registered.reason
    one = authority_child(genesis, MEMBER_KEYS[MEMBERS[1]])  # block 1: members[1 % 3]
    new_members = [MEMBERS[0], ADDRESSES[8]]
    two = authority_child(one, MEMBER_KEYS[MEMBERS[2]], announce=new_members)
    three = authority_child(two, MEMBER_KEYS[new_members[1]])  # block 3 under the announced set: index 1
    outcome = send(parent, ANCHORS, "submitHeaders", CHILD, [rlp.encode(h) for h in (one, two)], [b"", b""])
    assert returned(ANCHORS, "submitHeaders", outcome) == (2,)
    old_turn = authority_child(two, MEMBER_KEYS[MEMBERS[0]])  # block 3 would be members[0] under the old set
    refusals = [
        (old_turn, "but it is 0x" + new_members[1].hex() + "'s turn"),
        (authority_child(two, KEYS[9]), "(not a member)"),
        (authority_child(one, MEMBER_KEYS[MEMBERS[2]]), "block 2: parent hash"),  # not linked to the head
        (three.copy(extra_data=b""), "too short for a 65-byte authority signature"),
        (authority_child(two, MEMBER_KEYS[new_members[1]], difficulty=2), "difficulty 1"),
    ]
    for header, reason in refusals:
        refused = send(parent, ANCHORS, "submitHeaders", CHILD, [rlp.encode(header)], [b""])
        assert reason in refused.reason, (reason, refused.reason)
    with_proof = send(parent, ANCHORS, "submitHeaders", CHILD, [rlp.encode(three)], [b"\x01"])
    assert "takes no coinbase proofs" in with_proof.reason
    accepted = send(parent, ANCHORS, "submitHeaders", CHILD, [rlp.encode(three)], [])
    assert returned(ANCHORS, "submitHeaders", accepted) == (3,)


def _anchored(parent: Any, header: Any) -> bool:
    return send(parent, ANCHORS, "anchoredHeader", CHILD, header.hash).ok


def test_the_heaviest_wpoc_branch_is_the_anchored_chain(child: Any, rival: Any) -> None:
    parent = new_chain()
    _register_wpoc(parent, child)
    rival_one = _headers(rival, 1)
    assert returned(ANCHORS, "submitHeaders", _submit(parent, rival, rival_one)) == (1,)
    ours = _headers(child, 1, 2, 3)
    assert returned(ANCHORS, "submitHeaders", _submit(parent, child, ours)) == (3,)  # heavier: the head moves
    assert _head(parent) == (3, ours[2].hash)
    assert not _anchored(parent, rival_one[0]) and all(_anchored(parent, header) for header in ours)
    again = _submit(parent, child, ours[:1])
    assert "is already anchored" in again.reason
    rest = _headers(rival, 2, 3, 4)
    assert returned(ANCHORS, "submitHeaders", _submit(parent, rival, rest)) == (4,)  # the rival branch is heavier now
    assert _head(parent) == (4, rest[2].hash)
    assert not any(_anchored(parent, header) for header in ours)
    assert all(_anchored(parent, header) for header in rival_one + rest)
