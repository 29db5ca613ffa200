"""A small Gwtc dev chain for unit tests: own genesis and keys, blocks executed, sealed and imported.

Blocks are built by executing them on the chain's VM, re-sealed with walton's sealer (claiming a
large header CoinAge, which before HardForkV2 scales the target and which nothing validates) and
imported with full validation, so every test block is one Gwtc would accept.
"""

from collections.abc import Sequence
from typing import Any

from eth.abc import BlockAPI, SignedTransactionAPI
from eth.db.atomic import AtomicDB
from eth_keys import keys
from eth_typing import Address

from walton.vm.forks.gwtc.accounts import GwtcAccount, GwtcAccountDB
from walton.vm.forks.gwtc.chain import GwtcChain
from walton.vm.forks.gwtc.sealer import seal_block
from walton.vm.networks import Network, build_network
from walton.vm.networks.genesis import parse_genesis

WTC = 10**18
GENESIS_TIME = 1_700_000_000
GAS_PRICE = 10**9
LARGE_COIN_AGE = 2**125 * 10**14  # a target factor of 2^15: a quarter of all nonces seal a block
CHAIN_ID = 7777

KEYS = [keys.PrivateKey(bytes([index + 1]) * 32) for index in range(4)]
ADDRESSES = [Address(key.public_key.to_canonical_address()) for key in KEYS]
MINER = Address(b"\xee" * 20)


def dev_network(byzantium: int | None = 0, eip158: int | None = 0, homestead: int | None = 0) -> Network:
    """A dev network whose forks start at the given blocks (``None``: never)."""
    config: dict[str, Any] = {"chainId": CHAIN_ID, "eip150Block": homestead}
    if homestead is not None:
        config["homesteadBlock"] = homestead
    if eip158 is not None:
        config.update(eip155Block=eip158, eip158Block=eip158)
    if byzantium is not None:
        config["byzantiumBlock"] = byzantium
    if homestead is None:
        config.pop("eip150Block")
    genesis = {
        "config": config,
        "nonce": "0x42",
        "timestamp": hex(GENESIS_TIME),
        "extraData": "0x",
        "gasLimit": hex(78_000_000_000),
        "difficulty": "0x20000",
        "alloc": {address.hex(): {"balance": hex(1_000_000 * WTC)} for address in ADDRESSES},
    }
    return build_network("devchain", parse_genesis(genesis))


class DevChain:
    def __init__(self, network: Network | None = None) -> None:
        self.network = network or dev_network()
        self.chain: GwtcChain = self.network.open_chain(AtomicDB())
        self.nonces = dict.fromkeys(ADDRESSES, 0)

    @property
    def head(self) -> Any:
        return self.chain.get_canonical_head()

    def vm_class(self, number: int | None = None) -> Any:
        return self.chain.get_vm_class_for_block_number(self.head.block_number + 1 if number is None else number)

    def transaction(
        self, sender: int, to: bytes, value: int = 0, data: bytes = b"", gas: int = 200_000
    ) -> SignedTransactionAPI:
        address = ADDRESSES[sender]
        unsigned = self.vm_class().create_unsigned_transaction(
            nonce=self.nonces[address], gas_price=GAS_PRICE, gas=gas, to=to, value=value, data=data
        )
        self.nonces[address] += 1
        signed: SignedTransactionAPI = unsigned.as_signed_transaction(KEYS[sender], chain_id=CHAIN_ID)
        return signed

    def build(
        self,
        transactions: Sequence[SignedTransactionAPI] = (),
        timestamp: int | None = None,
        parent: Any = None,
        coinbase: bytes = MINER,
        uncles: Sequence[Any] = (),
    ) -> BlockAPI:
        """A sealed block on ``parent`` (default: the head), not imported."""
        parent = parent or self.head
        timestamp = parent.timestamp + 10 if timestamp is None else timestamp
        header = self.chain.create_header_from_parent(
            parent, timestamp=timestamp, coinbase=coinbase, coin_age=LARGE_COIN_AGE, tx_number=len(transactions)
        )
        block_class = self.vm_class(header.block_number).get_block_class()
        draft = block_class(header, transactions=list(transactions), uncles=list(uncles))
        executed = self.chain.get_vm(header).import_block(draft).block
        return seal_block(self.chain, executed)

    def mine(self, transactions: Sequence[SignedTransactionAPI] = (), timestamp: int | None = None) -> BlockAPI:
        sealed = self.build(transactions, timestamp)
        self.chain.import_block(sealed)
        return sealed

    def accounts(self, state_root: bytes | None = None) -> GwtcAccountDB:
        return GwtcAccountDB(self.chain.chaindb.db, state_root or self.head.state_root)

    def account(self, address: bytes) -> GwtcAccount:
        return self.accounts().get_account(Address(address))

    def exists(self, address: bytes) -> bool:
        return self.accounts().account_exists(Address(address))


def contract_address(sender: bytes, nonce: int) -> Address:
    from eth._utils.address import generate_contract_address

    return generate_contract_address(Address(sender), nonce)


def deploy_code(runtime: bytes) -> bytes:
    """Init code that returns ``runtime``."""
    assert len(runtime) < 256
    return bytes([0x60, len(runtime), 0x80, 0x60, 0x0B, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3]) + runtime


def push20(address: bytes) -> bytes:
    return b"\x73" + bytes(address)


def call_code(target: bytes, value: int, args_size: int = 0) -> bytes:
    """``CALL(gas, target, value, 0, args_size, 0, 0)``, result left on the stack."""
    assert value < 256 and args_size < 256
    return (
        bytes([0x60, 0x00, 0x60, 0x00, 0x60, args_size, 0x60, 0x00, 0x60, value]) + push20(target) + bytes([0x5A, 0xF1])
    )


REVERT = bytes([0x60, 0x00, 0x60, 0x00, 0xFD])
STOP = b"\x00"


def selfdestruct_on_calldata(beneficiary: bytes) -> bytes:
    """Stops when called without data; self-destructs to ``beneficiary`` when called with data."""
    return bytes([0x36, 0x15, 0x60, 0x1B, 0x57]) + push20(beneficiary) + bytes([0xFF, 0x5B, 0x00])


def selfdestruct_to(beneficiary: bytes) -> bytes:
    return push20(beneficiary) + b"\xff"
