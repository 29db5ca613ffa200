"""IoT-fork block rules: WPoC seals on the dev network, difficulty, rewards, and rejection of bad seals."""

import pytest
from eth.abc import BlockAPI, ChainAPI, SignedTransactionAPI
from eth.db.atomic import AtomicDB
from eth_keys import keys
from eth_utils import ValidationError, decode_hex, to_canonical_address

from walton.consensus.iot_seal import iot_target
from walton.consensus.rewards import block_reward
from walton.vm.forks.iot.mining import (
    FixedCandidates,
    apply_seal,
    build_block,
    coinbase_balance_at_head,
    find_seal,
)
from walton.vm.networks.dev import (
    DEV_ACCOUNT_BALANCE,
    DEV_CHAIN_ID,
    DEV_MINIMUM_DIFFICULTY,
    build_dev_chain,
    dev_accounts,
)

MINER = to_canonical_address(dev_accounts()[0].address)


def mine_sealed_block(chain: ChainAPI, transactions: tuple[SignedTransactionAPI, ...] = ()) -> BlockAPI:
    parent = chain.get_canonical_head()
    built = build_block(chain, FixedCandidates(transactions), MINER, parent.timestamp + 1)
    assert built.included == transactions
    seal = find_seal(built.block, coinbase_balance_at_head(chain, MINER), start_nonce=0, attempts=100_000)
    assert seal is not None
    return apply_seal(built.block, seal)


def test_sealed_block_imports_and_pays_the_walton_reward() -> None:
    chain = build_dev_chain(AtomicDB())
    block = mine_sealed_block(chain)
    replica = build_dev_chain(AtomicDB())
    replica.import_block(block)
    assert replica.get_canonical_head().hash == block.hash
    assert block.header.difficulty == DEV_MINIMUM_DIFFICULTY
    assert int.from_bytes(block.header.mix_hash, "big") < iot_target(DEV_MINIMUM_DIFFICULTY, DEV_ACCOUNT_BALANCE)
    assert replica.get_vm().state.get_balance(MINER) == DEV_ACCOUNT_BALANCE + block_reward(1, DEV_ACCOUNT_BALANCE)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nonce", (2**64 - 1).to_bytes(8, "big"), "mix"),
        ("mix_hash", b"\x01" * 32, "invalid mix digest"),
        ("difficulty", DEV_MINIMUM_DIFFICULTY + 1, "difficulty"),
    ],
)
def test_bad_seal_fields_are_rejected(field: str, value: object, message: str) -> None:
    chain = build_dev_chain(AtomicDB())
    block = mine_sealed_block(chain)
    tampered = block.copy(header=block.header.copy(**{field: value}))
    replica = build_dev_chain(AtomicDB())
    with pytest.raises(ValidationError, match=message):
        replica.import_block(tampered)
    assert replica.get_canonical_head().block_number == 0


def test_wrong_nonce_with_its_own_digest_fails_proof_of_work() -> None:
    """A nonce whose X11 result is above the target is refused even with a consistent mixHash."""
    from walton.consensus.iot_seal import iot_pow
    from walton.vm.forks.iot.headers import seal_hash

    chain = build_dev_chain(AtomicDB())
    block = mine_sealed_block(chain)
    target = iot_target(DEV_MINIMUM_DIFFICULTY, DEV_ACCOUNT_BALANCE)
    nonce = next(n for n in range(1000) if int.from_bytes(iot_pow(seal_hash(block.header), n, 1), "big") >= target)
    digest = iot_pow(seal_hash(block.header), nonce, 1)
    tampered = block.copy(header=block.header.copy(nonce=nonce.to_bytes(8, "big"), mix_hash=digest))
    with pytest.raises(ValidationError, match="invalid proof-of-work"):
        build_dev_chain(AtomicDB()).import_block(tampered)


def test_transactions_in_a_sealed_block() -> None:
    chain = build_dev_chain(AtomicDB())
    sender, recipient = dev_accounts()[1], dev_accounts()[2]
    transaction = (
        chain.get_vm()
        .create_unsigned_transaction(
            nonce=0, gas_price=10**10, gas=21000, to=to_canonical_address(recipient.address), value=5, data=b""
        )
        .as_signed_transaction(keys.PrivateKey(decode_hex(sender.private_key)), chain_id=DEV_CHAIN_ID)
    )
    block = mine_sealed_block(chain, (transaction,))
    assert len(block.transactions) == 1
    replica = build_dev_chain(AtomicDB())
    replica.import_block(block)
    assert replica.get_vm().state.get_balance(to_canonical_address(recipient.address)) == DEV_ACCOUNT_BALANCE + 5
