"""ANCHOR (0x110): child-chain headers, checked before they are anchored on this chain.

A child chain is registered once with its genesis header (the trust anchor: whoever relies on the
anchors compares its hash with the child's own) and its consensus: WPoC (1) or authority (2).
Headers are then checked with the same pure functions the child's own nodes use:

- parent link: parent hash, number + 1, a later timestamp;
- WPoC: the difficulty Walton's rule gives from the parent (floored at the child's minimum), and
  the X11 seal below the stake-weighted target, with the coinbase balance taken from an account
  proof against the parent's state root (``coinbaseProofs[i]``). Headers may extend any anchored
  header; the branch with the most total difficulty is the anchored chain, as it is on the child,
  so a relayer who anchors a forged branch first is overtaken by the real chain's work;
- authority: the in-turn member's signature (``walton.consensus.authority``), the member set
  carried from header to header as the headers announce changes. Only members can seal, so these
  headers only extend the anchored head.

Anchored headers keep their number and state/transactions/receipts roots; those on the anchored
chain (genesis to head) are what the PROOF precompile (0x111) proves child data against. Each
accepted header earns the sender labor credit; a header is anchored once.

Gas follows the work: storage writes are charged like SSTORE (22,100 fresh, 5,000 rewrite), reads
of the anchored head like SLOAD (2,100 a word), an authority signature like ecrecover (3,000), a
coinbase proof 400 a word (``trie_proofs.PROOF_GAS_PER_WORD``), and an X11 seal check 140,000:
pure-Python X11 takes 2.6 ms against 55 µs for ecrecover on the reference machine (46x), so
46 x 3,000.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import rlp
from eth.abc import BlockHeaderAPI, StateAPI
from eth.vm.forks.prague.blocks import PragueBlockHeader
from eth_typing import Address
from eth_utils import ValidationError

from walton.consensus.authority import header_authorities, verify_authority_header
from walton.consensus.iot_seal import iot_difficulty, seal_hash, verify_iot_seal
from walton.consensus.labor import HEADER_CREDIT
from walton.consensus.seal import SealError
from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.labor import add_credit
from walton.vm.precompiles.stateful import Call, Event, Function, PrecompileRevert, StatefulPrecompile
from walton.vm.precompiles.trie_proofs import PROOF_GAS_PER_WORD, ProofError, prove_account

ANCHOR_ADDRESS = 0x110
_ACCOUNT = Address(ANCHOR_ADDRESS.to_bytes(20, "big"))
WPOC, AUTHORITY = 1, 2
CONSENSUS_NAMES = {WPOC: "WPoC", AUTHORITY: "authority"}
MAX_HEADERS_PER_CALL = 64
MAX_AUTHORITIES = 64

SSTORE_SET_GAS = 22_100
SSTORE_RESET_GAS = 5_000
SLOAD_GAS = 2_100
ECRECOVER_GAS = 3_000
X11_SEAL_GAS = 140_000
HEADER_GAS = 2_000  # decoding and hashing one header

ChainRegistered = Event("ChainRegistered(uint256 chainId, bytes32 genesisHash, uint8 consensus)", indexed=1)
HeadersAnchored = Event(
    "HeadersAnchored(uint256 chainId, uint256 number, bytes32 blockHash, address relayer)", indexed=2
)


@dataclass(frozen=True)
class AnchoredHeader:
    number: int
    state_root: bytes
    transactions_root: bytes
    receipts_root: bytes


@dataclass(frozen=True)
class _Link:
    """What the next WPoC header is checked against: its anchored parent's fields and the work up to it."""

    hash: bytes
    number: int
    timestamp: int
    difficulty: int
    state_root: bytes
    total_difficulty: int


_ROOTS = ("stateRoot", "transactionsRoot", "receiptsRoot")
_LINK_FIELDS = ("number", "timestamp", "difficulty", "stateRoot", "totalDifficulty")


def _slot(name: str, chain_id: int, *keys: bytes | int) -> bytes:
    return storage_slot(f"anchor.{name}", chain_id, *keys)


def _store(call: Call, slot: bytes, value: int) -> None:
    """Write like SSTORE, charging as SSTORE does: a fresh slot costs more than a rewrite."""
    call.charge(SSTORE_SET_GAS if call.load(slot) == 0 and value else SSTORE_RESET_GAS, "ANCHOR storage")
    call.store(slot, value)


def _load(call: Call, slot: bytes) -> int:
    call.charge(SLOAD_GAS, "ANCHOR storage")
    return call.load(slot)


def anchored_header(state: StateAPI, chain_id: int, block_hash: bytes) -> AnchoredHeader | None:
    """The roots of ``block_hash`` if it is on ``chain_id``'s anchored chain (genesis to head), else None.

    Headers on a lighter WPoC branch stay recorded but do not count until their branch is the heaviest.
    """

    def word(name: str, *keys: bytes | int) -> int:
        return state.get_storage(_ACCOUNT, int.from_bytes(_slot(name, chain_id, *keys), "big"))

    number_plus_one = word("number", block_hash)
    if number_plus_one == 0:
        return None
    number = number_plus_one - 1
    if number > word("headNumber") or word("canonical", number).to_bytes(32, "big") != block_hash:
        return None
    return AnchoredHeader(number, *(word(name, block_hash).to_bytes(32, "big") for name in _ROOTS))


def _decode_header(data: bytes, what: str) -> BlockHeaderAPI:
    try:
        header: BlockHeaderAPI = rlp.decode(data, sedes=PragueBlockHeader)
    except (rlp.DecodingError, rlp.DeserializationError, RecursionError) as error:
        raise PrecompileRevert(f"ANCHOR: {what} is not an RLP IoT block header: {error}") from None
    return header


def _address(value: str) -> Address:
    return Address(bytes.fromhex(value[2:]))


def _authorities(call: Call, chain_id: int) -> tuple[Address, ...]:
    count = _load(call, _slot("authorityCount", chain_id))
    return tuple(
        Address(_load(call, _slot("authority", chain_id, index)).to_bytes(20, "big")) for index in range(count)
    )


def _store_authorities(call: Call, chain_id: int, members: Sequence[Address]) -> None:
    _store(call, _slot("authorityCount", chain_id), len(members))
    for index, member in enumerate(members):
        _store(call, _slot("authority", chain_id, index), int.from_bytes(member, "big"))


def _record(call: Call, chain_id: int, header: BlockHeaderAPI) -> None:
    """Keep ``header``'s number and roots: what proofs are checked against."""
    block_hash = header.hash
    if call.load(_slot("number", chain_id, block_hash)):
        raise PrecompileRevert(
            f"ANCHOR: chain {chain_id}: block {header.block_number} 0x{block_hash.hex()} is already anchored"
        )
    _store(call, _slot("number", chain_id, block_hash), header.block_number + 1)
    _store(call, _slot("stateRoot", chain_id, block_hash), int.from_bytes(header.state_root, "big"))
    _store(call, _slot("transactionsRoot", chain_id, block_hash), int.from_bytes(header.transaction_root, "big"))
    _store(call, _slot("receiptsRoot", chain_id, block_hash), int.from_bytes(header.receipt_root, "big"))


def _record_link(call: Call, chain_id: int, header: BlockHeaderAPI, total_difficulty: int) -> _Link:
    """A WPoC header's record also keeps what its children are checked against, and its parent for reorgs."""
    block_hash = header.hash
    _store(call, _slot("parent", chain_id, block_hash), int.from_bytes(header.parent_hash, "big"))
    _store(call, _slot("timestamp", chain_id, block_hash), header.timestamp)
    _store(call, _slot("difficulty", chain_id, block_hash), header.difficulty)
    _store(call, _slot("totalDifficulty", chain_id, block_hash), total_difficulty)
    return _Link(
        block_hash, header.block_number, header.timestamp, header.difficulty, header.state_root, total_difficulty
    )


def _link(call: Call, chain_id: int, block_hash: bytes) -> _Link | None:
    number_plus_one, timestamp, difficulty, state_root, total = (
        _load(call, _slot(name, chain_id, block_hash)) for name in _LINK_FIELDS
    )
    if number_plus_one == 0:
        return None
    return _Link(block_hash, number_plus_one - 1, timestamp, difficulty, state_root.to_bytes(32, "big"), total)


def _move_head(call: Call, chain_id: int, block_hash: bytes, number: int) -> None:
    """Make ``block_hash`` the head: rewrite the canonical numbers back to where its branch meets the old chain.

    Entries at or below the old head always form one chain from the genesis; entries above it may be
    left from an abandoned branch, so they never end the walk.
    """
    old_head_number = _load(call, _slot("headNumber", chain_id))
    _store(call, _slot("head", chain_id), int.from_bytes(block_hash, "big"))
    _store(call, _slot("headNumber", chain_id), number)
    while not (
        number <= old_head_number
        and _load(call, _slot("canonical", chain_id, number)).to_bytes(32, "big") == block_hash
    ):
        _store(call, _slot("canonical", chain_id, number), int.from_bytes(block_hash, "big"))
        block_hash = _load(call, _slot("parent", chain_id, block_hash)).to_bytes(32, "big")
        number -= 1


def _head_header(call: Call, chain_id: int) -> BlockHeaderAPI:
    length = call.load(_slot("headLength", chain_id))
    call.charge(SLOAD_GAS * ((length + 31) // 32), "anchored head")
    words = (call.load(_slot("headRlp", chain_id, index)).to_bytes(32, "big") for index in range((length + 31) // 32))
    return _decode_header(b"".join(words)[:length], "the anchored head")


def _set_authority_head(call: Call, chain_id: int, header: BlockHeaderAPI) -> None:
    """An authority chain only grows at its head, whose full RLP is kept to check the next header's link."""
    encoded = rlp.encode(header)
    _store(call, _slot("head", chain_id), int.from_bytes(header.hash, "big"))
    _store(call, _slot("headNumber", chain_id), header.block_number)
    _store(call, _slot("headLength", chain_id), len(encoded))
    padded = encoded.ljust((len(encoded) + 31) // 32 * 32, b"\0")
    for index in range(len(padded) // 32):
        _store(call, _slot("headRlp", chain_id, index), int.from_bytes(padded[32 * index : 32 * index + 32], "big"))


def _register(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    chain_id, genesis_rlp, consensus, authority_texts = arguments[:4]
    if consensus not in CONSENSUS_NAMES:
        raise PrecompileRevert(f"ANCHOR: consensus must be 1 (WPoC) or 2 (authority), got {consensus}")
    if call.load(_slot("consensus", chain_id)):
        raise PrecompileRevert(f"ANCHOR: chain {chain_id} is already registered")
    genesis = _decode_header(genesis_rlp, "the genesis header")
    authorities = tuple(_address(text) for text in authority_texts)
    if consensus == WPOC:
        if authorities:
            raise PrecompileRevert("ANCHOR: a WPoC chain has no authorities")
        minimum = arguments[4] if len(arguments) > 4 else genesis.difficulty
        if minimum <= 0:
            raise PrecompileRevert(f"ANCHOR: the minimum difficulty must be positive, got {minimum}")
    else:
        if len(arguments) > 4:
            raise PrecompileRevert("ANCHOR: an authority chain has no minimum difficulty")
        if not authorities:
            try:
                authorities = header_authorities(genesis) or ()
            except ValidationError as error:
                raise PrecompileRevert(f"ANCHOR: genesis header: {error}") from None
        if not authorities or len(authorities) > MAX_AUTHORITIES or len(set(authorities)) != len(authorities):
            raise PrecompileRevert(
                f"ANCHOR: an authority chain needs 1 to {MAX_AUTHORITIES} distinct authorities, got {len(authorities)}"
            )
    _store(call, _slot("consensus", chain_id), consensus)
    _record(call, chain_id, genesis)
    _store(call, _slot("canonical", chain_id, genesis.block_number), int.from_bytes(genesis.hash, "big"))
    if consensus == WPOC:
        _store(call, _slot("minimumDifficulty", chain_id), minimum)
        _record_link(call, chain_id, genesis, genesis.difficulty)
        _store(call, _slot("head", chain_id), int.from_bytes(genesis.hash, "big"))
        _store(call, _slot("headNumber", chain_id), genesis.block_number)
    else:
        _store_authorities(call, chain_id, authorities)
        _set_authority_head(call, chain_id, genesis)
    call.emit(ChainRegistered, chain_id, genesis.hash, consensus)
    return (genesis.hash,)


def _check_wpoc(call: Call, header: BlockHeaderAPI, parent: _Link, minimum: int, proof: bytes) -> None:
    number = header.block_number
    if header.parent_hash != parent.hash:
        raise ValidationError(f"block {number}: parent hash 0x{header.parent_hash.hex()} is not 0x{parent.hash.hex()}")
    if number != parent.number + 1:
        raise ValidationError(f"block {number} cannot follow block {parent.number}")
    if header.timestamp <= parent.timestamp:
        raise ValidationError(f"block {number}: timestamp {header.timestamp} is not after its parent's")
    want = iot_difficulty(parent.number, parent.difficulty, parent.timestamp, header.timestamp, minimum)
    if header.difficulty != want:
        raise ValidationError(f"block {number}: difficulty {header.difficulty}, the rule gives {want}")
    call.charge(PROOF_GAS_PER_WORD * ((len(proof) + 31) // 32), "coinbase account proof")
    try:
        balance = prove_account(parent.state_root, header.coinbase, proof).balance
    except ProofError as error:
        raise ValidationError(f"block {number}: coinbase account proof: {error}") from None
    call.charge(X11_SEAL_GAS, "X11 seal")
    try:
        nonce = int.from_bytes(header.nonce, "big")
        verify_iot_seal(number, header.difficulty, seal_hash(header), nonce, header.mix_hash, balance)
    except SealError as error:
        raise ValidationError(f"block {number}: bad seal: {type(error).__name__}: {error}") from None


def _refused(chain_id: int, index: int, error: Exception) -> PrecompileRevert:
    return PrecompileRevert(f"ANCHOR: chain {chain_id}: header {index} refused: {error}")


def _submit_wpoc(call: Call, chain_id: int, headers: list[BlockHeaderAPI], proofs: Sequence[bytes]) -> None:
    """Anchor WPoC headers extending any anchored header; the heaviest branch (total difficulty) is the chain."""
    if len(proofs) != len(headers):
        raise PrecompileRevert(
            f"ANCHOR: a WPoC chain needs one coinbase proof per header: {len(headers)} headers, {len(proofs)} proofs"
        )
    parent = _link(call, chain_id, headers[0].parent_hash)
    if parent is None:
        raise _refused(chain_id, 0, ValidationError(f"block {headers[0].block_number}: its parent is not anchored"))
    minimum = call.load(_slot("minimumDifficulty", chain_id))
    for index, header in enumerate(headers):
        try:
            _check_wpoc(call, header, parent, minimum, proofs[index])
        except ValidationError as error:
            raise _refused(chain_id, index, error) from None
        _record(call, chain_id, header)
        parent = _record_link(call, chain_id, header, parent.total_difficulty + header.difficulty)
    head = _link(call, chain_id, call.load(_slot("head", chain_id)).to_bytes(32, "big"))
    if head is None or parent.total_difficulty > head.total_difficulty:
        _move_head(call, chain_id, parent.hash, parent.number)


def _submit_authority(call: Call, chain_id: int, headers: list[BlockHeaderAPI], proofs: Sequence[bytes]) -> None:
    """Anchor authority headers extending the head, each sealed by its in-turn member."""
    if any(proofs):
        raise PrecompileRevert("ANCHOR: an authority chain takes no coinbase proofs (pass empty bytes)")
    parent = _head_header(call, chain_id)
    authorities = members_before = _authorities(call, chain_id)
    for index, header in enumerate(headers):
        call.charge(ECRECOVER_GAS, "authority signature")
        try:
            authorities = verify_authority_header(header, parent, authorities)
        except ValidationError as error:
            raise _refused(chain_id, index, error) from None
        if len(authorities) > MAX_AUTHORITIES:
            raise _refused(chain_id, index, ValidationError(f"more than {MAX_AUTHORITIES} authorities announced"))
        _record(call, chain_id, header)
        _store(call, _slot("canonical", chain_id, header.block_number), int.from_bytes(header.hash, "big"))
        parent = header
    _set_authority_head(call, chain_id, parent)
    if authorities != members_before:
        _store_authorities(call, chain_id, authorities)


def _submit(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    chain_id, encoded_headers, proofs = arguments
    consensus = call.load(_slot("consensus", chain_id))
    if not consensus:
        raise PrecompileRevert(f"ANCHOR: chain {chain_id} is not registered")
    if not 0 < len(encoded_headers) <= MAX_HEADERS_PER_CALL:
        raise PrecompileRevert(f"ANCHOR: submit 1 to {MAX_HEADERS_PER_CALL} headers, got {len(encoded_headers)}")
    headers = []
    for index, encoded in enumerate(encoded_headers):
        call.charge(HEADER_GAS, "child header")
        headers.append(_decode_header(encoded, f"header {index}"))
    if consensus == WPOC:
        _submit_wpoc(call, chain_id, headers, proofs)
    else:
        _submit_authority(call, chain_id, headers, proofs)
    for header in headers:
        call.emit(HeadersAnchored, chain_id, header.block_number, header.hash, call.sender)
    add_credit(call, call.sender, HEADER_CREDIT * len(headers))
    return (call.load(_slot("headNumber", chain_id)),)


def _head(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (chain_id,) = arguments
    if not call.load(_slot("consensus", chain_id)):
        raise PrecompileRevert(f"ANCHOR: chain {chain_id} is not registered")
    return call.load(_slot("headNumber", chain_id)), call.load(_slot("head", chain_id)).to_bytes(32, "big")


def _anchored(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    chain_id, block_hash = arguments
    header = anchored_header(call.computation.state, chain_id, block_hash)
    if header is None:
        raise PrecompileRevert(
            f"ANCHOR: block 0x{block_hash.hex()} of chain {chain_id} is not anchored (or not on its heaviest branch)"
        )
    return header.number, header.state_root, header.transactions_root, header.receipts_root


_REGISTER = "registerChain(uint256 chainId, bytes genesisHeader, uint8 consensus, address[] authorities"
ANCHORS = StatefulPrecompile(
    "ANCHOR",
    ANCHOR_ADDRESS,
    [
        Function(f"{_REGISTER}) returns (bytes32 genesisHash)", gas=10_000, handler=_register, mutates=True),
        Function(
            f"{_REGISTER}, uint256 minimumDifficulty) returns (bytes32 genesisHash)",
            gas=10_000,
            handler=_register,
            mutates=True,
        ),
        Function(
            "submitHeaders(uint256 chainId, bytes[] headers, bytes[] coinbaseProofs) returns (uint256 head)",
            gas=10_000,
            handler=_submit,
            mutates=True,
            gas_per_word=6,
        ),
        Function("head(uint256 chainId) returns (uint256 number, bytes32 blockHash)", gas=4_200, handler=_head),
        Function(
            "anchoredHeader(uint256 chainId, bytes32 blockHash) returns (uint256 number, bytes32 stateRoot, "
            "bytes32 transactionsRoot, bytes32 receiptsRoot)",
            gas=4 * 2_100,
            handler=_anchored,
        ),
    ],
    [ChainRegistered, HeadersAnchored],
)

__all__ = ["ANCHORS", "ANCHOR_ADDRESS", "AUTHORITY", "WPOC", "AnchoredHeader", "anchored_header"]
