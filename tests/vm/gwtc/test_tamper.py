"""Tampered blocks built from the real chains are rejected with the rule they break, in Gwtc's words.

Where a change touches a sealed field, the block is re-sealed with walton's sealer so that only the
rule under test breaks. Before HardForkV2 the target scales with the header's CoinAge, which no rule
validates, so re-sealing there claims a large coin age (factor 2^15, about one nonce in four works);
from V2 on the balance factor is at most 8 and a search takes ~16k X11 hashes, so the one V3 case
starts from a nonce found once in advance (the search still runs if it no longer fits).
"""

from collections.abc import Callable
from typing import Any

import pytest
import rlp
from eth.abc import BlockAPI
from eth.constants import SECPK1_N
from eth.db.trie import make_trie_root_and_nodes
from eth_hash.auto import keccak
from eth_utils import ValidationError

from tests.vm.gwtc.chains import chain_fixture, chain_params
from walton.vm.forks.gwtc.chain import BlockRejected, GwtcChain
from walton.vm.forks.gwtc.chainfile import decode_block
from walton.vm.forks.gwtc.headers import RLPDecodeError, header_difficulty
from walton.vm.forks.gwtc.sealer import seal_block

LARGE_COIN_AGE = 2**125 * 10**14  # Sqrt(., 6) = 2^15: target x32768, still below 2^256 for D >= 131072
PREV1 = "dev-prev1"
PHASES = "dev-phases"
POSTV3 = "dev-postv3"
CHAINS = {param.values[0]: param for param in chain_params()}


def needs(name: str) -> Any:
    """Skip when the shared chain is absent."""
    return CHAINS[name].marks


def prepared(name: str, number: int) -> tuple[GwtcChain, BlockAPI]:
    fixture = chain_fixture(name)
    return fixture.fresh_chain(number - 1), fixture.block(number)


def reseal(chain: GwtcChain, block: BlockAPI, start_nonce: int = 0) -> BlockAPI:
    heights = chain.get_vm_class_for_block_number(block.number).fork_heights  # type: ignore[attr-defined]
    if block.number < heights.v2:
        block = block.copy(header=block.header.copy(coin_age=LARGE_COIN_AGE))
    return seal_block(chain, block, start_nonce=start_nonce)


def rejected(chain: GwtcChain, block: BlockAPI, rule: str, words: str) -> BlockRejected:
    with pytest.raises(BlockRejected) as caught:
        chain.import_block(block)
    error = caught.value
    assert error.rule == rule, error
    assert words in error.reason, error
    assert error.number == block.number
    assert error.block_hash == block.hash
    return error


def tamper_header(block: BlockAPI, **changes: Any) -> BlockAPI:
    return block.copy(header=block.header.copy(**changes))


# -- seal ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "number"), [(PREV1, 5), (PHASES, 30), (POSTV3, 5)], ids=["preV1", "V1", "V3"])
def test_wrong_nonce(name: str, number: int) -> None:
    if needs(name):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(name, number)
    wrong = tamper_header(block, nonce=(int.from_bytes(block.header.nonce, "big") ^ 1).to_bytes(8, "big"))
    rejected(chain, wrong, "seal", "invalid proof-of-work")
    chain.import_block(block)  # the real block still goes in


def test_non_zero_mix_hash() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 6)
    rejected(chain, tamper_header(block, mix_hash=b"\x00" * 31 + b"\x01"), "seal", "invalid mix digest")


def test_target_of_2_pow_256_or_more_is_refused() -> None:
    """Gwtc crashes on such a header (FullTo32 panics), so no Gwtc node accepted one."""
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 6)
    rejected(chain, tamper_header(block, coin_age=2**220), "seal", "target out of range")


def test_v2_lock_block_with_calc_difficulty_consistent_but_other_difficulty() -> None:
    """Block V2 must also carry HardForkV2diff: checked first in VerifySeal, reported as errInvalidDifficulty."""
    if needs(PHASES):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    fixture = chain_fixture(PHASES)
    heights = fixture.heights
    chain, block = prepared(PHASES, heights.v2)
    assert block.header.difficulty == heights.v2_difficulty
    parent = chain.get_canonical_head()
    # Another 10-second bucket: CalcDifficulty gives another value, and the header agrees with it.
    timestamp = block.header.timestamp + 10
    difficulty = header_difficulty(parent, timestamp, heights)
    assert difficulty != heights.v2_difficulty
    other = tamper_header(block, timestamp=timestamp, difficulty=difficulty)
    rejected(chain, other, "seal", "non-positive difficulty")


def test_v2_lock_value_with_inconsistent_calc_difficulty() -> None:
    if needs(PHASES):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    heights = chain_fixture(PHASES).heights
    chain, block = prepared(PHASES, heights.v2)
    other = tamper_header(block, timestamp=block.header.timestamp + 10)
    rejected(chain, other, "difficulty", "invalid difficulty")


def test_unvalidated_coin_age_and_tx_number_are_accepted_after_resealing() -> None:
    """Gwtc validates neither header CoinAge nor TxNumber: a re-sealed block with other values is valid."""
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 4)
    changed = reseal(chain, tamper_header(block, tx_number=block.header.tx_number + 1000))
    assert changed.hash != block.hash
    chain.import_block(changed)
    assert chain.get_canonical_head().hash == changed.hash
    assert chain.get_canonical_head().state_root == block.header.state_root


# -- header rules --------------------------------------------------------------------------------------
def test_wrong_difficulty() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 7)
    error = rejected(chain, tamper_header(block, difficulty=block.header.difficulty + 1), "difficulty", "invalid")
    assert error.reason == f"invalid difficulty: have {block.header.difficulty + 1}, want {block.header.difficulty}"


@pytest.mark.parametrize(
    ("name", "number", "change"),
    [
        (PREV1, 3, lambda parent: parent + parent // 2048),  # at the bound: |diff| must be < parent/2048
        (PREV1, 3, lambda parent: parent - parent // 2048),
        (PREV1, 3, lambda parent: parent - 1),  # within the bound but below MinGasLimit 78e9 before V3
        (POSTV3, 3, lambda parent: 149_999_999),  # below MinGasLimitV3 = 1.5e8
    ],
    ids=["at-upper-bound", "at-lower-bound", "below-78e9", "below-1.5e8-at-V3"],
)
def test_gas_limit_out_of_bounds(name: str, number: int, change: Callable[[int], int]) -> None:
    if needs(name):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(name, number)
    parent_gas_limit = chain.get_canonical_head().gas_limit
    gas_limit = change(parent_gas_limit)
    assert gas_limit != block.header.gas_limit
    rejected(chain, tamper_header(block, gas_limit=gas_limit), "gas limit", f"invalid gas limit: have {gas_limit}")


def test_gas_limit_within_bounds_is_valid() -> None:
    """One below the bound is accepted (after re-sealing: the gas limit is sealed)."""
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 3)
    parent = chain.get_canonical_head().gas_limit
    chain.import_block(reseal(chain, tamper_header(block, gas_limit=parent + parent // 2048 - 1)))


def test_wrong_parent() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 8)
    rejected(chain, tamper_header(block, parent_hash=keccak(b"no such block")), "parent", "unknown ancestor")


def test_timestamp_not_after_parent() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 8)
    parent_time = chain.get_canonical_head().timestamp
    rejected(chain, tamper_header(block, timestamp=parent_time), "timestamp", "timestamp equals parent's")


def test_extra_data_longer_than_32_bytes() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 8)
    rejected(chain, tamper_header(block, extra_data=b"x" * 33), "extra data", "extra-data too long: 33 > 32")


def test_wrong_block_number() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 8)
    rejected(chain, tamper_header(block, block_number=9), "number", "invalid block number")


# -- body and execution (re-sealed, so only the rule under test breaks) ------------------------------------
def test_wrong_transaction_root() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 10)
    bad = reseal(chain, tamper_header(block, transaction_root=keccak(b"tampered")))
    rejected(chain, bad, "transaction root", "transaction root hash mismatch")


def test_wrong_uncle_hash() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 10)
    bad = reseal(chain, tamper_header(block, uncles_hash=keccak(b"tampered")))
    rejected(chain, bad, "uncle hash", "uncle root hash mismatch")


def test_wrong_receipt_root() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 10)
    bad = reseal(chain, tamper_header(block, receipt_root=keccak(b"tampered")))
    rejected(chain, bad, "receipt root", "invalid receipt root hash (remote:")


def test_wrong_gas_used() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 10)
    bad = reseal(chain, tamper_header(block, gas_used=block.header.gas_used + 1))
    rejected(chain, bad, "gas used", "invalid gas used (remote:")


def test_wrong_bloom() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 10)
    bad = reseal(chain, tamper_header(block, bloom=block.header.bloom ^ 1))
    rejected(chain, bad, "bloom", "invalid bloom")


@pytest.mark.parametrize(("name", "number"), [(PREV1, 10), (PHASES, 45)], ids=["preV1", "V2"])
def test_wrong_state_root(name: str, number: int) -> None:
    if needs(name):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(name, number)
    hint = V2_STATE_ROOT_NONCE if name == PHASES else 0
    bad = reseal(chain, tamper_header(block, state_root=keccak(b"tampered")), start_nonce=hint)
    rejected(chain, bad, "state root", "invalid merkle root (remote:")


# Found once with seal_block(..., start_nonce=0) for dev-phases block 45 with state root keccak("tampered").
V2_STATE_ROOT_NONCE = 35375


def test_changed_timestamp_changes_the_state_root() -> None:
    """Coin age accrues with block time: the same block at another (valid) time has another state root."""
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 10)
    parent = chain.get_canonical_head()
    heights = chain_fixture(PREV1).heights
    timestamp = block.header.timestamp + 1
    moved = tamper_header(block, timestamp=timestamp, difficulty=header_difficulty(parent, timestamp, heights))
    rejected(chain, reseal(chain, moved), "state root", "invalid merkle root")


def _other_parity(v: int) -> int:
    """The v value recovering with the other y parity (legacy 27/28 or EIP-155)."""
    if v in (27, 28):
        return 55 - v
    return v + 1 if (v - 35) % 2 == 0 else v - 1


def test_bad_transaction_signature() -> None:
    """A high-s signature (invalid from Homestead on), with the transaction root fixed and the block re-sealed."""
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    chain, block = prepared(PREV1, 10)
    first = block.transactions[0]
    other_parity = _other_parity(first.v)
    flipped = first.copy(s=SECPK1_N - first.s, v=other_parity)
    transactions = (flipped, *block.transactions[1:])
    root, _ = make_trie_root_and_nodes(transactions)
    bad = block.copy(transactions=transactions, header=block.header.copy(transaction_root=root))
    error = rejected(chain, reseal(chain, bad), "transaction", "invalid transaction v, r, s values")
    assert flipped.hash.hex() in error.reason


def test_transaction_for_another_chain_id() -> None:
    """An EIP-155 transaction signed for another chain: Gwtc's ``invalid chain id for signer``."""
    if needs(PHASES):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    fixture = chain_fixture(PHASES)
    number = next(n for n, b in enumerate(fixture.blocks) if b["transactions"] and b["transactions"][0]["protected"])
    chain, block = prepared(PHASES, number)
    if number >= fixture.heights.v2:
        pytest.skip("needs a pre-V2 block with a protected transaction")
    first = block.transactions[0]
    other = first.copy(v=first.v + 2)  # chain id + 1, same parity
    transactions = (other, *block.transactions[1:])
    root, _ = make_trie_root_and_nodes(transactions)
    bad = block.copy(transactions=transactions, header=block.header.copy(transaction_root=root))
    rejected(chain, reseal(chain, bad), "transaction", "invalid chain id for signer")


# -- decoding ---------------------------------------------------------------------------------------------
def test_malformed_block_rlp() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    fixture = chain_fixture(PREV1)
    raw = fixture.raw_blocks[4]
    with pytest.raises(RLPDecodeError):
        decode_block(raw[:-1], fixture.network.chain_class)
    with pytest.raises(RLPDecodeError):
        decode_block(raw + b"\x00", fixture.network.chain_class)


def test_block_with_ethereum_15_field_header() -> None:
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    fixture = chain_fixture(PREV1)
    header, transactions, uncles = rlp.decode(fixture.raw_blocks[4])
    ethereum = header[:7] + header[8:16]
    with pytest.raises(RLPDecodeError, match="MixDigest"):
        decode_block(rlp.encode([ethereum, transactions, uncles]), fixture.network.chain_class)


def test_block_rejected_is_a_validation_error() -> None:
    assert issubclass(BlockRejected, ValidationError)


def test_transaction_field_encoded_as_a_list_is_refused() -> None:
    """pyrlp would read an empty list as the integer 0; Go's decoder refuses it."""
    if needs(PREV1):
        pytest.skip("shared chain absent: set WALTON_FIXTURES to the shared fixtures folder")
    fixture = chain_fixture(PREV1)
    header, transactions, uncles = rlp.decode(fixture.raw_blocks[4])
    broken = [[], *transactions[0][1:]]
    with pytest.raises(RLPDecodeError, match=r"Txs\[0\]"):
        decode_block(rlp.encode([header, [broken, *transactions[1:]], uncles]), fixture.network.chain_class)
    leading_zero = [b"\x00\x01", *transactions[0][1:]]
    with pytest.raises(RLPDecodeError, match=r"Txs\[0\]"):
        decode_block(rlp.encode([header, [leading_zero, *transactions[1:]], uncles]), fixture.network.chain_class)
