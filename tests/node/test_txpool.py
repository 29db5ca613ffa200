"""The transaction pool: geth's admission rules and messages, pending/queued, ordering, limits, new heads."""

from typing import Any

import pytest
from eth.consensus.noproof import NoProofConsensus
from eth.db.atomic import AtomicDB
from eth_account import Account
from eth_hash.auto import keccak
from eth_keys import keys
from eth_typing import Address
from eth_utils import to_canonical_address

from walton.node.backend import NetworkInfo, NodeBackend
from walton.node.db import BlockWriteDB
from walton.node.filters import FilterManager
from walton.node.txpool import TX_MAX_SIZE, TxPool, TxPoolConfig, TxPoolError
from walton.vm.networks import dev

GWEI = 10**9
CHAIN_ID = dev.DEV_CHAIN_ID
ACCOUNTS = dev.dev_accounts()
KEYS = [account.private_key for account in ACCOUNTS]
ADDRESSES = [Address(to_canonical_address(account.address)) for account in ACCOUNTS]
RECIPIENT = ACCOUNTS[9].address
COINBASE = Address(b"\xc0" * 20)

# The dev chain with its seal check off, so tests build blocks without X11 work.
UnsealedVM = dev.DevVM.configure(__name__="UnsealedDevVM", consensus_class=NoProofConsensus)
UnsealedChain = dev.DevChain.configure(__name__="UnsealedDevChain", vm_configuration=((0, UnsealedVM),))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_backend(config: TxPoolConfig | None = None, clock: FakeClock | None = None) -> NodeBackend:
    db = BlockWriteDB(AtomicDB())
    chain = UnsealedChain.from_genesis(db, dev.DEV_GENESIS_PARAMS, dev.dev_genesis_state())
    pool = TxPool(chain, config, clock=clock or FakeClock())
    return NodeBackend(
        chain=chain,
        db=db,
        network=NetworkInfo("dev", CHAIN_ID, CHAIN_ID),
        txpool=pool,
        filters=FilterManager(chain),
        coinbase=COINBASE,
    )


def sign(key: str, **fields: Any) -> bytes:
    transaction: dict[str, Any] = {
        "type": 2,
        "nonce": 0,
        "maxFeePerGas": 2 * GWEI,
        "maxPriorityFeePerGas": GWEI,
        "gas": 21000,
        "to": RECIPIENT,
        "value": 0,
        "chainId": CHAIN_ID,
    }
    transaction.update(fields)
    if transaction["type"] in (0, 1):
        transaction.pop("maxFeePerGas")
        transaction.pop("maxPriorityFeePerGas")
        transaction.setdefault("gasPrice", 2 * GWEI)
    if transaction["type"] == 0:
        del transaction["type"]
    return bytes(Account.sign_transaction(transaction, key).raw_transaction)


def mine(backend: NodeBackend, transactions: list[Any] | None = None) -> Any:
    """Build the head's child with ``transactions`` (default: the pool's best) and import it."""
    chain = backend.chain
    if transactions is None:
        transactions = list(backend.txpool.best_transactions())
    parent = chain.get_canonical_head()
    header = chain.create_header_from_parent(parent, timestamp=parent.timestamp + 12, coinbase=COINBASE)
    vm = chain.get_vm(header)
    template = vm.get_block_class()(header, transactions=transactions, uncles=[], withdrawals=[])
    block = vm.import_block(template).block
    backend.import_block(block)
    return block


def decode(backend: NodeBackend, raw: bytes) -> Any:
    return backend.chain.get_vm().get_transaction_builder().decode(raw)


def rejected(backend: NodeBackend, raw: bytes) -> str:
    with pytest.raises(TxPoolError) as info:
        backend.txpool.add(raw)
    return str(info.value)


@pytest.fixture
def backend() -> NodeBackend:
    return make_backend()


# -- admission ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"type": 0},
        {"type": 1, "accessList": [{"address": RECIPIENT, "storageKeys": ["0x" + "00" * 31 + "01"]}], "gas": 30000},
        {"type": 2},
    ],
    ids=["legacy", "access-list", "dynamic-fee"],
)
def test_accepts_each_pool_type_and_returns_its_hash(backend: NodeBackend, fields: dict[str, Any]) -> None:
    raw = sign(KEYS[0], **fields)
    transaction_hash = backend.txpool.add(raw)
    assert transaction_hash == keccak(raw)
    assert transaction_hash in backend.txpool and len(backend.txpool) == 1
    assert backend.txpool.get(transaction_hash).hash == transaction_hash
    assert backend.txpool.get_raw(transaction_hash) == raw
    assert backend.txpool.nonce_for(ADDRESSES[0]) == 1
    assert [tx.hash for tx in backend.txpool.pending()[ADDRESSES[0]]] == [transaction_hash]


def test_accepts_a_set_code_transaction(backend: NodeBackend) -> None:
    authorization = Account.sign_authorization({"chainId": CHAIN_ID, "address": ADDRESSES[5], "nonce": 1}, KEYS[0])
    raw = sign(KEYS[0], type=4, gas=100_000, authorizationList=[authorization])
    assert backend.txpool.add(raw) == keccak(raw)


def test_rejects_a_set_code_transaction_without_authorizations(backend: NodeBackend) -> None:
    builder = backend.chain.get_vm().get_transaction_builder()
    unsigned = builder.new_unsigned_set_code_transaction(
        chain_id=CHAIN_ID,
        nonce=0,
        max_priority_fee_per_gas=GWEI,
        max_fee_per_gas=2 * GWEI,
        gas=100_000,
        to=ADDRESSES[1],
        value=0,
        data=b"",
        access_list=[],
        authorization_list=[],
    )
    signed = unsigned.as_signed_transaction(keys.PrivateKey(bytes.fromhex(KEYS[0][2:])))
    assert rejected(backend, signed.encode()) == "set code tx must have at least one authorization tuple"


def test_already_known(backend: NodeBackend) -> None:
    raw = sign(KEYS[0])
    backend.txpool.add(raw)
    assert rejected(backend, raw) == "already known"


def test_oversized_data(backend: NodeBackend) -> None:
    message = rejected(backend, b"\x02" + b"\x00" * TX_MAX_SIZE)
    assert message == f"oversized data: transaction size {TX_MAX_SIZE + 1}, limit {TX_MAX_SIZE}"


def test_undecodable_and_unsupported_types(backend: NodeBackend) -> None:
    assert rejected(backend, b"\x02\xc0").startswith("rlp: ")
    assert rejected(backend, sign(KEYS[0]) + b"\x00").startswith("rlp: ")
    assert rejected(backend, b"\x05\xc0") == "transaction type not supported"
    assert rejected(backend, b"\x03\xc0") == "transaction type not supported: tx type 3 not supported by this pool"
    assert rejected(backend, b"") == "typed transaction too short"


def test_invalid_chain_id(backend: NodeBackend) -> None:
    message = rejected(backend, sign(KEYS[0], chainId=1))
    assert message == f"invalid sender: invalid chain id for signer: have 1 want {CHAIN_ID}"


def test_invalid_signature(backend: NodeBackend) -> None:
    builder = backend.chain.get_vm().get_transaction_builder()
    forged = builder.new_dynamic_fee_transaction(
        chain_id=CHAIN_ID,
        nonce=0,
        max_priority_fee_per_gas=GWEI,
        max_fee_per_gas=2 * GWEI,
        gas=21000,
        to=ADDRESSES[1],
        value=0,
        data=b"",
        access_list=[],
        y_parity=0,
        r=1,
        s=2**255,
    )
    assert rejected(backend, forged.encode()).startswith("invalid sender: ")


def test_intrinsic_and_floor_gas(backend: NodeBackend) -> None:
    assert rejected(backend, sign(KEYS[0], gas=20000)) == "intrinsic gas too low: gas 20000, minimum needed 21000"
    data = b"\x01" * 1000  # intrinsic 37,000; EIP-7623 floor 61,000
    message = rejected(backend, sign(KEYS[0], gas=40000, data=data))
    assert message == "insufficient gas for floor data gas cost: gas 40000, minimum needed 61000"
    assert backend.txpool.add(sign(KEYS[0], gas=61000, data=data))


def test_initcode_size(backend: NodeBackend) -> None:
    raw = sign(KEYS[0], to=None, data=b"\x00" * 49153, gas=1_000_000)
    assert rejected(backend, raw) == "max initcode size exceeded: code size 49153, limit 49152"


def test_exceeds_block_gas_limit(backend: NodeBackend) -> None:
    assert rejected(backend, sign(KEYS[0], gas=dev.DEV_GAS_LIMIT + 1)) == "exceeds block gas limit"


def test_fee_rules(backend: NodeBackend) -> None:
    message = rejected(backend, sign(KEYS[0], maxPriorityFeePerGas=3 * GWEI))
    assert message == "max priority fee per gas higher than max fee per gas"
    message = rejected(backend, sign(KEYS[0], maxPriorityFeePerGas=0))
    assert message == "transaction underpriced: gas tip cap 0, minimum needed 1"
    base_fee = backend.txpool.next_base_fee()
    message = rejected(backend, sign(KEYS[0], maxFeePerGas=base_fee - 1, maxPriorityFeePerGas=1))
    assert message == (
        f"max fee per gas less than block base fee: address 0x{ADDRESSES[0].hex()}, "
        f"maxFeePerGas: {base_fee - 1}, baseFee: {base_fee}"
    )
    assert backend.txpool.add(sign(KEYS[0], maxFeePerGas=base_fee, maxPriorityFeePerGas=1))


def test_nonce_has_max_value(backend: NodeBackend) -> None:
    assert rejected(backend, sign(KEYS[0], nonce=2**64 - 1)) == "nonce has max value"


def test_nonce_too_low(backend: NodeBackend) -> None:
    backend.txpool.add(sign(KEYS[0]))
    mine(backend)
    assert rejected(backend, sign(KEYS[0], value=1)) == "nonce too low: next nonce 1, tx nonce 0"


def test_insufficient_funds() -> None:
    backend = make_backend()
    poor = Account.create()
    cost = 21000 * 2 * GWEI
    message = rejected(backend, sign(poor.key, value=0))
    assert message == f"insufficient funds for gas * price + value: balance 0, tx cost {cost}, overshot {cost}"
    funding = 10**15
    backend.txpool.add(sign(KEYS[0], to=poor.address, value=funding))
    mine(backend)
    value = 6 * 10**14
    backend.txpool.add(sign(poor.key, value=value))
    message = rejected(backend, sign(poor.key, nonce=1, value=value))
    assert message.startswith(
        f"insufficient funds for gas * price + value: balance {funding}, queued cost {cost + value}"
    )
    # A replacement is checked against what the sender's other pending transactions spend.
    assert backend.txpool.add(sign(poor.key, value=value, maxFeePerGas=3 * GWEI, maxPriorityFeePerGas=2 * GWEI))


# -- replacement -----------------------------------------------------------------------------


def test_replacement_needs_ten_percent_more_fee_cap_and_tip(backend: NodeBackend) -> None:
    old = backend.txpool.add(sign(KEYS[0], maxFeePerGas=10 * GWEI, maxPriorityFeePerGas=2 * GWEI))
    for fee_cap, tip in [(10_500_000_000, 2_200_000_000), (11 * GWEI, 2 * GWEI), (10 * GWEI, 3 * GWEI)]:
        raw = sign(KEYS[0], maxFeePerGas=fee_cap, maxPriorityFeePerGas=tip)
        assert rejected(backend, raw) == "replacement transaction underpriced"
    new = backend.txpool.add(sign(KEYS[0], maxFeePerGas=11 * GWEI, maxPriorityFeePerGas=2_200_000_000))
    assert old not in backend.txpool and new in backend.txpool
    assert len(backend.txpool) == 1


# -- pending and queued -----------------------------------------------------------------------


def test_gapped_nonces_are_queued_until_the_gap_closes(backend: NodeBackend) -> None:
    later = backend.txpool.add(sign(KEYS[0], nonce=1))
    assert backend.txpool.pending() == {}
    assert [tx.hash for tx in backend.txpool.queued()[ADDRESSES[0]]] == [later]
    assert backend.txpool.nonce_for(ADDRESSES[0]) == 0
    assert (backend.txpool.pending_count(), backend.txpool.queued_count()) == (0, 1)
    first = backend.txpool.add(sign(KEYS[0], nonce=0))
    assert [tx.hash for tx in backend.txpool.pending()[ADDRESSES[0]]] == [first, later]
    assert backend.txpool.queued() == {}
    assert backend.txpool.nonce_for(ADDRESSES[0]) == 2
    assert backend.txpool.nonce_for(ADDRESSES[1]) == 0


def test_best_transactions_by_effective_tip_and_nonce(backend: NodeBackend) -> None:
    pool = backend.txpool
    base_fee = pool.next_base_fee()
    a0 = pool.add(sign(KEYS[0], nonce=0, maxPriorityFeePerGas=GWEI))
    a1 = pool.add(sign(KEYS[0], nonce=1, maxFeePerGas=20 * GWEI, maxPriorityFeePerGas=9 * GWEI))
    b0 = pool.add(sign(KEYS[1], nonce=0, maxFeePerGas=10 * GWEI, maxPriorityFeePerGas=3 * GWEI))
    c0 = pool.add(sign(KEYS[2], type=0, gasPrice=base_fee + 2 * GWEI))
    order = [tx.hash for tx in pool.best_transactions(base_fee, 30_000_000)]
    assert order == [b0, c0, a0, a1]  # a1 pays most but waits for a0
    # At a higher base fee the legacy transaction's tip shrinks, and fee caps below it drop out.
    order = [tx.hash for tx in pool.best_transactions(base_fee + 2 * GWEI - 1, 30_000_000)]
    assert order == [b0, c0]
    # The gas budget: a sender whose next transaction does not fit contributes nothing more.
    order = [tx.hash for tx in pool.best_transactions(base_fee, 42000)]
    assert order == [b0, c0]
    best = pool.best_transactions(base_fee, 30_000_000)
    assert next(best).hash == b0
    best.skip_sender(ADDRESSES[0])
    assert [tx.hash for tx in best] == [c0]
    # Given the parent header, the base fee and gas limit are those of the block on it.
    assert [tx.hash for tx in pool.best_transactions(backend.head())] == [b0, c0, a0, a1]
    assert [tx.hash for tx in pool.best_transactions()] == [b0, c0, a0, a1]


# -- new heads --------------------------------------------------------------------------------


def test_included_transactions_leave_and_later_nonces_stay_pending(backend: NodeBackend) -> None:
    pool = backend.txpool
    first = pool.add(sign(KEYS[0], nonce=0))
    second = pool.add(sign(KEYS[0], nonce=1))
    mine(backend, [pool.get(first)])
    assert first not in pool
    assert [tx.hash for tx in pool.pending()[ADDRESSES[0]]] == [second]
    assert pool.nonce_for(ADDRESSES[0]) == 2


def test_a_new_head_drops_stale_nonces_and_unaffordable_transactions(backend: NodeBackend) -> None:
    pool = backend.txpool
    pooled = pool.add(sign(KEYS[0], nonce=0, value=1))
    spender = Account.create()
    pool.add(sign(KEYS[1], to=spender.address, value=10**16))
    mine(backend, [decode(backend, sign(KEYS[1], to=spender.address, value=10**16))])
    costly = pool.add(sign(spender.key, nonce=1, value=10**16 - 21000 * 2 * GWEI))
    assert costly in pool
    # Another transaction with nonce 0 from account 0 makes it into a block; the pooled one is stale.
    other = decode(backend, sign(KEYS[0], nonce=0, value=2))
    drain = decode(backend, sign(spender.key, nonce=0, value=10**15))  # leaves too little for nonce 1
    mine(backend, [other, drain])
    assert pooled not in pool
    assert costly not in pool
    assert len(pool) == 0


def test_drop_and_listeners(backend: NodeBackend) -> None:
    heard: list[Any] = []
    backend.txpool.listeners.append(heard.append)
    first = backend.txpool.add(sign(KEYS[0], nonce=0))
    second = backend.txpool.add(sign(KEYS[0], nonce=1))
    assert [tx.hash for tx in heard] == [first, second]
    assert backend.txpool.drop(first, "invalid in the block")
    assert not backend.txpool.drop(first)
    assert backend.txpool.pending() == {}
    assert [tx.hash for tx in backend.txpool.queued()[ADDRESSES[0]]] == [second]


# -- limits -------------------------------------------------------------------------------------


def test_account_queue_limit() -> None:
    backend = make_backend(TxPoolConfig(account_queue=2))
    pool = backend.txpool
    pool.add(sign(KEYS[0], nonce=2))
    third = pool.add(sign(KEYS[0], nonce=3))
    assert rejected(backend, sign(KEYS[0], nonce=4)) == "account limit exceeded: pooled 2 queued txs"
    # A lower queued nonce displaces the highest one.
    pool.add(sign(KEYS[0], nonce=1))
    assert third not in pool
    assert [tx.nonce for tx in pool.queued()[ADDRESSES[0]]] == [1, 2]


def test_a_full_pool_evicts_the_cheapest_for_a_better_paying_transaction() -> None:
    backend = make_backend(TxPoolConfig(global_slots=2, global_queue=1))
    pool = backend.txpool
    cheap = pool.add(sign(KEYS[0], maxFeePerGas=10 * GWEI, maxPriorityFeePerGas=GWEI))
    pool.add(sign(KEYS[1], maxFeePerGas=10 * GWEI, maxPriorityFeePerGas=2 * GWEI))
    pool.add(sign(KEYS[2], maxFeePerGas=10 * GWEI, maxPriorityFeePerGas=3 * GWEI))
    assert (
        rejected(backend, sign(KEYS[3], maxFeePerGas=10 * GWEI, maxPriorityFeePerGas=GWEI)) == "transaction underpriced"
    )
    better = pool.add(sign(KEYS[3], maxFeePerGas=5 * GWEI, maxPriorityFeePerGas=4 * GWEI))
    assert cheap not in pool and better in pool
    assert len(pool) == 3


def test_txpool_is_full_when_eviction_cannot_make_room() -> None:
    backend = make_backend(TxPoolConfig(global_slots=1, global_queue=1))
    pool = backend.txpool
    pool.add(sign(KEYS[0], maxPriorityFeePerGas=GWEI))
    pool.add(sign(KEYS[1], maxFeePerGas=10 * GWEI, maxPriorityFeePerGas=9 * GWEI))
    big = sign(KEYS[2], data=b"\x01" * 40_000, gas=1_700_000, maxFeePerGas=5 * GWEI, maxPriorityFeePerGas=2 * GWEI)
    assert rejected(backend, big) == "txpool is full"  # two slots, and only one cheaper transaction


def test_pending_beyond_the_global_slots_is_trimmed_from_the_largest_account() -> None:
    backend = make_backend(TxPoolConfig(global_slots=3, account_slots=1, global_queue=10))
    pool = backend.txpool
    for nonce in range(3):
        pool.add(sign(KEYS[0], nonce=nonce))
    pool.add(sign(KEYS[1]))
    assert [tx.nonce for tx in pool.pending()[ADDRESSES[0]]] == [0, 1]
    assert len(pool.pending()[ADDRESSES[1]]) == 1


def test_global_queue_limit_drops_from_the_least_recently_active_account() -> None:
    clock = FakeClock()
    backend = make_backend(TxPoolConfig(global_queue=1), clock)
    pool = backend.txpool
    old = pool.add(sign(KEYS[0], nonce=5))
    clock.now += 10
    new = pool.add(sign(KEYS[1], nonce=5))
    assert old not in pool and new in pool


def test_queued_transactions_expire_after_the_lifetime() -> None:
    clock = FakeClock()
    backend = make_backend(TxPoolConfig(lifetime=60), clock)
    pool = backend.txpool
    queued = pool.add(sign(KEYS[0], nonce=3))
    pending = pool.add(sign(KEYS[1]))
    clock.now += 61
    mine(backend, [])
    assert queued not in pool and pending in pool


def test_pool_errors_are_value_errors() -> None:
    error = TxPoolError("nonce too low")
    assert isinstance(error, ValueError) and error.message == "nonce too low"
