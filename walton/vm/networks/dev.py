"""The ``dev`` network: a local chain on the IoT fork from block 0 with prefunded accounts.

Blocks are sealed with WPoC (X11 proof of work, stake-weighted target) at a minimum
difficulty a CPU reaches in a fraction of a second. The prefunded accounts are derived
(BIP-39/BIP-44, path m/44'/60'/0'/0/i) from the same public mnemonic Hardhat and Anvil
use, so their keys are known to everyone: they are for local development only and must
never hold anything of value.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from eth.abc import AtomicDatabaseAPI, ChainAPI
from eth.chains.base import MiningChain
from eth.typing import AccountDetails, AccountState
from eth_account import Account
from eth_typing import Address
from eth_utils import to_canonical_address

from walton.vm.forks.iot import IoTVM

DEV_CHAIN_ID = 1337
DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_ACCOUNT_COUNT = 10
DEV_ACCOUNT_BALANCE = 10_000 * 10**18
DEV_GAS_LIMIT = 30_000_000
DEV_GENESIS_TIMESTAMP = 0
# Low enough that pure-Python X11 (~2 ms a hash) seals a block in well under a second.
DEV_MINIMUM_DIFFICULTY = 512


@dataclass(frozen=True)
class DevAccount:
    address: str
    private_key: str


@cache
def dev_accounts(count: int = DEV_ACCOUNT_COUNT) -> tuple[DevAccount, ...]:
    """The dev-only prefunded accounts: public keys, never to be used outside a dev chain."""
    Account.enable_unaudited_hdwallet_features()
    accounts = []
    for index in range(count):
        account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
        accounts.append(DevAccount(address=account.address, private_key="0x" + account.key.hex()))
    return tuple(accounts)


def dev_genesis_state() -> AccountState:
    return {
        Address(to_canonical_address(account.address)): AccountDetails(
            balance=DEV_ACCOUNT_BALANCE, nonce=0, code=b"", storage={}
        )
        for account in dev_accounts()
    }


DEV_GENESIS_PARAMS: dict[str, Any] = {
    "difficulty": DEV_MINIMUM_DIFFICULTY,
    "gas_limit": DEV_GAS_LIMIT,
    "timestamp": DEV_GENESIS_TIMESTAMP,
    "extra_data": b"walton dev",
}

DevVM = IoTVM.configure(__name__="DevIoTVM", minimum_difficulty=DEV_MINIMUM_DIFFICULTY)

DevChain = MiningChain.configure(
    __name__="DevChain",
    vm_configuration=((0, DevVM),),
    chain_id=DEV_CHAIN_ID,
)


def build_dev_chain(db: AtomicDatabaseAPI) -> ChainAPI:
    """A new dev chain in ``db``, from the dev genesis."""
    return DevChain.from_genesis(db, DEV_GENESIS_PARAMS, dev_genesis_state())
