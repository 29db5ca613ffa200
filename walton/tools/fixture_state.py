"""Account state as Ethereum's JSON fixtures write it (``pre``, ``postState``, ``alloc``)."""

from collections.abc import Mapping
from typing import Any

from eth.abc import StateAPI
from eth.typing import AccountDetails, AccountState
from eth_typing import Address
from eth_utils import decode_hex, to_canonical_address


def normalize_accounts(accounts: Mapping[str, Mapping[str, Any]]) -> AccountState:
    """Hex-encoded fixture accounts as py-evm's genesis state: ints, bytes, int-keyed storage."""
    return {
        Address(to_canonical_address(address)): AccountDetails(
            balance=int(account.get("balance", "0x0"), 16),
            nonce=int(account.get("nonce", "0x0"), 16),
            code=decode_hex(account.get("code", "0x")),
            storage={int(slot, 16): int(value, 16) for slot, value in account.get("storage", {}).items()},
        )
        for address, account in accounts.items()
    }


def apply_account_state(state: StateAPI, accounts: Mapping[str, Mapping[str, Any]]) -> None:
    """Write fixture accounts into ``state``."""
    for address, account in normalize_accounts(accounts).items():
        for slot, value in account["storage"].items():
            state.set_storage(address, slot, value)
        state.set_nonce(address, account["nonce"])
        state.set_code(address, account["code"])
        state.set_balance(address, account["balance"])
