"""Child-chain networks from a short TOML config: a permissioned (authority) or a WPoC chain on the IoT fork.

```toml
[chain]
name = "logistics"
chain_id = 7001
template = "authority"     # or "wpoc"
# optional: gas_limit (30M), timestamp (0), block_reward (wei, authority only, 0),
# dev = true to prefund the public dev accounts (local clusters only)

[authority]                # authority template: the first member set, in sealing order
members = ["0x...", "0x..."]

[wpoc]                     # WPoC template
minimum_difficulty = 512

[alloc]                    # optional prefunded balances (wei, integer or decimal/0x string)
"0x..." = "1000000000000000000000"
```

Each config defines its own chain id and genesis; a node keeps it in its own data directory.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, cast

from eth.abc import AtomicDatabaseAPI, BlockHeaderAPI, ChainAPI, VirtualMachineAPI
from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth.db.backends.memory import MemoryDB
from eth.db.chain import ChainDB
from eth.exceptions import CanonicalHeadNotFound
from eth.typing import AccountDetails, AccountState
from eth_typing import Address, BlockNumber
from eth_utils import is_hex_address, to_canonical_address

from walton.consensus.authority import AUTHORITY_DIFFICULTY, ZERO_MIX_HASH, ZERO_NONCE, genesis_extra_data
from walton.vm.forks.authority import AuthorityVM
from walton.vm.forks.iot import IoTVM
from walton.vm.networks.dev import DEV_ACCOUNT_BALANCE, DEV_GAS_LIMIT, DEV_MINIMUM_DIFFICULTY, dev_accounts
from walton.vm.precompiles.membership import MEMBERSHIP_ADDRESS, genesis_storage

TEMPLATES = ("authority", "wpoc")
CHILD_CONFIG_SUFFIX = ".toml"


class ChildConfigError(ValueError):
    """A child-chain config walton cannot run, with the field at fault."""


class ChildGenesisMismatch(ValueError):
    """The data directory holds another chain than the config's."""


@dataclass(frozen=True)
class ChildNetwork:
    """A child chain: template, ids, genesis parameters and the chain class that runs it."""

    name: str
    chain_id: int
    template: str
    members: tuple[Address, ...] = ()
    minimum_difficulty: int = DEV_MINIMUM_DIFFICULTY
    alloc: Mapping[Address, int] = field(default_factory=dict)
    gas_limit: int = DEV_GAS_LIMIT
    timestamp: int = 0
    block_reward: int = 0
    dev: bool = False

    @property
    def network_id(self) -> int:
        return self.chain_id

    @property
    def is_authority(self) -> bool:
        return self.template == "authority"

    @cached_property
    def vm_class(self) -> type[VirtualMachineAPI]:
        if self.is_authority:
            return cast(
                type[VirtualMachineAPI],
                AuthorityVM.configure(__name__=f"AuthorityVM[{self.name}]", block_reward=self.block_reward),
            )
        return cast(
            type[VirtualMachineAPI],
            IoTVM.configure(__name__=f"IoTVM[{self.name}]", minimum_difficulty=self.minimum_difficulty),
        )

    @cached_property
    def chain_class(self) -> type[MiningChain]:
        return MiningChain.configure(
            __name__=f"ChildChain[{self.name}]",
            vm_configuration=((BlockNumber(0), self.vm_class),),
            chain_id=self.chain_id,
        )

    def genesis_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"gas_limit": self.gas_limit, "timestamp": self.timestamp}
        if self.is_authority:
            return {
                **params,
                "difficulty": AUTHORITY_DIFFICULTY,
                "nonce": ZERO_NONCE,
                "mix_hash": ZERO_MIX_HASH,
                "extra_data": genesis_extra_data(self.members),
            }
        return {**params, "difficulty": self.minimum_difficulty, "extra_data": f"walton child {self.chain_id}".encode()}

    def genesis_state(self) -> AccountState:
        balances = dict(self.alloc)
        if self.dev:
            for account in dev_accounts():
                address = Address(to_canonical_address(account.address))
                balances[address] = balances.get(address, 0) + DEV_ACCOUNT_BALANCE
        state: dict[Address, AccountDetails] = {
            address: AccountDetails(balance=balance, nonce=0, code=b"", storage={})
            for address, balance in balances.items()
        }
        if self.is_authority:  # the membership precompile starts with the first member set
            state[MEMBERSHIP_ADDRESS] = AccountDetails(
                balance=0, nonce=1, code=b"", storage=genesis_storage(self.members, self.chain_id)
            )
        return state

    @cached_property
    def genesis_header(self) -> BlockHeaderAPI:
        chain = self.chain_class.from_genesis(AtomicDB(MemoryDB()), self.genesis_params(), self.genesis_state())
        return chain.get_canonical_block_header_by_number(BlockNumber(0))

    def open_chain(self, db: AtomicDatabaseAPI) -> ChainAPI:
        """The chain on ``db``: created from this config's genesis when empty, else checked against it."""
        try:
            ChainDB(db).get_canonical_head()
        except CanonicalHeadNotFound:
            return self.chain_class.from_genesis(db, self.genesis_params(), self.genesis_state())
        stored = ChainDB(db).get_canonical_block_hash(BlockNumber(0))
        if stored != self.genesis_header.hash:
            raise ChildGenesisMismatch(
                f"database genesis 0x{stored.hex()} is not the genesis of {self.name} "
                f"(0x{self.genesis_header.hash.hex()})"
            )
        return self.chain_class(db)


def _integer(value: Any, what: str, minimum: int = 0) -> int:
    if isinstance(value, bool):
        raise ChildConfigError(f"{what}: expected an integer, got {value!r}")
    if isinstance(value, str):
        try:
            value = int(value, 0)
        except ValueError:
            raise ChildConfigError(f"{what}: not an integer: {value!r}") from None
    if not isinstance(value, int) or value < minimum or value >= 2**256:
        raise ChildConfigError(f"{what}: expected an integer >= {minimum}, got {value!r}")
    return value


def _address(value: Any, what: str) -> Address:
    if not isinstance(value, str) or not is_hex_address(value):
        raise ChildConfigError(f"{what}: not a 0x-prefixed 20-byte address: {value!r}")
    return Address(to_canonical_address(value))


def _table(raw: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    table = raw.get(name, {})
    if not isinstance(table, Mapping):
        raise ChildConfigError(f"[{name}] must be a table")
    return table


def parse_child_config(raw: Mapping[str, Any]) -> ChildNetwork:
    """A ``ChildNetwork`` from a decoded TOML config; ``ChildConfigError`` names the bad field."""
    chain = _table(raw, "chain")
    name = chain.get("name")
    if not isinstance(name, str) or not name:
        raise ChildConfigError("[chain] name: required, a non-empty string")
    if "chain_id" not in chain:
        raise ChildConfigError("[chain] chain_id: required")
    chain_id = _integer(chain["chain_id"], "[chain] chain_id", minimum=1)
    if chain_id >= 2**63:
        raise ChildConfigError("[chain] chain_id: must be below 2^63")
    template = chain.get("template")
    if template not in TEMPLATES:
        raise ChildConfigError(f"[chain] template: one of {', '.join(TEMPLATES)}, got {template!r}")
    dev = chain.get("dev", False)
    if not isinstance(dev, bool):
        raise ChildConfigError("[chain] dev: true or false")
    alloc = {
        _address(address, f"[alloc] {address}"): _integer(balance, f"[alloc] {address}")
        for address, balance in _table(raw, "alloc").items()
    }
    common: dict[str, Any] = {
        "name": name,
        "chain_id": chain_id,
        "template": template,
        "alloc": alloc,
        "gas_limit": _integer(chain.get("gas_limit", DEV_GAS_LIMIT), "[chain] gas_limit", minimum=5000),
        "timestamp": _integer(chain.get("timestamp", 0), "[chain] timestamp"),
        "dev": dev,
    }
    if template == "authority":
        members_raw = _table(raw, "authority").get("members")
        if not isinstance(members_raw, list) or not members_raw:
            raise ChildConfigError("[authority] members: required, a non-empty list of addresses")
        members = tuple(_address(member, "[authority] members") for member in members_raw)
        try:
            genesis_storage(members, chain_id)
        except ValueError as exc:
            raise ChildConfigError(f"[authority] members: {exc}") from None
        reward = _integer(chain.get("block_reward", 0), "[chain] block_reward")
        return ChildNetwork(members=members, block_reward=reward, **common)
    difficulty = _integer(
        _table(raw, "wpoc").get("minimum_difficulty", DEV_MINIMUM_DIFFICULTY), "[wpoc] minimum_difficulty", minimum=1
    )
    return ChildNetwork(minimum_difficulty=difficulty, **common)


def is_child_config(name_or_path: str | Path) -> bool:
    return str(name_or_path).endswith(CHILD_CONFIG_SUFFIX)


def load_child_network(path: str | Path) -> ChildNetwork:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ChildConfigError(f"{path}: invalid TOML: {exc}") from None
    try:
        return parse_child_config(raw)
    except ChildConfigError as exc:
        raise ChildConfigError(f"{path}: {exc}") from None
