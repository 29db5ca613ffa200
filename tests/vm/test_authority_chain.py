"""The authority fork on a real chain (in-memory database): turns, member-only transactions, membership votes."""

from typing import Any

import pytest
from eth.abc import BlockAPI, ChainAPI, SignedTransactionAPI
from eth.db.atomic import AtomicDB
from eth.db.backends.memory import MemoryDB
from eth.vm.message import Message
from eth.vm.transaction_context import BaseTransactionContext
from eth_abi import decode, encode
from eth_keys.datatypes import PrivateKey
from eth_typing import Address, BlockNumber
from eth_utils import ValidationError

from walton.consensus.authority import header_authorities, header_signer, sign_header, verify_authority_header
from walton.vm.forks.authority import AuthorityState
from walton.vm.forks.authority.mining import next_sealer, seal_authority_block
from walton.vm.forks.iot.mining import FixedCandidates, build_block
from walton.vm.networks.child import ChildNetwork
from walton.vm.precompiles.membership import ADD, MEMBERSHIP, MEMBERSHIP_ADDRESS, REMOVE, proposal_id

KEYS = [PrivateKey(bytes([i + 7]) * 32) for i in range(5)]
ADDRESSES = [Address(key.public_key.to_canonical_address()) for key in KEYS]
MEMBERS = tuple(ADDRESSES[:3])
NEWCOMER, OUTSIDER = KEYS[3], KEYS[4]
WTC = 10**18
NETWORK = ChildNetwork(
    name="test-authority",
    chain_id=7101,
    template="authority",
    members=MEMBERS,
    alloc={address: 100 * WTC for address in ADDRESSES},
    block_reward=2 * WTC,
)
BY_ADDRESS = dict(zip(ADDRESSES, KEYS, strict=True))


def new_chain() -> ChainAPI:
    return NETWORK.open_chain(AtomicDB(MemoryDB()))


def selector(name: str) -> bytes:
    return MEMBERSHIP.function(name).selector


def transaction(chain: ChainAPI, key: PrivateKey, to: Address, data: bytes = b"", value: int = 0) -> Any:
    sender = Address(key.public_key.to_canonical_address())
    nonce = chain.get_vm().state.get_nonce(sender)
    unsigned = chain.create_unsigned_transaction(
        nonce=nonce, gas_price=10**10, gas=1_000_000, to=to, value=value, data=data
    )
    return unsigned.as_signed_transaction(key, chain_id=NETWORK.chain_id)


def build(chain: ChainAPI, transactions: list[SignedTransactionAPI]) -> tuple[BlockAPI, int]:
    """A block on the head built by its in-turn member (coinbase), unsigned; and the number of rejected txs."""
    sealer, _announce = next_sealer(chain)
    timestamp = chain.get_canonical_head().timestamp + 1
    built = build_block(chain, FixedCandidates(transactions), sealer, timestamp)
    return built.block, len(built.rejected)


def seal_next(chain: ChainAPI, transactions: list[SignedTransactionAPI] = ()) -> BlockAPI:  # type: ignore[assignment]
    sealer, announce = next_sealer(chain)
    block, _rejected = build(chain, list(transactions))
    sealed = seal_authority_block(block, BY_ADDRESS[sealer], announce)
    chain.import_block(sealed)
    return sealed


def run_membership(chain: ChainAPI, sender: Address, data: bytes) -> Any:
    """Run one call into the precompile on the head state (nothing is kept), as ``sender``."""
    state = chain.get_vm().state
    message = Message(gas=1_000_000, to=MEMBERSHIP_ADDRESS, sender=sender, value=0, data=data, code=b"")
    return state.computation_class.apply_message(state, message, BaseTransactionContext(gas_price=0, origin=sender))


def call_membership(chain: ChainAPI, name: str, types: list[str], args: list[Any], returns: list[str]) -> Any:
    computation = run_membership(chain, ADDRESSES[0], selector(name) + encode(types, args))
    assert not computation.is_error
    return decode(returns, computation.output)


def test_members_seal_in_turn_and_earn_the_configured_reward() -> None:
    chain = new_chain()
    assert header_authorities(chain.get_canonical_head()) == MEMBERS
    for number in range(1, 5):
        block = seal_next(chain)
        assert header_signer(block.header) == MEMBERS[number % 3]
        assert block.header.difficulty == 1
    assert chain.get_vm().state.get_balance(MEMBERS[1]) == 100 * WTC + 2 * 2 * WTC  # blocks 1 and 4


def test_out_of_turn_or_outsider_seal_is_refused() -> None:
    chain = new_chain()
    block, _ = build(chain, [])
    for key in (KEYS[2], OUTSIDER):
        forged = block.copy(header=sign_header(block.header, key))
        with pytest.raises(ValidationError, match="turn"):
            chain.import_block(forged)
    unsigned = block.copy(header=block.header.copy(extra_data=b""))
    with pytest.raises(ValidationError, match="too short"):
        chain.import_block(unsigned)


def test_only_members_transact() -> None:
    chain = new_chain()
    outsider_tx = transaction(chain, OUTSIDER, ADDRESSES[0], value=1)
    member_tx = transaction(chain, KEYS[0], ADDRESSES[4], value=1)
    block, rejected = build(chain, [outsider_tx, member_tx])
    assert rejected == 1 and [tx.hash for tx in block.transactions] == [member_tx.hash]
    with pytest.raises(ValidationError, match="not a member"):
        chain.get_vm().state.validate_transaction(outsider_tx)


class LaxState(AuthorityState):
    """Test-only: a state that lets anyone transact, to build the block an honest member never would."""

    def sender_refusal(self, sender: Address) -> str | None:
        return None


def test_block_with_a_non_member_transaction_is_invalid() -> None:
    chain = new_chain()
    lax_vm = NETWORK.vm_class.configure(_state_class=LaxState)
    lax_chain = NETWORK.chain_class.configure(vm_configuration=((0, lax_vm),)).from_genesis(
        AtomicDB(MemoryDB()), NETWORK.genesis_params(), NETWORK.genesis_state()
    )
    block, rejected = build(lax_chain, [transaction(lax_chain, OUTSIDER, ADDRESSES[0], value=1)])
    assert rejected == 0 and len(block.transactions) == 1
    sealer, announce = next_sealer(chain)
    with pytest.raises(ValidationError, match="not a member"):
        chain.import_block(seal_authority_block(block, BY_ADDRESS[sealer], announce))


def vote_tx(chain: ChainAPI, key: PrivateKey, function: str, types: list[str], args: list[Any]) -> Any:
    return transaction(chain, key, MEMBERSHIP_ADDRESS, selector(function) + encode(types, args))


def test_membership_vote_adds_a_member_announced_by_the_next_header() -> None:
    chain = new_chain()
    newcomer = ADDRESSES[3]
    # One member's proposal is 1 of 3: no change.
    seal_next(chain, [vote_tx(chain, KEYS[0], "propose", ["bool", "address"], [True, newcomer])])
    proposal = proposal_id(0, ADD, newcomer)
    add, member, votes, is_open = call_membership(
        chain, "proposal", ["bytes32"], [proposal], ["bool", "address", "uint256", "bool"]
    )
    assert (add, member.lower(), votes, is_open) == (True, "0x" + newcomer.hex(), 1, True)
    # A second vote is a strict majority (2 of 3): the set changes in this block's state.
    vote_block = seal_next(chain, [vote_tx(chain, KEYS[1], "vote", ["bytes32"], [proposal])])
    receipt = vote_block.get_receipts(chain.chaindb)[0]
    assert receipt.state_root == b"\x01" and len(receipt.logs) == 2  # Voted, MembershipChanged
    members = call_membership(chain, "members", [], [], ["address[]"])[0]
    assert [member.lower() for member in members] == ["0x" + a.hex() for a in (*MEMBERS, newcomer)]
    # The next header must announce the new set: without it, or with another set, it is refused.
    sealer, announce = next_sealer(chain)
    assert announce == (*MEMBERS, newcomer) and sealer in MEMBERS
    block, _ = build(chain, [transaction(chain, NEWCOMER, ADDRESSES[0], value=1)])
    with pytest.raises(ValidationError, match="must announce"):
        chain.import_block(seal_authority_block(block, BY_ADDRESS[sealer], None))
    with pytest.raises(ValidationError, match="must announce"):
        chain.import_block(seal_authority_block(block, BY_ADDRESS[sealer], MEMBERS))
    announcing = seal_authority_block(block, BY_ADDRESS[sealer], announce)
    chain.import_block(announcing)
    assert len(announcing.transactions) == 1  # the newcomer transacts from this block on
    assert header_authorities(announcing.header) == announce
    # From the block after the announcement, turns follow the new set; later headers announce nothing.
    for _ in range(4):
        block = seal_next(chain)
        assert header_signer(block.header) == announce[block.number % 4]
        assert header_authorities(block.header) is None
    unannounced, _ = build(chain, [])
    sealer, _ = next_sealer(chain)
    with pytest.raises(ValidationError, match="no change voted"):
        chain.import_block(seal_authority_block(unannounced, BY_ADDRESS[sealer], announce))


@pytest.mark.parametrize(
    ("key", "function", "types", "args", "reason"),
    [
        (OUTSIDER, "propose", ["bool", "address"], [True, ADDRESSES[4]], "only members may propose"),
        (KEYS[0], "propose", ["bool", "address"], [True, ADDRESSES[1]], "already a member"),
        (KEYS[0], "propose", ["bool", "address"], [False, ADDRESSES[4]], "is not a member"),
        (KEYS[0], "vote", ["bytes32"], [b"\x01" * 32], "no open proposal"),
    ],
)
def test_bad_votes_revert_with_reasons(
    key: PrivateKey, function: str, types: list[str], args: list[Any], reason: str
) -> None:
    chain = new_chain()
    sender = Address(key.public_key.to_canonical_address())
    computation = run_membership(chain, sender, selector(function) + encode(types, args))
    assert computation.is_error
    assert reason in decode(["string"], computation.output[4:])[0]


def test_double_vote_and_removal() -> None:
    chain = new_chain()
    propose = vote_tx(chain, KEYS[0], "propose", ["bool", "address"], [False, MEMBERS[2]])
    seal_next(chain, [propose])
    proposal = proposal_id(0, REMOVE, MEMBERS[2])
    again = vote_tx(chain, KEYS[0], "vote", ["bytes32"], [proposal])
    block = seal_next(chain, [again])
    assert block.get_receipts(chain.chaindb)[0].state_root == b""  # reverted: already voted
    seal_next(chain, [vote_tx(chain, KEYS[1], "vote", ["bytes32"], [proposal])])
    _sealer, announce = next_sealer(chain)
    assert announce == MEMBERS[:2]
    seal_next(chain)
    state = chain.get_vm().state
    assert isinstance(state, AuthorityState) and state.sender_refusal(MEMBERS[2]) is not None


def test_a_change_pays_for_every_slot_it_writes() -> None:
    chain = new_chain()
    newcomer = ADDRESSES[3]
    seal_next(chain, [vote_tx(chain, KEYS[0], "propose", ["bool", "address"], [True, newcomer])])
    proposal = proposal_id(0, ADD, newcomer)
    vote = vote_tx(chain, KEYS[1], "vote", ["bytes32"], [proposal])
    short = chain.create_unsigned_transaction(
        nonce=vote.nonce, gas_price=10**10, gas=120_000, to=MEMBERSHIP_ADDRESS, value=0, data=vote.data
    ).as_signed_transaction(KEYS[1], chain_id=NETWORK.chain_id)
    block = seal_next(chain, [short])
    assert block.get_receipts(chain.chaindb)[0].state_root == b""  # out of gas: nothing changed
    assert call_membership(chain, "proposal", ["bytes32"], [proposal], ["bool", "address", "uint256", "bool"])[2] == 1
    _sealer, announce = next_sealer(chain)
    assert announce is None
    block = seal_next(chain, [vote_tx(chain, KEYS[1], "vote", ["bytes32"], [proposal])])
    receipt = block.get_receipts(chain.chaindb)[0]
    assert receipt.state_root == b"\x01" and receipt.gas_used > 200_000  # ten slots written, most of them new


def test_changes_in_consecutive_blocks_follow_the_announced_sets() -> None:
    chain = new_chain()
    first, second = ADDRESSES[3], ADDRESSES[4]
    seal_next(chain, [vote_tx(chain, KEYS[0], "propose", ["bool", "address"], [True, first])])
    seal_next(chain, [vote_tx(chain, KEYS[1], "vote", ["bytes32"], [proposal_id(0, ADD, first)])])
    four = (*MEMBERS, first)
    # The announcing block is sealed by the old set and holds a second change (3 of 4 votes).
    sealer, announce = next_sealer(chain)
    assert announce == four and sealer == MEMBERS[3 % 3]
    second_id = proposal_id(1, ADD, second)
    votes = [vote_tx(chain, KEYS[0], "propose", ["bool", "address"], [True, second])]
    votes += [vote_tx(chain, key, "vote", ["bytes32"], [second_id]) for key in KEYS[1:3]]
    block = seal_next(chain, votes)
    assert header_authorities(block.header) == four
    assert all(receipt.state_root == b"\x01" for receipt in block.get_receipts(chain.chaindb))
    # The next block announces the five, and is sealed by the four announced just before.
    sealer, announce = next_sealer(chain)
    assert announce == (*four, second) and sealer == four[4 % 4]
    block = seal_next(chain)
    assert header_signer(block.header) == four[0] and header_authorities(block.header) == (*four, second)
    assert header_signer(seal_next(chain).header) == (*four, second)[5 % 5]
    # A light verifier following headers alone (what ANCHOR does) accepts the same chain, set by set.
    authorities = header_authorities(chain.get_canonical_block_header_by_number(BlockNumber(0)))
    assert authorities is not None
    parent = chain.get_canonical_block_header_by_number(BlockNumber(0))
    for number in range(1, chain.get_canonical_head().block_number + 1):
        header = chain.get_canonical_block_header_by_number(BlockNumber(number))
        authorities = verify_authority_header(header, parent, authorities)
        parent = header
    assert authorities == (*four, second)
