"""The membership vote of permissioned child chains, a stateful precompile at 0x120.

Members propose adding or removing a member and vote on proposals; when a strict majority of the
current members has voted for one, the member set changes at once in the state. Transactions are
checked against the state before each block, so a new member may submit from the next block on;
that next block's header must announce the new set in its extra_data (the authority fork checks
it), so light verifiers such as the parent's anchor precompile follow the set from headers alone.
Sealing turns use the set announced by the latest announcing header: the announcing block is still
sealed by the old set, the block after it by the new one.

Every change starts a new epoch: proposals of an older epoch can no longer be voted on, because
the majority they counted was of another member set.

Storage (slots from ``storage_slot``): the member list and its length, a membership flag per
address, the chain id (set at genesis), the set before the last change with its length, the block
of the last change (plus one, 0 = never), the epoch, proposals (kind and member) and votes.
"""

from collections.abc import Callable, Sequence
from typing import Any

from eth_hash.auto import keccak
from eth_typing import Address

from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.stateful import Call, Event, Function, PrecompileRevert, StatefulPrecompile

MEMBERSHIP_ADDRESS_INT = 0x120
MEMBERSHIP_ADDRESS = Address(MEMBERSHIP_ADDRESS_INT.to_bytes(20, "big"))
# Authority headers carry the whole set in extra_data: keep it (and the header) bounded.
MAX_MEMBERS = 64
ADD, REMOVE = 1, 2

MEMBERS_LENGTH = storage_slot("members.length")
PREVIOUS_LENGTH = storage_slot("previous.length")
CHANGED_AT = storage_slot("changedAt")
EPOCH = storage_slot("epoch")
CHAIN_ID = storage_slot("chainId")

# Each slot written costs what a cold SSTORE would (EIP-2929 cold access + EIP-2200 set / reset).
STORE_NEW_GAS = 22_100
STORE_UPDATE_GAS = 5_000
# Reading the member list costs a cold SLOAD per slot; the fixed part covers the checks and hashing.
LOAD_GAS = 2_100
PROPOSE_GAS = VOTE_GAS = 5_000

# Reads storage as (account, slot) -> value: a state, an AccountDB, or a precompile call.
StorageReader = Callable[[Address, int], int]

Proposed = Event("Proposed(bytes32 proposal, address proposer, bool add, address member)", indexed=2)
Voted = Event("Voted(bytes32 proposal, address voter, uint256 votes, uint256 needed)", indexed=2)
MembershipChanged = Event("MembershipChanged(address member, bool added, uint256 members)", indexed=1)


def _int(slot: bytes) -> int:
    return int.from_bytes(slot, "big")


def _read_list(read: StorageReader, name: str, length_slot: bytes) -> tuple[Address, ...]:
    count = read(MEMBERSHIP_ADDRESS, _int(length_slot))
    return tuple(
        Address(read(MEMBERSHIP_ADDRESS, _int(storage_slot(name, i))).to_bytes(20, "big")) for i in range(count)
    )


def current_members(read: StorageReader) -> tuple[Address, ...]:
    """The member set in a state: who may submit transactions and vote."""
    return _read_list(read, "members", MEMBERS_LENGTH)


def is_member(read: StorageReader, address: Address) -> bool:
    return read(MEMBERSHIP_ADDRESS, _int(storage_slot("isMember", address))) == 1


def sealing_rule(read: StorageReader, parent_number: int) -> tuple[tuple[Address, ...], tuple[Address, ...] | None]:
    """For the block after ``parent_number`` (``read`` is the parent's post-state): the set whose
    in-turn member seals it, and the set its header must announce (None: it must announce none)."""
    members = current_members(read)
    if read(MEMBERSHIP_ADDRESS, _int(CHANGED_AT)) == parent_number + 1:
        return _read_list(read, "previous", PREVIOUS_LENGTH), members
    return members, None


def genesis_storage(members: Sequence[Address], chain_id: int) -> dict[int, int]:
    """The precompile account's storage in a genesis state: the first member set, and the chain id, so that
    configs differing only in their chain id have different genesis blocks."""
    if not 0 < len(members) <= MAX_MEMBERS or len(set(members)) != len(members):
        raise ValueError(f"a member set needs 1 to {MAX_MEMBERS} distinct addresses")
    storage = {_int(MEMBERS_LENGTH): len(members), _int(CHAIN_ID): chain_id}
    for index, member in enumerate(members):
        storage[_int(storage_slot("members", index))] = int.from_bytes(member, "big")
        storage[_int(storage_slot("isMember", member))] = 1
    return storage


def _store(call: Call, slot: bytes, value: int) -> None:
    """Write one slot, charged like a cold SSTORE: the member list's size varies, so its writes are priced each."""
    old = call.load(slot)
    if old == value:
        return
    call.charge(STORE_NEW_GAS if old == 0 else STORE_UPDATE_GAS, "MEMBERSHIP storage write")
    call.store(slot, value)


def _call_reader(call: Call) -> StorageReader:
    state = call.computation.state
    return state.get_storage


def _require_member(call: Call, action: str) -> tuple[Address, ...]:
    read = _call_reader(call)
    call.charge(LOAD_GAS, "MEMBERSHIP membership read")
    if not is_member(read, call.sender):
        raise PrecompileRevert(f"MEMBERSHIP: only members may {action}; 0x{call.sender.hex()} is not a member")
    members = current_members(read)
    call.charge(LOAD_GAS * (len(members) + 1), "MEMBERSHIP member list read")
    return members


def proposal_id(epoch: int, kind: int, member: Address) -> bytes:
    return keccak(epoch.to_bytes(32, "big") + kind.to_bytes(32, "big") + member.rjust(32, b"\0"))


def _write_list(call: Call, name: str, length_slot: bytes, members: Sequence[Address], old_length: int) -> None:
    for index, member in enumerate(members):
        _store(call, storage_slot(name, index), int.from_bytes(member, "big"))
    for index in range(len(members), old_length):
        _store(call, storage_slot(name, index), 0)
    _store(call, length_slot, len(members))


def _apply(call: Call, kind: int, member: Address, members: tuple[Address, ...]) -> None:
    """Change the set now, remember the old one for the next header's turn, start a new epoch."""
    if call.load(CHANGED_AT) != call.block_number + 1:  # the first change in this block: keep the set before it
        previous_length = call.load(PREVIOUS_LENGTH)
        _write_list(call, "previous", PREVIOUS_LENGTH, members, previous_length)
        _store(call, CHANGED_AT, call.block_number + 1)
    if kind == ADD:
        new_members = (*members, member)
        _store(call, storage_slot("isMember", member), 1)
    else:
        new_members = tuple(m for m in members if m != member)
        _store(call, storage_slot("isMember", member), 0)
    _write_list(call, "members", MEMBERS_LENGTH, new_members, len(members))
    _store(call, EPOCH, call.load(EPOCH) + 1)
    call.emit(MembershipChanged, member, kind == ADD, len(new_members))


def _vote_on(call: Call, proposal: bytes, members: tuple[Address, ...], kind: int, member: Address) -> bool:
    voted = storage_slot("voted", proposal, call.sender)
    if call.load(voted):
        raise PrecompileRevert(f"MEMBERSHIP: 0x{call.sender.hex()} already voted on this proposal")
    _store(call, voted, 1)
    votes_slot = storage_slot("votes", proposal)
    votes = call.load(votes_slot) + 1
    _store(call, votes_slot, votes)
    needed = len(members) // 2 + 1
    call.emit(Voted, proposal, call.sender, votes, needed)
    if votes >= needed:
        _apply(call, kind, member, members)
        return True
    return False


def _propose(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    add, member_text = arguments
    member = Address(bytes.fromhex(member_text[2:]))
    members = _require_member(call, "propose")
    kind = ADD if add else REMOVE
    if add and member in members:
        raise PrecompileRevert(f"MEMBERSHIP: 0x{member.hex()} is already a member")
    if add and len(members) >= MAX_MEMBERS:
        raise PrecompileRevert(f"MEMBERSHIP: the set is full ({MAX_MEMBERS} members)")
    if not add and member not in members:
        raise PrecompileRevert(f"MEMBERSHIP: 0x{member.hex()} is not a member")
    if not add and len(members) == 1:
        raise PrecompileRevert("MEMBERSHIP: cannot remove the last member")
    proposal = proposal_id(call.load(EPOCH), kind, member)
    record = storage_slot("proposal", proposal)
    if not call.load(record):
        _store(call, record, kind)
        _store(call, storage_slot("proposal.member", proposal), int.from_bytes(member, "big"))
        call.emit(Proposed, proposal, call.sender, add, member)
    changed = _vote_on(call, proposal, members, kind, member)
    return (proposal, changed)


def _vote(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (proposal,) = arguments
    members = _require_member(call, "vote")
    kind = call.load(storage_slot("proposal", proposal))
    member = Address(call.load(storage_slot("proposal.member", proposal)).to_bytes(20, "big"))
    if not kind or proposal_id(call.load(EPOCH), kind, member) != proposal:
        raise PrecompileRevert("MEMBERSHIP: no open proposal with this id (unknown, or closed by a membership change)")
    return (_vote_on(call, proposal, members, kind, member),)


def _members(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    return (["0x" + member.hex() for member in current_members(_call_reader(call))],)


def _is_member(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    return (is_member(_call_reader(call), Address(bytes.fromhex(arguments[0][2:]))),)


def _proposal(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (proposal,) = arguments
    kind = call.load(storage_slot("proposal", proposal))
    member = call.load(storage_slot("proposal.member", proposal)).to_bytes(20, "big")
    is_open = bool(kind) and proposal_id(call.load(EPOCH), kind, Address(member)) == proposal
    return (kind == ADD, "0x" + member.hex(), call.load(storage_slot("votes", proposal)), is_open)


MEMBERSHIP = StatefulPrecompile(
    "MEMBERSHIP",
    MEMBERSHIP_ADDRESS_INT,
    [
        Function(
            "propose(bool add, address member) returns (bytes32 proposal, bool changed)",
            gas=PROPOSE_GAS,
            handler=_propose,
            mutates=True,
        ),
        Function("vote(bytes32 proposal) returns (bool changed)", gas=VOTE_GAS, handler=_vote, mutates=True),
        Function("members() returns (address[])", gas=2_000 + 800 * MAX_MEMBERS, handler=_members),
        Function("isMember(address account) returns (bool)", gas=800, handler=_is_member),
        Function(
            "proposal(bytes32 proposal) returns (bool add, address member, uint256 votes, bool open)",
            gas=3_200,
            handler=_proposal,
        ),
    ],
    [Proposed, Voted, MembershipChanged],
)
