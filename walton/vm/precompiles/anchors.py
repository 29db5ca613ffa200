"""ANCHOR (0x110): child-chain headers, checked before they are anchored on this chain.

A child chain is registered once with its genesis header (the trust anchor: whoever relies on the
anchors compares its hash with the child's own) and its consensus: WPoC (1) or authority (2).
After that, headers only enter by extending the anchored head, each one checked here with the
same pure functions the child's own nodes use:

- parent link: parent hash, number + 1, a later timestamp;
- WPoC: the difficulty Walton's rule gives from the parent (floored at the child's minimum), and
  the X11 seal below the stake-weighted target, with the coinbase balance taken from an account
  proof against the parent's state root (``coinbaseProofs[i]``);
- authority: the in-turn member's signature (``walton.consensus.authority``), the member set
  carried from header to header as the headers announce changes.

Anchored headers keep their number and state/transactions/receipts roots, which the PROOF
precompile (0x111) proves child data against. Each accepted header earns the sender labor credit.

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
from walton.consensus.iot_seal import expected_difficulty, seal_hash, verify_iot_seal
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


def _slot(name: str, chain_id: int, *keys: bytes | int) -> bytes:
    return storage_slot(f"anchor.{name}", chain_id, *keys)


def _store(call: Call, slot: bytes, value: int) -> None:
    """Write like SSTORE, charging as SSTORE does: a fresh slot costs more than a rewrite."""
    call.charge(SSTORE_SET_GAS if call.load(slot) == 0 and value else SSTORE_RESET_GAS, "ANCHOR storage")
    call.store(slot, value)


def anchored_header(state: StateAPI, chain_id: int, block_hash: bytes) -> AnchoredHeader | None:
    """The roots of an anchored child header, or None if ``block_hash`` is not anchored for ``chain_id``."""

    def word(name: str) -> int:
        return state.get_storage(_ACCOUNT, int.from_bytes(_slot(name, chain_id, block_hash), "big"))

    number_plus_one = word("number")
    if number_plus_one == 0:
        return None
    roots = (word(name).to_bytes(32, "big") for name in ("stateRoot", "transactionsRoot", "receiptsRoot"))
    return AnchoredHeader(number_plus_one - 1, *roots)


def _decode_header(data: bytes, what: str) -> BlockHeaderAPI:
    try:
        header: BlockHeaderAPI = rlp.decode(data, sedes=PragueBlockHeader)
    except (rlp.DecodingError, rlp.DeserializationError, RecursionError) as error:
        raise PrecompileRevert(f"ANCHOR: {what} is not an RLP IoT block header: {error}") from None
    return header


def _address(value: str) -> Address:
    return Address(bytes.fromhex(value[2:]))


def _authorities(call: Call, chain_id: int) -> tuple[Address, ...]:
    count = call.load(_slot("authorityCount", chain_id))
    return tuple(Address(call.load(_slot("authority", chain_id, index)).to_bytes(20, "big")) for index in range(count))


def _store_authorities(call: Call, chain_id: int, members: Sequence[Address]) -> None:
    _store(call, _slot("authorityCount", chain_id), len(members))
    for index, member in enumerate(members):
        _store(call, _slot("authority", chain_id, index), int.from_bytes(member, "big"))


def _head_header(call: Call, chain_id: int) -> BlockHeaderAPI:
    length = call.load(_slot("headLength", chain_id))
    call.charge(SLOAD_GAS * ((length + 31) // 32), "anchored head")
    words = (call.load(_slot("headRlp", chain_id, index)).to_bytes(32, "big") for index in range((length + 31) // 32))
    return _decode_header(b"".join(words)[:length], "the anchored head")


def _anchor(call: Call, chain_id: int, header: BlockHeaderAPI) -> None:
    """Record ``header``'s roots and make it the head (its full RLP kept to check the next header's link)."""
    block_hash = header.hash
    _store(call, _slot("number", chain_id, block_hash), header.block_number + 1)
    _store(call, _slot("stateRoot", chain_id, block_hash), int.from_bytes(header.state_root, "big"))
    _store(call, _slot("transactionsRoot", chain_id, block_hash), int.from_bytes(header.transaction_root, "big"))
    _store(call, _slot("receiptsRoot", chain_id, block_hash), int.from_bytes(header.receipt_root, "big"))


def _set_head(call: Call, chain_id: int, header: BlockHeaderAPI) -> None:
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
        _store(call, _slot("minimumDifficulty", chain_id), minimum)
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
        _store_authorities(call, chain_id, authorities)
    _store(call, _slot("consensus", chain_id), consensus)
    _anchor(call, chain_id, genesis)
    _set_head(call, chain_id, genesis)
    call.emit(ChainRegistered, chain_id, genesis.hash, consensus)
    return (genesis.hash,)


def _check_wpoc(call: Call, header: BlockHeaderAPI, parent: BlockHeaderAPI, minimum: int, proof: bytes) -> None:
    number = header.block_number
    if header.parent_hash != parent.hash:
        raise ValidationError(f"block {number}: parent hash 0x{header.parent_hash.hex()} is not 0x{parent.hash.hex()}")
    if number != parent.block_number + 1:
        raise ValidationError(f"block {number} cannot follow block {parent.block_number}")
    if header.timestamp <= parent.timestamp:
        raise ValidationError(f"block {number}: timestamp {header.timestamp} is not after its parent's")
    want = expected_difficulty(parent, header.timestamp, minimum)
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


def _submit(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    chain_id, encoded_headers, proofs = arguments
    consensus = call.load(_slot("consensus", chain_id))
    if not consensus:
        raise PrecompileRevert(f"ANCHOR: chain {chain_id} is not registered")
    if not 0 < len(encoded_headers) <= MAX_HEADERS_PER_CALL:
        raise PrecompileRevert(f"ANCHOR: submit 1 to {MAX_HEADERS_PER_CALL} headers, got {len(encoded_headers)}")
    if consensus == WPOC and len(proofs) != len(encoded_headers):
        raise PrecompileRevert(
            f"ANCHOR: a WPoC chain needs one coinbase proof per header: "
            f"{len(encoded_headers)} headers, {len(proofs)} proofs"
        )
    if consensus == AUTHORITY and any(proofs):
        raise PrecompileRevert("ANCHOR: an authority chain takes no coinbase proofs (pass empty bytes)")
    parent = _head_header(call, chain_id)
    authorities = _authorities(call, chain_id)
    members_before = authorities
    minimum = call.load(_slot("minimumDifficulty", chain_id))
    for index, encoded in enumerate(encoded_headers):
        call.charge(HEADER_GAS, "child header")
        header = _decode_header(encoded, f"header {index}")
        try:
            if consensus == WPOC:
                _check_wpoc(call, header, parent, minimum, proofs[index])
            else:
                call.charge(ECRECOVER_GAS, "authority signature")
                authorities = verify_authority_header(header, parent, authorities)
        except ValidationError as error:
            raise PrecompileRevert(f"ANCHOR: chain {chain_id}: header {index} refused: {error}") from None
        _anchor(call, chain_id, header)
        call.emit(HeadersAnchored, chain_id, header.block_number, header.hash, call.sender)
        parent = header
    _set_head(call, chain_id, parent)
    if authorities != members_before:
        if len(authorities) > MAX_AUTHORITIES:
            raise PrecompileRevert(f"ANCHOR: chain {chain_id} announces more than {MAX_AUTHORITIES} authorities")
        _store_authorities(call, chain_id, authorities)
    add_credit(call, call.sender, HEADER_CREDIT * len(encoded_headers))
    return (parent.block_number,)


def _head(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (chain_id,) = arguments
    if not call.load(_slot("consensus", chain_id)):
        raise PrecompileRevert(f"ANCHOR: chain {chain_id} is not registered")
    return call.load(_slot("headNumber", chain_id)), call.load(_slot("head", chain_id)).to_bytes(32, "big")


def _anchored(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    chain_id, block_hash = arguments
    header = anchored_header(call.computation.state, chain_id, block_hash)
    if header is None:
        raise PrecompileRevert(f"ANCHOR: block 0x{block_hash.hex()} of chain {chain_id} is not anchored")
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
