"""BlockchainTests runner: import each block through a chain, then check the head and the post state.

A block the fixture marks with ``expectException`` must be rejected (bad RLP, a failed
validation) and leave the chain as it was; every other block must import.
"""

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rlp
from eth.abc import ChainAPI, StateAPI, VirtualMachineAPI
from eth.chains.base import Chain
from eth.db.atomic import AtomicDB
from eth.exceptions import PyEVMError
from eth.tools.builder.chain import disable_pow_check
from eth_typing import BlockNumber
from eth_utils import ValidationError, decode_hex, encode_hex, to_canonical_address

from walton.tools.fixture_state import normalize_accounts
from walton.tools.results import CaseResult
from walton.tools.statetest import find_fixture_files, load_fixture_file
from walton.vm.forks import ENGINES, canonical_fork_name

VMClass = type[VirtualMachineAPI]
VMConfiguration = tuple[tuple[int, VMClass], ...]

# Errors that mean "this block is invalid" rather than "the runner broke" (py-evm raises its own
# errors, e.g. for a transaction type the fork does not know, out of block import).
BLOCK_REJECTIONS = (
    ValidationError,
    PyEVMError,
    rlp.DecodingError,
    rlp.DeserializationError,
    rlp.SerializationError,
    TypeError,
    ValueError,
)
TRANSITION = re.compile(r"^(?P<before>[A-Za-z]+?)To(?P<after>[A-Za-z]+?)At(?P<kind>Time)?(?P<at>\d+)(?P<k>k?)$")

HEADER_FIELDS = {
    "parentHash": "parent_hash",
    "uncleHash": "uncles_hash",
    "coinbase": "coinbase",
    "stateRoot": "state_root",
    "transactionsTrie": "transaction_root",
    "receiptTrie": "receipt_root",
    "bloom": "bloom",
    "difficulty": "difficulty",
    "number": "block_number",
    "gasLimit": "gas_limit",
    "gasUsed": "gas_used",
    "timestamp": "timestamp",
    "extraData": "extra_data",
    "mixHash": "mix_hash",
    "nonce": "nonce",
    "baseFeePerGas": "base_fee_per_gas",
    "withdrawalsRoot": "withdrawals_root",
    "blobGasUsed": "blob_gas_used",
    "excessBlobGas": "excess_blob_gas",
    "parentBeaconBlockRoot": "parent_beacon_block_root",
    "requestsHash": "requests_hash",
}
INTEGER_FIELDS = {
    "bloom",
    "difficulty",
    "block_number",
    "gas_limit",
    "gas_used",
    "timestamp",
    "base_fee_per_gas",
    "blob_gas_used",
    "excess_blob_gas",
}
# Fields the genesis header gets from the chain, not from parameters.
GENESIS_IMPLIED = {"parent_hash", "uncles_hash", "bloom", "block_number", "gas_used"}


@dataclass(frozen=True)
class BlockTestCase:
    path: Path
    key: str
    network: str

    @property
    def case_id(self) -> str:
        return self.key


def iter_cases(paths: Iterable[Path], networks: Iterable[str] | None = None) -> Iterator[BlockTestCase]:
    wanted = None if networks is None else set(networks)
    for path in find_fixture_files(paths):
        for key, test in load_fixture_file(path).items():
            if not isinstance(test, dict) or "blocks" not in test:
                continue
            if wanted is not None and test["network"] not in wanted:
                continue
            yield BlockTestCase(path, key, test["network"])


def genesis_params(header: Mapping[str, str]) -> dict[str, Any]:
    """Header fields of a fixture's genesis, as py-evm's ``from_genesis`` takes them."""
    params: dict[str, Any] = {}
    for json_name, field_name in HEADER_FIELDS.items():
        if json_name not in header or field_name in GENESIS_IMPLIED:
            continue
        value = header[json_name]
        if field_name in INTEGER_FIELDS:
            params[field_name] = int(value, 16)
        elif field_name == "coinbase":
            params[field_name] = to_canonical_address(value)
        else:
            params[field_name] = decode_hex(value)
    return params


def _first_block_at_timestamp(blocks: Sequence[Mapping[str, Any]], timestamp: int) -> int:
    """Number of the first fixture block at or after ``timestamp`` (transitions by time)."""
    number = 0
    for block in blocks:
        header = block.get("blockHeader")
        if header is None:
            number += 1
            continue
        number = int(header["number"], 16)
        if int(header["timestamp"], 16) >= timestamp:
            return number
    return number + 1


def vm_configuration(test: Mapping[str, Any], forks: Mapping[str, VMClass]) -> VMConfiguration:
    """Fork schedule for a fixture's ``network``: one fork, or a transition at a block or time."""
    network = test["network"]
    single = forks.get(canonical_fork_name(network))
    if single is not None:
        return ((0, single),)
    transition = TRANSITION.match(network)
    if transition is None:
        raise KeyError(f"network {network!r} is not a known fork or transition")
    before = forks[canonical_fork_name(transition["before"])]
    after = forks[canonical_fork_name(transition["after"])]
    at = int(transition["at"]) * (1000 if transition["k"] else 1)
    if transition["kind"]:
        at = _first_block_at_timestamp(test["blocks"], at)
    return ((0, before), (at, after)) if at > 0 else ((0, after),)


def build_chain(test: Mapping[str, Any], forks: Mapping[str, VMClass]) -> ChainAPI:
    chain_id = int(test.get("config", {}).get("chainid", "0x1"), 16)
    chain_class = Chain.configure(
        __name__="FixtureChain",
        vm_configuration=vm_configuration(test, forks),
        chain_id=chain_id,
    )
    if test.get("sealEngine", "NoProof") == "NoProof":
        chain_class = disable_pow_check(chain_class)
    return chain_class.from_genesis(
        AtomicDB(),
        genesis_params=genesis_params(test["genesisBlockHeader"]),
        genesis_state=normalize_accounts(test["pre"]),
    )


def import_fixture_block(chain: ChainAPI, block_fixture: Mapping[str, Any]) -> None:
    block_rlp = decode_hex(block_fixture["rlp"])
    header = block_fixture.get("blockHeader")
    if header is not None:
        vm_class = chain.get_vm_class_for_block_number(BlockNumber(int(header["number"], 16)))
    else:
        vm_class = type(chain.get_vm())
    block = rlp.decode(block_rlp, sedes=vm_class.get_block_class())
    chain.import_block(block, perform_validation=True)


def state_differences(expected: Mapping[str, Mapping[str, Any]], state: StateAPI) -> list[str]:
    """What differs between a fixture's ``postState`` and ``state``."""
    differences = []
    for address, account in normalize_accounts(expected).items():
        fields = (
            ("balance", state.get_balance(address), account["balance"]),
            ("nonce", state.get_nonce(address), account["nonce"]),
            ("code", state.get_code(address), account["code"]),
        )
        for field_name, actual_value, expected_value in fields:
            if actual_value != expected_value:
                differences.append(f"{encode_hex(address)} {field_name}: got {actual_value!r}, want {expected_value!r}")
        for slot, value in account["storage"].items():
            actual_storage = state.get_storage(address, slot)
            if actual_storage != value:
                differences.append(
                    f"{encode_hex(address)} storage[{slot:#x}]: got {actual_storage:#x}, want {value:#x}"
                )
    return differences


def run_case(case: BlockTestCase, forks: Mapping[str, VMClass]) -> CaseResult:
    test = load_fixture_file(case.path)[case.key]
    try:
        chain = build_chain(test, forks)
    except KeyError as exc:
        return CaseResult(case.case_id, case.network, False, f"unsupported: {exc}")
    genesis = chain.get_canonical_block_header_by_number(BlockNumber(0))
    if encode_hex(genesis.hash) != test["genesisBlockHeader"]["hash"]:
        return CaseResult(
            case.case_id,
            case.network,
            False,
            f"genesis hash mismatch: got {encode_hex(genesis.hash)}, want {test['genesisBlockHeader']['hash']}",
            (("head", encode_hex(genesis.hash)),),
        )
    for number, block_fixture in enumerate(test["blocks"], start=1):
        expect_exception = block_fixture.get("expectException")
        try:
            import_fixture_block(chain, block_fixture)
        except BLOCK_REJECTIONS as exc:
            if not expect_exception:
                head = encode_hex(chain.get_canonical_head().hash)
                return CaseResult(
                    case.case_id,
                    case.network,
                    False,
                    f"block {number} rejected: {type(exc).__name__}: {exc}",
                    (("head", head),),
                )
        else:
            if expect_exception:
                head = encode_hex(chain.get_canonical_head().hash)
                return CaseResult(
                    case.case_id,
                    case.network,
                    False,
                    f"block {number} imported but the fixture expects {expect_exception}",
                    (("head", head),),
                )
    head_header = chain.get_canonical_head()
    head = encode_hex(head_header.hash)
    if head != test["lastblockhash"]:
        return CaseResult(
            case.case_id,
            case.network,
            False,
            f"last block hash: got {head}, want {test['lastblockhash']}",
            (("head", head),),
        )
    state = chain.get_vm(head_header).state
    if "postState" in test:
        differences = state_differences(test["postState"], state)
        if differences:
            return CaseResult(case.case_id, case.network, False, "; ".join(differences[:5]), (("head", head),))
    elif encode_hex(head_header.state_root) != test["postStateHash"]:
        return CaseResult(case.case_id, case.network, False, "post state root mismatch", (("head", head),))
    return CaseResult(case.case_id, case.network, True, "", (("head", head),))


def run_cases(cases: Iterable[BlockTestCase], engine: str) -> Iterator[CaseResult]:
    forks = ENGINES[engine]
    for case in cases:
        yield run_case(case, forks)
