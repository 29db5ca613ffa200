"""Gwtc genesis files (``gwtc init genesis.json``) read as Gwtc reads them, and the genesis block they define.

The format is go-ethereum 1.7.1's ``core.Genesis`` JSON: keys are matched case-insensitively (Go's
``encoding/json``), so the ``"Difficulty"`` of the real mainnet file is accepted; numbers are hex
(``0x``) or decimal strings or JSON numbers; alloc addresses may omit ``0x``. The chain config is
Gwtc's ``params.ChainConfig`` (no DAO or Clique fields): ``chainId``, ``homesteadBlock``,
``eip150Block``, ``eip150Hash``, ``eip155Block``, ``eip158Block``, ``byzantiumBlock``, ``ethash``.

The genesis state is built like ``Genesis.ToBlock``: every alloc account gets ``AddBalance`` at the
genesis timestamp (so coin age 0 and fuBlockTime = genesis timestamp), then its code, nonce and
storage; the root is taken without deleting empty accounts.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth.abc import AtomicDatabaseAPI
from eth.constants import BLANK_ROOT_HASH, EMPTY_UNCLE_HASH, ZERO_ADDRESS, ZERO_HASH32
from eth.db.backends.memory import MemoryDB
from eth_typing import Address, Hash32
from eth_utils import decode_hex

from walton.vm.forks.gwtc.accounts import GwtcAccountDB
from walton.vm.forks.gwtc.headers import GwtcBlockHeader

GENESIS_GAS_LIMIT = 78_000_000_000  # params.GenesisGasLimit, used when the file gives 0
GENESIS_DIFFICULTY = 131072  # params.GenesisDifficulty, used when the file gives none


class GenesisError(ValueError):
    """A genesis file Gwtc would not accept, or one walton cannot run."""


@dataclass(frozen=True)
class GenesisAccount:
    balance: int = 0
    nonce: int = 0
    code: bytes = b""
    storage: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainConfig:
    """Gwtc's ``params.ChainConfig``; a fork block of ``None`` means the fork never activates."""

    chain_id: int
    homestead_block: int | None = None
    eip150_block: int | None = None
    eip155_block: int | None = None
    eip158_block: int | None = None
    byzantium_block: int | None = None


@dataclass(frozen=True)
class GwtcGenesis:
    config: ChainConfig
    nonce: int
    timestamp: int
    extra_data: bytes
    gas_limit: int
    difficulty: int
    mix_hash: bytes
    coinbase: bytes
    alloc: Mapping[Address, GenesisAccount]
    number: int = 0
    gas_used: int = 0
    parent_hash: bytes = ZERO_HASH32

    def apply_state(self, db: AtomicDatabaseAPI) -> Hash32:
        """Write the alloc into ``db`` (``Genesis.ToBlock``) and return the state root."""
        accounts = GwtcAccountDB(db, BLANK_ROOT_HASH)
        for address, account in self.alloc.items():
            accounts.accrue_coin_age(address, self.timestamp)  # AddBalance at the genesis time
            if account.balance:
                accounts.set_balance(address, accounts.get_balance(address) + account.balance)
            if account.code:
                accounts.set_code(address, account.code)
            if account.nonce:
                accounts.set_nonce(address, account.nonce)
            for slot, value in account.storage.items():
                if value:
                    accounts.set_storage(address, slot, value)
        accounts.persist()
        return accounts.state_root

    def header(self, state_root: Hash32 | None = None) -> GwtcBlockHeader:
        """The genesis header; the state root is computed in a scratch database unless given."""
        if state_root is None:
            state_root = self.apply_state(_scratch_db())
        return GwtcBlockHeader(
            parent_hash=self.parent_hash,
            uncles_hash=EMPTY_UNCLE_HASH,
            coinbase=self.coinbase,
            state_root=state_root,
            transaction_root=BLANK_ROOT_HASH,
            receipt_root=BLANK_ROOT_HASH,
            bloom=0,
            coin_age=0,
            difficulty=self.difficulty,
            block_number=self.number,
            gas_limit=self.gas_limit,
            gas_used=self.gas_used,
            timestamp=self.timestamp,
            extra_data=self.extra_data,
            mix_hash=self.mix_hash,
            nonce=self.nonce.to_bytes(8, "big"),
            tx_number=0,
        )


def _scratch_db() -> AtomicDatabaseAPI:
    from eth.db.atomic import AtomicDB

    return AtomicDB(MemoryDB())


# -- parsing ------------------------------------------------------------------------------------------
def _lower_keys(mapping: Mapping[str, Any], what: str) -> dict[str, Any]:
    if not isinstance(mapping, Mapping):
        raise GenesisError(f"{what} must be a JSON object")
    lowered: dict[str, Any] = {}
    for key, value in mapping.items():
        lowered.setdefault(key.lower(), value)  # Go keeps the first match for a key
    return lowered


def _quantity(value: Any, what: str, limit_bits: int | None = None) -> int:
    """``math.HexOrDecimal64/256``: a JSON number, a decimal string or a 0x-hex string."""
    if isinstance(value, bool):
        raise GenesisError(f"{what}: not a number: {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text[2:], 16) if text[:2].lower() == "0x" else int(text, 10)
        except ValueError:
            raise GenesisError(f"{what}: invalid number {value!r}") from None
    else:
        raise GenesisError(f"{what}: invalid number {value!r}")
    if number < 0 or (limit_bits is not None and number >= 2**limit_bits):
        raise GenesisError(f"{what}: out of range: {value!r}")
    return number


def _hex_bytes(value: Any, what: str, length: int | None = None, allow_unprefixed: bool = False) -> bytes:
    if not isinstance(value, str):
        raise GenesisError(f"{what}: expected a hex string, got {value!r}")
    text = value
    if text[:2].lower() == "0x":
        text = text[2:]
    elif not allow_unprefixed and text:
        raise GenesisError(f"{what}: hex string without 0x prefix: {value!r}")
    try:
        data = bytes.fromhex(text)
    except ValueError:
        raise GenesisError(f"{what}: invalid hex {value!r}") from None
    if length is not None:
        if len(data) > length:
            raise GenesisError(f"{what}: longer than {length} bytes")
        data = data.rjust(length, b"\x00")
    return data


def _optional_block(config: Mapping[str, Any], key: str) -> int | None:
    value = config.get(key.lower())
    return None if value is None else _quantity(value, f"config.{key}")


def parse_chain_config(raw: Mapping[str, Any]) -> ChainConfig:
    config = _lower_keys(raw, "config")
    if config.get("chainid") is None:
        raise GenesisError("config.chainId is missing")
    return ChainConfig(
        chain_id=_quantity(config["chainid"], "config.chainId"),
        homestead_block=_optional_block(config, "homesteadBlock"),
        eip150_block=_optional_block(config, "eip150Block"),
        eip155_block=_optional_block(config, "eip155Block"),
        eip158_block=_optional_block(config, "eip158Block"),
        byzantium_block=_optional_block(config, "byzantiumBlock"),
    )


def _parse_account(address: str, raw: Mapping[str, Any]) -> GenesisAccount:
    entry = _lower_keys(raw, f"alloc[{address}]")
    if "balance" not in entry:
        raise GenesisError(f"alloc[{address}]: missing required field 'balance'")
    storage = {}
    for key, value in _lower_keys(entry.get("storage") or {}, f"alloc[{address}].storage").items():
        storage[int.from_bytes(_hex_bytes(key, "storage key", 32), "big")] = int.from_bytes(
            _hex_bytes(value, "storage value", 32), "big"
        )
    return GenesisAccount(
        balance=_quantity(entry["balance"], f"alloc[{address}].balance", 256),
        nonce=_quantity(entry.get("nonce", 0), f"alloc[{address}].nonce", 64),
        code=_hex_bytes(entry.get("code", "0x"), f"alloc[{address}].code"),
        storage=storage,
    )


def parse_genesis(raw: Mapping[str, Any]) -> GwtcGenesis:
    """A ``GwtcGenesis`` from the decoded JSON of a Gwtc genesis file."""
    data = _lower_keys(raw, "genesis")
    if data.get("config") is None:
        raise GenesisError("genesis has no chain config")
    if data.get("alloc") is None:
        raise GenesisError("missing required field 'alloc' for Genesis")
    alloc: dict[Address, GenesisAccount] = {}
    for key, value in data["alloc"].items():
        address = Address(_hex_bytes(key, f"alloc address {key}", allow_unprefixed=True))
        if len(address) != 20:
            raise GenesisError(f"alloc address {key!r} is not 20 bytes")
        alloc[address] = _parse_account(key, value)
    gas_limit = _quantity(data.get("gaslimit", 0), "gasLimit", 64)
    difficulty = data.get("difficulty")
    return GwtcGenesis(
        config=parse_chain_config(data["config"]),
        nonce=_quantity(data.get("nonce", 0), "nonce", 64),
        timestamp=_quantity(data.get("timestamp", 0), "timestamp", 64),
        extra_data=_hex_bytes(data.get("extradata") or "0x", "extraData"),
        gas_limit=gas_limit or GENESIS_GAS_LIMIT,
        difficulty=GENESIS_DIFFICULTY if difficulty is None else _quantity(difficulty, "difficulty", 256),
        mix_hash=_hex_bytes(data.get("mixhash") or "0x", "mixHash", 32),
        coinbase=_hex_bytes(data.get("coinbase") or "0x", "coinbase", 20) or ZERO_ADDRESS,
        alloc=alloc,
        number=_quantity(data.get("number", 0), "number", 64),
        gas_used=_quantity(data.get("gasused", 0), "gasUsed", 64),
        parent_hash=_hex_bytes(data.get("parenthash") or "0x", "parentHash", 32),
    )


def load_genesis(path: str | Path) -> GwtcGenesis:
    with Path(path).open() as handle:
        try:
            raw = json.load(handle)
        except json.JSONDecodeError as exc:
            raise GenesisError(f"{path}: invalid JSON: {exc}") from None
    return parse_genesis(raw)


def hex_address(address: bytes) -> str:
    return "0x" + bytes(address).hex()


def address_from_text(text: str) -> Address:
    data = decode_hex(text)
    if len(data) != 20:
        raise ValueError(f"not a 20-byte address: {text!r}")
    return Address(data)


__all__ = [
    "ChainConfig",
    "GenesisAccount",
    "GenesisError",
    "GwtcGenesis",
    "address_from_text",
    "load_genesis",
    "parse_chain_config",
    "parse_genesis",
]
