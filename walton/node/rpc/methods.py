"""The JSON-RPC methods the chain process answers, with Ethereum's encodings and geth's errors.

``dispatch(backend, method, params)`` runs one call and returns its JSON-ready result, or raises
an ``RPCError`` (``walton.node.rpc.errors``) that the server turns into the JSON-RPC error object.

Encodings follow the Ethereum JSON-RPC specification as geth writes it: quantities are minimal
hex (``"0x0"``, ``"0x1a"``), data is 0x-prefixed hex of even length, addresses are lowercase hex.
Block parameters take "earliest", "latest", "pending", "safe", "finalized" or a hex number, and
the state methods also take EIP-1898 objects (``{"blockHash": ..., "requireCanonical": ...}``).
This node has no pending block and no finality gadget: "pending" state is the head's, and "safe"
and "finalized" are the head (eth_getTransactionCount "pending" counts the pool's transactions).

Parameters are checked strictly: a wrong type, a malformed hex string, a missing required
argument or an extra one is a -32602 error with geth's wording (``invalid argument 0: hex string
without 0x prefix``, ``missing value for required argument 1``, ``too many arguments, want at most
2``).

eth_call and eth_estimateGas execute a call object on the state after the given block, in that
block's context (number, timestamp, base fee), as geth does; without a gas price the base fee is
taken as 0. A revert is error 3 with the revert data; eth_estimateGas is geth's search (execute at
the cap, then an optimistic guess, then bisection to within 1.5%).

Methods outside the ``eth``/``net``/``web3`` namespaces go in ``WALTON_METHODS``, which other
modules extend with ``walton_method`` (``walton_network`` is the first).
"""

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import rlp
from eth._utils.address import generate_contract_address
from eth.abc import (
    BlockAPI,
    BlockHeaderAPI,
    ChainAPI,
    ComputationAPI,
    ReceiptAPI,
    SignedTransactionAPI,
    StateAPI,
    VirtualMachineAPI,
)
from eth.constants import BLANK_ROOT_HASH, CREATE_CONTRACT_ADDRESS, ZERO_ADDRESS
from eth.exceptions import (
    BlockNotFound,
    ContractCreationCollision,
    FullStack,
    HeaderNotFound,
    InsufficientFunds,
    InsufficientStack,
    InvalidInstruction,
    InvalidJumpDestination,
    OutOfBoundsRead,
    OutOfGas,
    ReservedBytesInCode,
    Revert,
    StackDepthLimit,
    TransactionNotFound,
    VMError,
    WriteProtection,
)
from eth.vm import forks as pyevm
from eth.vm.forks.cancun.constants import (
    BLOB_BASE_FEE_UPDATE_FRACTION,
    GAS_PER_BLOB,
    MIN_BLOB_BASE_FEE,
)
from eth.vm.forks.cancun.constants import MAX_BLOB_GAS_PER_BLOCK as CANCUN_MAX_BLOB_GAS
from eth.vm.forks.prague.constants import BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE
from eth.vm.forks.prague.constants import MAX_BLOB_GAS_PER_BLOCK as PRAGUE_MAX_BLOB_GAS
from eth.vm.forks.prague.transactions import Authorization
from eth.vm.forks.shanghai.constants import MAX_INITCODE_SIZE
from eth.vm.spoof import SpoofTransaction
from eth_hash.auto import keccak
from eth_typing import Address, BlockNumber, Hash32
from eth_utils import encode_hex
from trie import HexaryTrie

from walton.node.backend import NodeBackend
from walton.node.filters import (
    BlockSpec,
    find_logs,
    logs_of_receipts,
    parse_block_spec,
    parse_log_criteria,
)
from walton.node.rpc.errors import (
    ExecutionReverted,
    InternalError,
    InvalidArgument,
    InvalidParams,
    MethodNotFound,
    RPCError,
    ServerError,
    TxPoolRejected,
)
from walton.node.txpool import TxPoolError, fee_cap_of, tip_cap_of, transaction_type
from walton.vm.validation import decode_transaction, floor_data_gas, intrinsic_gas

logger = logging.getLogger("walton.rpc.methods")

Handler = Callable[[NodeBackend, list[Any]], Any]
F = TypeVar("F", bound=Callable[..., Any])

METHODS: dict[str, Handler] = {}
WALTON_METHODS: dict[str, Handler] = {}

RPC_GAS_CAP = 50_000_000  # geth's --rpc.gascap
RPC_TX_FEE_CAP = 10**18  # geth's --rpc.txfeecap, 1 ether
ESTIMATE_ERROR_RATIO = 0.015  # geth's estimateGasErrorRatio
CALL_STIPEND = 2300
TX_GAS = 21000
MAX_FEE_HISTORY = 1024
MAX_REWARD_PERCENTILES = 100
DEFAULT_TIP = 10**9  # the suggested tip before any block had a transaction (1 gwei)
ORACLE_BLOCKS = 20
ORACLE_PERCENTILE = 60
ORACLE_SAMPLES_PER_BLOCK = 3
ORACLE_IGNORE_PRICE = 2
ORACLE_MAX_PRICE = 500 * 10**9


# -- registration and dispatch ---------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One positional parameter: its decoder, and whether it may be left out (or null)."""

    decode: Callable[[Any, int], Any]
    required: bool = True
    default: Any = None


def bind_params(params: Sequence[Any], specs: Sequence[Param]) -> list[Any]:
    """Positional parameters decoded against ``specs``, with geth's errors for extra or missing ones."""
    if len(params) > len(specs):
        raise InvalidParams(f"too many arguments, want at most {len(specs)}")
    values = []
    for index, spec in enumerate(specs):
        raw = params[index] if index < len(params) else None
        if raw is None:
            if spec.required:
                raise InvalidParams(f"missing value for required argument {index}")
            values.append(spec.default)
        else:
            values.append(spec.decode(raw, index))
    return values


def _register(registry: dict[str, Handler], name: str, specs: tuple[Param, ...]) -> Callable[[F], F]:
    def wrap(function: F) -> F:
        def handler(backend: NodeBackend, params: list[Any]) -> Any:
            return function(backend, *bind_params(params, specs))

        handler.__name__ = function.__name__
        handler.__doc__ = function.__doc__
        registry[name] = handler
        return function

    return wrap


def rpc_method(name: str, *specs: Param) -> Callable[[F], F]:
    """Register an Ethereum method (``eth_``, ``net_``, ``web3_``, geth's raw ``debug_`` readers) in ``METHODS``."""
    return _register(METHODS, name, specs)


def walton_method(name: str, *specs: Param) -> Callable[[F], F]:
    """Register a Walton extension in ``WALTON_METHODS``: the way other modules add methods."""
    if not name.startswith("walton_"):
        raise ValueError(f"Walton methods are named walton_*, not {name!r}")
    return _register(WALTON_METHODS, name, specs)


def dispatch(backend: NodeBackend, method: str, params: Any) -> Any:
    """Run one JSON-RPC call: its JSON-ready result, or an ``RPCError``."""
    if not isinstance(method, str):
        raise MethodNotFound(str(method))
    handler = METHODS.get(method) or WALTON_METHODS.get(method)
    if handler is None:
        raise MethodNotFound(method)
    if params is None:
        params = []
    if not isinstance(params, list):
        raise InvalidParams("non-array args")
    try:
        return handler(backend, params)
    except RPCError:
        raise
    except TxPoolError as exc:
        raise TxPoolRejected(str(exc)) from exc
    except Exception as exc:
        logger.exception("Internal error in %s", method)
        raise InternalError(f"internal error: {type(exc).__name__}: {exc}") from exc


# -- parameter decoders (geth's hexutil wording) ---------------------------------------------

_HEX_DIGITS = re.compile(r"^[0-9a-fA-F]*$")


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _hex_body(value: Any, index: int, go_type: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(index, f"json: cannot unmarshal {_json_type(value)} into Go value of type {go_type}")
    if not value.startswith(("0x", "0X")):
        raise InvalidArgument(index, "hex string without 0x prefix")
    body = value[2:]
    if not _HEX_DIGITS.match(body):
        raise InvalidArgument(index, "invalid hex string")
    return body


def quantity_decoder(bits: int = 256) -> Callable[[Any, int], int]:
    go_type = "hexutil.Big" if bits > 64 else "hexutil.Uint64"

    def decode(value: Any, index: int) -> int:
        body = _hex_body(value, index, go_type)
        if not body:
            raise InvalidArgument(index, 'hex string "0x"')
        if len(body) > 1 and body[0] == "0":
            raise InvalidArgument(index, "hex number with leading zero digits")
        number = int(body, 16)
        if number.bit_length() > bits:
            raise InvalidArgument(index, f"hex number > {bits} bits")
        return number

    return decode


decode_quantity = quantity_decoder(256)
decode_uint64 = quantity_decoder(64)


def decode_data(value: Any, index: int) -> bytes:
    body = _hex_body(value, index, "hexutil.Bytes")
    if len(body) % 2:
        raise InvalidArgument(index, "hex string of odd length")
    return bytes.fromhex(body)


def fixed_bytes_decoder(length: int, go_type: str) -> Callable[[Any, int], bytes]:
    def decode(value: Any, index: int) -> bytes:
        body = _hex_body(value, index, go_type)
        if len(body) != 2 * length:
            raise InvalidArgument(index, f"hex string has length {len(body)}, want {2 * length} for {go_type}")
        return bytes.fromhex(body)

    return decode


_decode_address_bytes = fixed_bytes_decoder(20, "common.Address")
_decode_hash_bytes = fixed_bytes_decoder(32, "common.Hash")


def decode_address(value: Any, index: int) -> Address:
    return Address(_decode_address_bytes(value, index))


def decode_hash(value: Any, index: int) -> Hash32:
    return Hash32(_decode_hash_bytes(value, index))


def decode_bool(value: Any, index: int) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(index, f"json: cannot unmarshal {_json_type(value)} into Go value of type bool")
    return value


def decode_string(value: Any, index: int) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(index, f"json: cannot unmarshal {_json_type(value)} into Go value of type string")
    return value


def decode_block_number(value: Any, index: int) -> BlockSpec:
    return parse_block_spec(value, "block number", index)


@dataclass(frozen=True)
class BlockRef:
    """A block for a state query: a number or tag, or (EIP-1898) a hash, maybe required canonical."""

    number: BlockSpec | None = None
    hash: Hash32 | None = None
    require_canonical: bool = False


def decode_block_ref(value: Any, index: int) -> BlockRef:
    if isinstance(value, str):
        if len(value) == 66 and value.startswith(("0x", "0X")):
            return BlockRef(hash=decode_hash(value, index))
        return BlockRef(number=parse_block_spec(value, "block number", index))
    if not isinstance(value, dict):
        raise InvalidArgument(
            index, f"json: cannot unmarshal {_json_type(value)} into Go value of type BlockNumberOrHash"
        )
    unknown = sorted(set(value) - {"blockNumber", "blockHash", "requireCanonical"})
    if unknown:
        raise InvalidArgument(index, f"unknown field {unknown[0]!r} in block parameter")
    number, block_hash = value.get("blockNumber"), value.get("blockHash")
    if number is not None and block_hash is not None:
        raise InvalidArgument(index, "cannot specify both BlockHash and BlockNumber, choose one or the other")
    require_canonical = value.get("requireCanonical", False)
    if not isinstance(require_canonical, bool):
        raise InvalidArgument(index, "requireCanonical must be a boolean")
    if block_hash is not None:
        return BlockRef(hash=decode_hash(block_hash, index), require_canonical=require_canonical)
    if number is not None:
        return BlockRef(number=parse_block_spec(number, "blockNumber", index))
    raise InvalidArgument(index, "either blockNumber or blockHash must be given")


def decode_filter(value: Any, index: int) -> Any:
    return parse_log_criteria(value, index)


def decode_block_count(value: Any, index: int) -> int:
    """geth's ``math.HexOrDecimal64``: a JSON number, or a hex or decimal string."""
    if isinstance(value, bool):
        raise InvalidArgument(index, "json: cannot unmarshal bool into Go value of type math.HexOrDecimal64")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value[2:], 16) if value.startswith(("0x", "0X")) else int(value, 10)
        except ValueError:
            raise InvalidArgument(index, f"invalid block count {value!r}") from None
    else:
        raise InvalidArgument(index, f"json: cannot unmarshal {_json_type(value)} into Go value of type uint64")
    if number < 0 or number >= 2**64:
        raise InvalidArgument(index, f"block count {number} out of range")
    return number


def decode_percentiles(value: Any, index: int) -> list[float]:
    if not isinstance(value, list) or any(isinstance(p, bool) or not isinstance(p, int | float) for p in value):
        raise InvalidArgument(index, "reward percentiles must be an array of numbers")
    if len(value) > MAX_REWARD_PERCENTILES:
        raise InvalidArgument(index, f"too many reward percentiles: {len(value)} > {MAX_REWARD_PERCENTILES}")
    percentiles = [float(p) for p in value]
    for position, percentile in enumerate(percentiles):
        if percentile < 0 or percentile > 100:
            raise InvalidArgument(index, f"invalid reward percentile: {percentile:f}")
        if position > 0 and percentile <= percentiles[position - 1]:
            raise InvalidArgument(
                index,
                f"invalid reward percentile: #{position - 1}:{percentiles[position - 1]:f} "
                f">= #{position}:{percentile:f}",
            )
    return percentiles


@dataclass(frozen=True)
class CallArgs:
    """A call object (geth's ``TransactionArgs``) for eth_call and eth_estimateGas."""

    sender: Address = ZERO_ADDRESS
    to: Address | None = None
    gas: int | None = None
    gas_price: int | None = None
    max_fee_per_gas: int | None = None
    max_priority_fee_per_gas: int | None = None
    value: int = 0
    data: bytes = b""
    nonce: int | None = None
    chain_id: int | None = None
    access_list: tuple[tuple[Address, tuple[int, ...]], ...] = ()
    authorization_list: tuple[Authorization, ...] = ()

    @property
    def priced(self) -> bool:
        """Whether the caller gave any fee: without one, geth runs the call with a zero base fee."""
        return any(fee for fee in (self.gas_price, self.max_fee_per_gas, self.max_priority_fee_per_gas))

    def fee_caps(self) -> tuple[int, int]:
        """(max fee per gas, max priority fee per gas) as geth's ``ToMessage`` sets them: absent is 0."""
        if self.gas_price is not None:
            return self.gas_price, self.gas_price
        return self.max_fee_per_gas or 0, self.max_priority_fee_per_gas or 0


CALL_KEYS = frozenset(
    {
        "from",
        "to",
        "gas",
        "gasPrice",
        "maxFeePerGas",
        "maxPriorityFeePerGas",
        "value",
        "data",
        "input",
        "nonce",
        "chainId",
        "accessList",
        "authorizationList",
        "type",
        "maxFeePerBlobGas",
        "blobVersionedHashes",
        "blobs",
        "commitments",
        "proofs",
    }
)


def _decode_access_list(value: Any, index: int) -> tuple[tuple[Address, tuple[int, ...]], ...]:
    if not isinstance(value, list):
        raise InvalidArgument(index, "accessList must be an array")
    entries = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"address", "storageKeys"}:
            raise InvalidArgument(index, "accessList entries are objects with address and storageKeys")
        keys = item.get("storageKeys") or []
        if not isinstance(keys, list):
            raise InvalidArgument(index, "storageKeys must be an array")
        slots = tuple(int.from_bytes(decode_hash(key, index), "big") for key in keys)
        entries.append((decode_address(item.get("address"), index), slots))
    return tuple(entries)


def _decode_authorizations(value: Any, index: int) -> tuple[Authorization, ...]:
    if not isinstance(value, list):
        raise InvalidArgument(index, "authorizationList must be an array")
    authorizations = []
    for item in value:
        if not isinstance(item, dict):
            raise InvalidArgument(index, "authorizationList entries must be objects")
        try:
            authorizations.append(
                Authorization(
                    chain_id=decode_quantity(item["chainId"], index),
                    address=decode_address(item["address"], index),
                    nonce=decode_uint64(item["nonce"], index),
                    y_parity=decode_quantity(item["yParity"], index),
                    r=decode_quantity(item["r"], index),
                    s=decode_quantity(item["s"], index),
                )
            )
        except KeyError as missing:
            raise InvalidArgument(index, f"authorization is missing {missing.args[0]}") from None
    return tuple(authorizations)


def decode_call_args(value: Any, index: int) -> CallArgs:
    if not isinstance(value, dict):
        raise InvalidArgument(
            index, f"json: cannot unmarshal {_json_type(value)} into Go value of type ethapi.TransactionArgs"
        )
    unknown = sorted(set(value) - CALL_KEYS)
    if unknown:
        raise InvalidArgument(index, f"unknown field {unknown[0]!r} in call object")

    def field(name: str, decode: Callable[[Any, int], Any]) -> Any:
        raw = value.get(name)
        return None if raw is None else decode(raw, index)

    if any(value.get(name) is not None for name in ("blobVersionedHashes", "blobs", "commitments", "proofs")):
        raise InvalidArgument(index, "blob transactions are not supported in calls")
    data, call_input = field("data", decode_data), field("input", decode_data)
    if data is not None and call_input is not None and data != call_input:
        raise InvalidArgument(
            index, 'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data'
        )
    gas_price = field("gasPrice", decode_quantity)
    max_fee, max_tip = field("maxFeePerGas", decode_quantity), field("maxPriorityFeePerGas", decode_quantity)
    if gas_price is not None and (max_fee is not None or max_tip is not None):
        raise InvalidArgument(index, "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
    if max_fee is not None and max_tip is not None and max_fee < max_tip:
        raise InvalidArgument(index, f"maxFeePerGas ({max_fee}) < maxPriorityFeePerGas ({max_tip})")
    field("type", decode_uint64)
    field("maxFeePerBlobGas", decode_quantity)
    return CallArgs(
        sender=field("from", decode_address) or ZERO_ADDRESS,
        to=field("to", decode_address),
        gas=field("gas", decode_uint64),
        gas_price=gas_price,
        max_fee_per_gas=max_fee,
        max_priority_fee_per_gas=max_tip,
        value=field("value", decode_quantity) or 0,
        data=call_input if call_input is not None else (data or b""),
        nonce=field("nonce", decode_uint64),
        chain_id=field("chainId", decode_quantity),
        access_list=field("accessList", _decode_access_list) or (),
        authorization_list=field("authorizationList", _decode_authorizations) or (),
    )


ADDRESS = Param(decode_address)
HASH = Param(decode_hash)
DATA = Param(decode_data)
BOOL = Param(decode_bool)
QUANTITY = Param(decode_quantity)
UINT64 = Param(decode_uint64)
BLOCK_NUMBER = Param(decode_block_number)
BLOCK_REF = Param(decode_block_ref)
OPTIONAL_BLOCK_REF = Param(decode_block_ref, required=False, default=BlockRef(number="latest"))
CALL = Param(decode_call_args)
FILTER = Param(decode_filter)
FILTER_ID = Param(decode_string)


# -- encoders ------------------------------------------------------------------------------------


def to_quantity(value: int) -> str:
    return hex(value)


def to_data(value: bytes) -> str:
    return encode_hex(value)


def to_address(value: bytes) -> str | None:
    return None if value == CREATE_CONTRACT_ADDRESS else encode_hex(value)


def _header_fields(header: BlockHeaderAPI) -> tuple[str, ...]:
    names: tuple[str, ...] = header._meta.field_names  # type: ignore[attr-defined]
    return names


def header_to_json(header: BlockHeaderAPI) -> dict[str, Any]:
    """geth's ``RPCMarshalHeader``: every header field, the fork's optional ones when the header has them."""
    result: dict[str, Any] = {
        "number": to_quantity(header.block_number),
        "hash": to_data(header.hash),
        "parentHash": to_data(header.parent_hash),
        "nonce": to_data(header.nonce),
        "mixHash": to_data(header.mix_hash),
        "sha3Uncles": to_data(header.uncles_hash),
        "logsBloom": to_data(header.bloom.to_bytes(256, "big")),
        "stateRoot": to_data(header.state_root),
        "miner": to_data(header.coinbase),
        "difficulty": to_quantity(header.difficulty),
        "extraData": to_data(header.extra_data),
        "gasLimit": to_quantity(header.gas_limit),
        "gasUsed": to_quantity(header.gas_used),
        "timestamp": to_quantity(header.timestamp),
        "transactionsRoot": to_data(header.transaction_root),
        "receiptsRoot": to_data(header.receipt_root),
    }
    fields = _header_fields(header)
    optional = (
        ("base_fee_per_gas", "baseFeePerGas", to_quantity),
        ("withdrawals_root", "withdrawalsRoot", to_data),
        ("blob_gas_used", "blobGasUsed", to_quantity),
        ("excess_blob_gas", "excessBlobGas", to_quantity),
        ("parent_beacon_block_root", "parentBeaconBlockRoot", to_data),
        ("requests_hash", "requestsHash", to_data),
    )
    for attribute, key, encode in optional:
        if attribute in fields:
            result[key] = encode(getattr(header, attribute))
    return result


def _base_fee(header: BlockHeaderAPI | None) -> int | None:
    if header is None or "base_fee_per_gas" not in _header_fields(header):
        return None
    return int(header.base_fee_per_gas or 0)


def effective_gas_price(transaction: SignedTransactionAPI, base_fee: int | None) -> int:
    """What the sender paid per gas in a block with ``base_fee``."""
    fee_cap, tip = fee_cap_of(transaction), tip_cap_of(transaction)
    if base_fee is None:
        return fee_cap
    return min(fee_cap, base_fee + tip)


def effective_tip(transaction: SignedTransactionAPI, base_fee: int | None) -> int:
    fee_cap, tip = fee_cap_of(transaction), tip_cap_of(transaction)
    if base_fee is None:
        return fee_cap
    return min(tip, fee_cap - base_fee)


def _access_list_json(transaction: SignedTransactionAPI) -> list[dict[str, Any]]:
    return [
        {"address": to_data(address), "storageKeys": [to_data(slot.to_bytes(32, "big")) for slot in slots]}
        for address, slots in transaction.access_list
    ]


def transaction_to_json(
    transaction: SignedTransactionAPI, header: BlockHeaderAPI | None = None, index: int | None = None
) -> dict[str, Any]:
    """geth's ``RPCTransaction``: the type's fields, and where the transaction is (null while pending)."""
    tx_type = transaction_type(transaction)
    result: dict[str, Any] = {
        "blockHash": to_data(header.hash) if header is not None else None,
        "blockNumber": to_quantity(header.block_number) if header is not None else None,
        "from": to_data(transaction.sender),
        "gas": to_quantity(transaction.gas),
        "gasPrice": to_quantity(fee_cap_of(transaction)),
        "hash": to_data(transaction.hash),
        "input": to_data(transaction.data),
        "nonce": to_quantity(transaction.nonce),
        "to": to_address(transaction.to),
        "transactionIndex": to_quantity(index) if index is not None else None,
        "value": to_quantity(transaction.value),
        "type": to_quantity(tx_type),
    }
    if tx_type == 0:
        result["v"] = to_quantity(transaction.v)  # type: ignore[attr-defined]
        if transaction.chain_id is not None:
            result["chainId"] = to_quantity(transaction.chain_id)
    else:
        result["chainId"] = to_quantity(transaction.chain_id or 0)
        result["accessList"] = _access_list_json(transaction)
        result["v"] = to_quantity(transaction.y_parity)
        result["yParity"] = to_quantity(transaction.y_parity)
    result["r"] = to_quantity(transaction.r)
    result["s"] = to_quantity(transaction.s)
    if tx_type >= 2:
        result["maxFeePerGas"] = to_quantity(transaction.max_fee_per_gas)
        result["maxPriorityFeePerGas"] = to_quantity(transaction.max_priority_fee_per_gas)
        base_fee = _base_fee(header)
        if base_fee is not None:
            result["gasPrice"] = to_quantity(effective_gas_price(transaction, base_fee))
    if tx_type == 3:
        result["maxFeePerBlobGas"] = to_quantity(transaction.max_fee_per_blob_gas)
        result["blobVersionedHashes"] = [to_data(h) for h in transaction.blob_versioned_hashes]
    if tx_type == 4:
        result["authorizationList"] = [
            {
                "chainId": to_quantity(auth.chain_id),
                "address": to_data(auth.address),
                "nonce": to_quantity(auth.nonce),
                "yParity": to_quantity(auth.y_parity),
                "r": to_quantity(auth.r),
                "s": to_quantity(auth.s),
            }
            for auth in transaction.authorization_list
        ]
    return result


def block_to_json(block: BlockAPI, full_transactions: bool) -> dict[str, Any]:
    header = block.header
    result = header_to_json(header)
    result["size"] = to_quantity(len(rlp.encode(block)))
    result["uncles"] = [to_data(uncle.hash) for uncle in block.uncles]
    if full_transactions:
        result["transactions"] = [transaction_to_json(tx, header, i) for i, tx in enumerate(block.transactions)]
    else:
        result["transactions"] = [to_data(tx.hash) for tx in block.transactions]
    if "withdrawals_root" in _header_fields(header):
        result["withdrawals"] = [
            {
                "index": to_quantity(w.index),
                "validatorIndex": to_quantity(w.validator_index),
                "address": to_data(w.address),
                "amount": to_quantity(w.amount),
            }
            for w in getattr(block, "withdrawals", ())
        ]
    return result


def _blob_parameters(vm_class: type[VirtualMachineAPI]) -> tuple[int, int] | None:
    """(blob base fee update fraction, max blob gas per block) of a fork with blobs."""
    if issubclass(vm_class, pyevm.PragueVM):
        return BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE, PRAGUE_MAX_BLOB_GAS
    if issubclass(vm_class, pyevm.CancunVM):
        return BLOB_BASE_FEE_UPDATE_FRACTION, CANCUN_MAX_BLOB_GAS
    return None


def _fake_exponential(factor: int, numerator: int, denominator: int) -> int:
    i, output, accumulator = 1, 0, factor * denominator
    while accumulator > 0:
        output += accumulator
        accumulator = (accumulator * numerator) // (denominator * i)
        i += 1
    return output // denominator


def blob_base_fee(chain: ChainAPI, header: BlockHeaderAPI) -> int | None:
    parameters = _blob_parameters(chain.get_vm_class(header))
    if parameters is None or "excess_blob_gas" not in _header_fields(header):
        return None
    return _fake_exponential(MIN_BLOB_BASE_FEE, header.excess_blob_gas, parameters[0])


def receipts_to_json(chain: ChainAPI, block: BlockAPI, receipts: Sequence[ReceiptAPI]) -> list[dict[str, Any]]:
    """geth's ``MarshalReceipt`` for every transaction of a block."""
    header = block.header
    base_fee = _base_fee(header)
    blob_price = blob_base_fee(chain, header)
    hashes = [tx.hash for tx in block.transactions]
    logs = logs_of_receipts(header, hashes, receipts)
    results = []
    previous_cumulative = 0
    for index, (transaction, receipt) in enumerate(zip(block.transactions, receipts, strict=True)):
        tx_type = transaction_type(transaction)
        result: dict[str, Any] = {
            "blockHash": to_data(header.hash),
            "blockNumber": to_quantity(header.block_number),
            "transactionHash": to_data(transaction.hash),
            "transactionIndex": to_quantity(index),
            "from": to_data(transaction.sender),
            "to": to_address(transaction.to),
            "gasUsed": to_quantity(receipt.gas_used - previous_cumulative),
            "cumulativeGasUsed": to_quantity(receipt.gas_used),
            "contractAddress": None,
            "logs": [entry.to_json() for entry in logs if entry.transaction_index == index],
            "logsBloom": to_data(int(receipt.bloom).to_bytes(256, "big")),
            "type": to_quantity(tx_type),
            "effectiveGasPrice": to_quantity(effective_gas_price(transaction, base_fee)),
        }
        if len(receipt.state_root) == 32:  # before Byzantium: the post-transaction state root
            result["root"] = to_data(receipt.state_root)
        else:
            result["status"] = "0x1" if receipt.state_root == b"\x01" else "0x0"
        if transaction.to == CREATE_CONTRACT_ADDRESS:
            result["contractAddress"] = to_data(generate_contract_address(transaction.sender, transaction.nonce))
        if tx_type == 3:
            result["blobGasUsed"] = to_quantity(GAS_PER_BLOB * len(transaction.blob_versioned_hashes))
            result["blobGasPrice"] = to_quantity(blob_price or 0)
        previous_cumulative = receipt.gas_used
        results.append(result)
    return results


# -- blocks and state ----------------------------------------------------------------------------


def _tag_number(backend: NodeBackend, tag: str) -> int:
    """A block tag's number: "earliest" is genesis, the others the head (no pending block, no finality)."""
    if tag == "earliest":
        return 0
    return int(backend.head().block_number)


def resolve_state_header(backend: NodeBackend, ref: BlockRef) -> BlockHeaderAPI:
    """The header whose post-state a state query reads (geth's StateAndHeaderByNumberOrHash)."""
    chain = backend.chain
    if ref.hash is not None:
        try:
            header = chain.get_block_header_by_hash(ref.hash)
        except HeaderNotFound:
            raise ServerError("header for hash not found") from None
        if ref.require_canonical:
            try:
                canonical = chain.get_canonical_block_hash(header.block_number)
            except HeaderNotFound:
                canonical = None
            if canonical != header.hash:
                raise ServerError("hash is not currently canonical")
        return header
    spec = ref.number if ref.number is not None else "latest"
    number = _tag_number(backend, spec) if isinstance(spec, str) else spec
    try:
        return chain.get_canonical_block_header_by_number(BlockNumber(number))
    except HeaderNotFound:
        raise ServerError("header not found") from None


def state_at(backend: NodeBackend, ref: BlockRef) -> StateAPI:
    return backend.chain.get_vm(resolve_state_header(backend, ref)).state


def canonical_block(backend: NodeBackend, spec: BlockSpec) -> BlockAPI | None:
    """The canonical block a number or tag names, or None past the head."""
    number = _tag_number(backend, spec) if isinstance(spec, str) else spec
    try:
        return backend.chain.get_canonical_block_by_number(BlockNumber(number))
    except (HeaderNotFound, BlockNotFound):
        return None


def block_by_hash(backend: NodeBackend, block_hash: Hash32) -> BlockAPI | None:
    try:
        return backend.chain.get_block_by_hash(block_hash)
    except (HeaderNotFound, BlockNotFound):
        return None


def pending_block_json(backend: NodeBackend) -> dict[str, Any]:
    """The block the head's child would start as: geth's pending block, without transactions."""
    head = backend.head()
    header = backend.chain.create_header_from_parent(head)
    block = backend.chain.get_vm_class(header).get_block_class()(header, transactions=[], uncles=[])
    result = block_to_json(block, full_transactions=False)
    for key in ("hash", "nonce", "miner"):
        result[key] = None
    return result


# -- calls and gas estimation --------------------------------------------------------------------


class CallFailed(ServerError):
    """A call refused before execution (geth's pre-check errors)."""


class IntrinsicGasTooLow(CallFailed):
    """The gas limit does not cover intrinsic or floor gas: the estimator treats it as too little gas."""


@cache
def _call_state_class(state_class: type[StateAPI]) -> type[StateAPI]:
    """The fork's state with geth's pre-checks for calls done outside py-evm (no nonce or signature)."""

    def validate_transaction(self: StateAPI, transaction: SignedTransactionAPI) -> None:
        """Calls are checked before they run (``_precheck``); py-evm's nonce and balance rules do not apply."""

    return type(f"Call{state_class.__name__}", (state_class,), {"validate_transaction": validate_transaction})


@dataclass
class CallResult:
    computation: ComputationAPI
    gas_used: int  # after refunds, what a receipt would show
    max_used: int  # before refunds

    @property
    def failed(self) -> bool:
        return bool(self.computation.is_error)


def _call_transaction(
    vm_class: type[VirtualMachineAPI], args: CallArgs, gas: int, chain_id: int
) -> SignedTransactionAPI:
    fee_cap, tip = args.fee_caps()
    builder: Any = vm_class.get_transaction_builder()
    common = {
        "chain_id": chain_id,
        "nonce": 0,
        "max_priority_fee_per_gas": tip,
        "max_fee_per_gas": fee_cap,
        "gas": gas,
        "to": args.to if args.to is not None else CREATE_CONTRACT_ADDRESS,
        "value": args.value,
        "data": args.data,
        "access_list": args.access_list,
    }
    if args.authorization_list:
        unsigned = builder.new_unsigned_set_code_transaction(**common, authorization_list=args.authorization_list)
    else:
        unsigned = builder.new_unsigned_dynamic_fee_transaction(**common)
    spoofed: Any = SpoofTransaction(unsigned, from_=args.sender)
    transaction: SignedTransactionAPI = spoofed
    return transaction


def _precheck(
    vm_class: type[VirtualMachineAPI], state: StateAPI, args: CallArgs, transaction: SignedTransactionAPI
) -> None:
    """geth's ``preCheck`` and intrinsic-gas checks for a call: fee caps, balance, intrinsic and floor gas."""
    fee_cap, tip = fee_cap_of(transaction), tip_cap_of(transaction)
    sender = encode_hex(args.sender)
    base_fee = state.execution_context.base_fee_per_gas or 0
    if tip > fee_cap:
        raise CallFailed(
            f"max priority fee per gas higher than max fee per gas: address {sender}, "
            f"maxPriorityFeePerGas: {tip}, maxFeePerGas: {fee_cap}"
        )
    if args.priced and fee_cap < base_fee:
        raise CallFailed(
            f"max fee per gas less than block base fee: address {sender}, maxFeePerGas: {fee_cap}, baseFee: {base_fee}"
        )
    balance = state.get_balance(args.sender)
    want = transaction.gas * fee_cap + args.value
    if balance < want:
        raise CallFailed(f"insufficient funds for gas * price + value: address {sender} have {balance} want {want}")
    required = intrinsic_gas(vm_class, transaction)
    if transaction.gas < required:
        raise IntrinsicGasTooLow(f"intrinsic gas too low: have {transaction.gas}, want {required}")
    if issubclass(vm_class, pyevm.PragueVM) and transaction.gas < floor_data_gas(transaction):
        raise IntrinsicGasTooLow(
            f"insufficient gas for floor data gas cost: have {transaction.gas}, want {floor_data_gas(transaction)}"
        )
    is_create = args.to is None
    if is_create and issubclass(vm_class, pyevm.ShanghaiVM) and len(args.data) > MAX_INITCODE_SIZE:
        raise CallFailed(f"max initcode size exceeded: code size {len(args.data)} limit {MAX_INITCODE_SIZE}")


def run_call(backend: NodeBackend, args: CallArgs, header: BlockHeaderAPI, gas: int) -> CallResult:
    """Execute a call on the post-state of ``header`` in that block's context; the state is thrown away."""
    chain = backend.chain
    if args.chain_id is not None and args.chain_id != chain.chain_id:
        raise CallFailed(f"chainId does not match node's (have={args.chain_id}, want={chain.chain_id})")
    vm = chain.get_vm(header)
    vm_class = type(vm)
    base_fee = _base_fee(header)
    context_header = header
    if base_fee is not None and not args.priced:
        context_header = header.copy(base_fee_per_gas=0)  # geth lowers the base fee to 0 for unpriced calls
    vm_any: Any = vm
    context = vm_class.create_execution_context(context_header, vm.previous_hashes or (), vm_any.chain_context)
    state = _call_state_class(vm_class.get_state_class())(chain.chaindb.db, context, header.state_root)
    transaction = _call_transaction(vm_class, args, gas, chain.chain_id)
    _precheck(vm_class, state, args, transaction)
    computation = state.apply_transaction(transaction)
    gas_used = vm_class.finalize_gas_used(transaction, computation)  # type: ignore[attr-defined]
    max_used = transaction.gas - computation.get_gas_remaining()
    return CallResult(computation, int(gas_used), int(max_used))


VM_ERROR_MESSAGES: tuple[tuple[type[VMError], str], ...] = (
    (OutOfGas, "out of gas"),
    (InsufficientStack, "stack underflow"),
    (FullStack, "stack limit reached 1024"),
    (InvalidJumpDestination, "invalid jump destination"),
    (StackDepthLimit, "max call depth exceeded"),
    (WriteProtection, "write protection"),
    (ContractCreationCollision, "contract address collision"),
    (InsufficientFunds, "insufficient balance for transfer"),
    (OutOfBoundsRead, "return data out of bounds"),
    (ReservedBytesInCode, "invalid code: must not begin with 0xef"),
)


def _invalid_instruction_message(error: Exception) -> str:
    """py-evm raises InvalidInstruction for undefined opcodes and for jumps to a non-JUMPDEST."""
    detail = str(error)
    if "Jump" in detail:
        return "invalid jump destination"
    found = re.search(r"0x([0-9a-fA-F]+)", detail)
    if found is None:
        return "invalid opcode"
    opcode = int(found.group(1), 16)
    return "invalid opcode: INVALID" if opcode == 0xFE else f"invalid opcode: opcode {opcode:#x} not defined"


def vm_error_message(error: Exception) -> str:
    """geth's text for an EVM error (core/vm/errors.go)."""
    if isinstance(error, InvalidInstruction):
        return _invalid_instruction_message(error)
    for error_class, message in VM_ERROR_MESSAGES:
        if isinstance(error, error_class):
            return message
    return str(error) or type(error).__name__


def raise_for_failure(result: CallResult) -> None:
    """A failed call as geth reports it: a revert is error 3 with its data, anything else -32000."""
    error = result.computation.error
    if isinstance(error, Revert):
        raise ExecutionReverted(bytes(result.computation.output))
    raise ServerError(vm_error_message(error))


def call_gas(args: CallArgs) -> int:
    """geth's default and cap for a call's gas: the RPC gas cap."""
    return min(args.gas, RPC_GAS_CAP) if args.gas is not None else RPC_GAS_CAP


def estimate_gas(backend: NodeBackend, args: CallArgs, header: BlockHeaderAPI) -> int:
    """geth's gas estimator: the least gas limit (within 1.5%) with which the call succeeds."""
    hi = args.gas if args.gas is not None and args.gas >= TX_GAS else header.gas_limit
    fee_cap, _ = args.fee_caps()
    state = backend.chain.get_vm(header).state
    if fee_cap > 0:
        available = state.get_balance(args.sender)
        if args.value:
            if args.value >= available:
                raise ServerError("insufficient funds for transfer")
            available -= args.value
        hi = min(hi, available // fee_cap)
    hi = min(hi, RPC_GAS_CAP)

    def execute(gas: int) -> CallResult | None:
        try:
            return run_call(backend, args, header, gas)
        except IntrinsicGasTooLow:
            return None  # needs more gas, like a failure

    if not args.data and args.to is not None and not state.get_code(args.to):
        plain = execute(TX_GAS)
        if plain is not None and not plain.failed:
            return TX_GAS
    try:
        result = execute(hi)
    except CallFailed as exc:
        raise ServerError(f"failed with {hi} gas: {exc.message}") from exc
    if result is None or result.failed:
        if result is not None and not isinstance(result.computation.error, OutOfGas):
            raise_for_failure(result)
        raise ServerError(f"gas required exceeds allowance ({hi})")
    lo = result.gas_used - 1
    optimistic = (result.max_used + CALL_STIPEND) * 64 // 63
    if optimistic < hi:
        guess = execute(optimistic)
        if guess is None or guess.failed:
            lo = optimistic
        else:
            hi = optimistic
    while lo + 1 < hi:
        if (hi - lo) / hi < ESTIMATE_ERROR_RATIO:
            break
        mid = lo + (hi - lo) // 2
        if mid > lo * 2:
            mid = lo * 2
        attempt = execute(mid)
        if attempt is None or attempt.failed:
            lo = mid
        else:
            hi = mid
    return hi


# -- fees ------------------------------------------------------------------------------------


_tip_cache: dict[Hash32, int] = {}


def _block_receipts(chain: ChainAPI, block: BlockAPI) -> tuple[ReceiptAPI, ...]:
    return tuple(block.get_receipts(chain.chaindb))


def suggest_tip(backend: NodeBackend) -> int:
    """geth's gas price oracle: the 60th percentile of the 3 lowest tips of each of the last 20 blocks.

    Tips under 2 wei and the miner's own transactions do not count; a block with none counts as the
    last suggestion (1 gwei to begin with); the suggestion is at most 500 gwei.
    """
    head = backend.head()
    cached = _tip_cache.get(head.hash)
    if cached is not None:
        return cached
    samples: list[int] = []
    chain = backend.chain
    last_price = DEFAULT_TIP
    first = max(0, head.block_number - ORACLE_BLOCKS + 1)
    for number in range(first, head.block_number + 1):
        block = chain.get_canonical_block_by_number(BlockNumber(number))
        base_fee = _base_fee(block.header)
        tips = sorted(
            effective_tip(tx, base_fee)
            for tx in block.transactions
            if tx.sender != block.header.coinbase and effective_tip(tx, base_fee) >= ORACLE_IGNORE_PRICE
        )[:ORACLE_SAMPLES_PER_BLOCK]
        samples.extend(tips or [last_price])
    samples.sort()
    price = samples[(len(samples) - 1) * ORACLE_PERCENTILE // 100] if samples else last_price
    price = min(price, ORACLE_MAX_PRICE)
    if len(_tip_cache) > 64:
        _tip_cache.clear()
    _tip_cache[head.hash] = price
    return price


def next_base_fee(backend: NodeBackend) -> int:
    header = backend.chain.create_header_from_parent(backend.head())
    return _base_fee(header) or 0


def _block_rewards(chain: ChainAPI, block: BlockAPI, percentiles: Sequence[float], base_fee: int | None) -> list[str]:
    if not block.transactions:
        return ["0x0"] * len(percentiles)
    receipts = _block_receipts(chain, block)
    used = []
    previous = 0
    for receipt in receipts:
        used.append(receipt.gas_used - previous)
        previous = receipt.gas_used
    ordered = sorted(
        ((effective_tip(tx, base_fee), gas) for tx, gas in zip(block.transactions, used, strict=True)),
        key=lambda pair: pair[0],
    )
    rewards = []
    tx_index = 0
    sum_used = ordered[0][1]
    for percentile in percentiles:
        threshold = int(block.header.gas_used * percentile / 100)
        while sum_used < threshold and tx_index < len(ordered) - 1:
            tx_index += 1
            sum_used += ordered[tx_index][1]
        rewards.append(to_quantity(ordered[tx_index][0]))
    return rewards


def fee_history(
    backend: NodeBackend, block_count: int, newest: BlockSpec, percentiles: Sequence[float] | None
) -> dict[str, Any]:
    chain = backend.chain
    head_number = backend.head().block_number
    newest_number = _tag_number(backend, newest) if isinstance(newest, str) else newest
    if newest_number > head_number:
        raise ServerError(f"request beyond head block: requested {newest_number}, head {head_number}")
    block_count = min(block_count, MAX_FEE_HISTORY, newest_number + 1)
    if block_count == 0:
        return {"oldestBlock": "0x0", "baseFeePerGas": [], "gasUsedRatio": []}
    oldest = newest_number - block_count + 1
    base_fees: list[str] = []
    ratios: list[float] = []
    blob_fees: list[str] = []
    blob_ratios: list[float] = []
    rewards: list[list[str]] = []
    header: BlockHeaderAPI | None = None
    for number in range(oldest, newest_number + 1):
        block = chain.get_canonical_block_by_number(BlockNumber(number))
        header = block.header
        base_fee = _base_fee(header)
        base_fees.append(to_quantity(base_fee or 0))
        ratios.append(header.gas_used / header.gas_limit if header.gas_limit else 0.0)
        blob_fee = blob_base_fee(chain, header)
        parameters = _blob_parameters(chain.get_vm_class(header))
        if blob_fee is not None and parameters is not None:
            blob_fees.append(to_quantity(blob_fee))
            blob_ratios.append(header.blob_gas_used / parameters[1])
        if percentiles is not None:
            rewards.append(_block_rewards(chain, block, percentiles, base_fee))
    assert header is not None
    next_header = chain.create_header_from_parent(header)
    base_fees.append(to_quantity(_base_fee(next_header) or 0))
    result: dict[str, Any] = {"oldestBlock": to_quantity(oldest), "baseFeePerGas": base_fees, "gasUsedRatio": ratios}
    if blob_fees:
        next_blob_fee = blob_base_fee(chain, next_header)
        blob_fees.append(to_quantity(next_blob_fee or 0))
        result["baseFeePerBlobGas"] = blob_fees
        result["blobGasUsedRatio"] = blob_ratios
    if percentiles is not None:
        result["reward"] = rewards
    return result


# -- the methods -----------------------------------------------------------------------------


@rpc_method("web3_clientVersion")
def web3_client_version(backend: NodeBackend) -> str:
    return backend.client_version


@rpc_method("web3_sha3", DATA)
def web3_sha3(backend: NodeBackend, data: bytes) -> str:
    return to_data(keccak(data))


@rpc_method("net_version")
def net_version(backend: NodeBackend) -> str:
    return str(backend.network.network_id)


@rpc_method("net_listening")
def net_listening(backend: NodeBackend) -> bool:
    return True


@rpc_method("net_peerCount")
def net_peer_count(backend: NodeBackend) -> str:
    service = backend.network_service
    return to_quantity(service.peer_count() if service is not None else 0)


@rpc_method("eth_chainId")
def eth_chain_id(backend: NodeBackend) -> str:
    return to_quantity(backend.network.chain_id)


@rpc_method("eth_blockNumber")
def eth_block_number(backend: NodeBackend) -> str:
    return to_quantity(backend.head().block_number)


@rpc_method("eth_syncing")
def eth_syncing(backend: NodeBackend) -> bool | dict[str, str]:
    status = backend.network_service.sync_status() if backend.network_service is not None else None
    return False if status is None else {name: to_quantity(value) for name, value in status.items()}


@rpc_method("eth_mining")
def eth_mining(backend: NodeBackend) -> bool:
    return bool(backend.mining)


@rpc_method("eth_coinbase")
def eth_coinbase(backend: NodeBackend) -> str:
    return to_data(backend.coinbase)


@rpc_method("eth_accounts")
def eth_accounts(backend: NodeBackend) -> list[str]:
    return []


@rpc_method("eth_getBalance", ADDRESS, BLOCK_REF)
def eth_get_balance(backend: NodeBackend, address: Address, ref: BlockRef) -> str:
    return to_quantity(state_at(backend, ref).get_balance(address))


@rpc_method("eth_getTransactionCount", ADDRESS, BLOCK_REF)
def eth_get_transaction_count(backend: NodeBackend, address: Address, ref: BlockRef) -> str:
    if ref.number == "pending":
        return to_quantity(backend.txpool.nonce_for(address))
    return to_quantity(state_at(backend, ref).get_nonce(address))


@rpc_method("eth_getCode", ADDRESS, BLOCK_REF)
def eth_get_code(backend: NodeBackend, address: Address, ref: BlockRef) -> str:
    return to_data(state_at(backend, ref).get_code(address))


def decode_storage_key(value: Any, index: int) -> int:
    """geth's ``decodeHash``: up to 32 bytes of hex, odd lengths allowed."""
    if not isinstance(value, str):
        raise InvalidArgument(index, f"json: cannot unmarshal {_json_type(value)} into Go value of type string")
    body = value[2:] if value.startswith(("0x", "0X")) else value
    if not _HEX_DIGITS.match(body):
        raise InvalidArgument(index, "unable to decode storage key: hex string invalid")
    if len(body) % 2:
        body = "0" + body
    if len(body) > 64:
        raise InvalidArgument(index, "unable to decode storage key: hex string too long, want at most 32 bytes")
    return int(body, 16) if body else 0


@rpc_method("eth_getStorageAt", ADDRESS, Param(decode_storage_key), BLOCK_REF)
def eth_get_storage_at(backend: NodeBackend, address: Address, slot: int, ref: BlockRef) -> str:
    value = state_at(backend, ref).get_storage(address, slot)
    return to_data(value.to_bytes(32, "big"))


MAX_PROOF_KEYS = 1024  # storage keys one eth_getProof call may ask for


def decode_storage_keys(value: Any, index: int) -> list[int]:
    if not isinstance(value, list):
        raise InvalidArgument(index, f"json: cannot unmarshal {_json_type(value)} into Go value of type []string")
    if len(value) > MAX_PROOF_KEYS:
        raise InvalidArgument(index, f"too many storage keys, want at most {MAX_PROOF_KEYS}")
    return [decode_storage_key(key, index) for key in value]


def trie_proof(db: Any, root: Hash32, key: bytes) -> list[str]:
    """EIP-1186 proof nodes for ``key`` (present or absent) under ``root``, as geth lists them.

    Nodes embedded in their parent (encoding shorter than 32 bytes) are not listed separately: a
    verifier finds them inside the node that holds them.
    """
    nodes = HexaryTrie(db, root).get_proof(key)
    encoded = [bytes(rlp.encode(node)) for node in nodes]
    return [to_data(node) for position, node in enumerate(encoded) if position == 0 or len(node) >= 32]


@rpc_method("eth_getProof", ADDRESS, Param(decode_storage_keys), BLOCK_REF)
def eth_get_proof(backend: NodeBackend, address: Address, keys: list[int], ref: BlockRef) -> dict[str, Any]:
    """The account and storage proofs of EIP-1186 against the block's state root.

    The storage root is read from the account's RLP (second-to-last field both in Ethereum's
    4-field and Gwtc's 6-field layout), so proofs work on every fork.
    """
    header = resolve_state_header(backend, ref)
    state = backend.chain.get_vm(header).state
    db = backend.chain.chaindb.db
    account_key = keccak(address)
    encoded_account = HexaryTrie(db, header.state_root).get(account_key)
    storage_root = rlp.decode(encoded_account)[-2] if encoded_account else BLANK_ROOT_HASH
    storage_proof = []
    for slot in keys:
        slot_bytes = slot.to_bytes(32, "big")
        storage_proof.append(
            {
                "key": to_data(slot_bytes),
                "value": to_quantity(state.get_storage(address, slot)),
                "proof": trie_proof(db, storage_root, keccak(slot_bytes)),
            }
        )
    return {
        "address": to_address(address),
        "accountProof": trie_proof(db, header.state_root, account_key),
        "balance": to_quantity(state.get_balance(address)),
        "codeHash": to_data(state.get_code_hash(address)),
        "nonce": to_quantity(state.get_nonce(address)),
        "storageHash": to_data(storage_root),
        "storageProof": storage_proof,
    }


@rpc_method("eth_call", CALL, OPTIONAL_BLOCK_REF)
def eth_call(backend: NodeBackend, args: CallArgs, ref: BlockRef) -> str:
    header = resolve_state_header(backend, ref)
    gas = call_gas(args)
    try:
        result = run_call(backend, args, header, gas)
    except CallFailed as exc:
        raise ServerError(f"err: {exc.message} (supplied gas {gas})") from exc
    if result.failed:
        raise_for_failure(result)
    return to_data(bytes(result.computation.output))


@rpc_method("eth_estimateGas", CALL, OPTIONAL_BLOCK_REF)
def eth_estimate_gas(backend: NodeBackend, args: CallArgs, ref: BlockRef) -> str:
    header = resolve_state_header(backend, ref)
    return to_quantity(estimate_gas(backend, args, header))


@rpc_method("eth_gasPrice")
def eth_gas_price(backend: NodeBackend) -> str:
    return to_quantity(next_base_fee(backend) + suggest_tip(backend))


@rpc_method("eth_maxPriorityFeePerGas")
def eth_max_priority_fee_per_gas(backend: NodeBackend) -> str:
    return to_quantity(suggest_tip(backend))


@rpc_method("eth_feeHistory", Param(decode_block_count), BLOCK_NUMBER, Param(decode_percentiles, required=False))
def eth_fee_history(
    backend: NodeBackend, block_count: int, newest: BlockSpec, percentiles: list[float] | None
) -> dict[str, Any]:
    return fee_history(backend, block_count, newest, percentiles)


@rpc_method("eth_sendRawTransaction", DATA)
def eth_send_raw_transaction(backend: NodeBackend, raw: bytes) -> str:
    head = backend.head()
    vm_class = backend.chain.get_vm_class_for_block_number(BlockNumber(head.block_number + 1))
    try:
        transaction = decode_transaction(vm_class, raw)
    except Exception:
        transaction = None  # the pool gives the decoding error
    if transaction is not None:
        fee = transaction.gas * fee_cap_of(transaction)
        if fee > RPC_TX_FEE_CAP:
            raise ServerError(
                f"tx fee ({fee / 10**18:.2f} ether) exceeds the configured cap ({RPC_TX_FEE_CAP / 10**18:.2f} ether)"
            )
        if transaction_type(transaction) == 0 and transaction.chain_id is None:
            raise ServerError("only replay-protected (EIP-155) transactions allowed over RPC")
    transaction_hash = backend.txpool.add(raw)
    backend.filters.on_new_pending_transaction(transaction_hash)
    return to_data(transaction_hash)


def _located_transaction(
    backend: NodeBackend, transaction_hash: Hash32
) -> tuple[BlockAPI, int, SignedTransactionAPI] | None:
    chain = backend.chain
    try:
        number, index = chain.chaindb.get_transaction_index(transaction_hash)
        block = chain.get_canonical_block_by_number(BlockNumber(number))
    except (TransactionNotFound, HeaderNotFound, BlockNotFound):
        return None
    if index >= len(block.transactions) or block.transactions[index].hash != transaction_hash:
        return None
    return block, index, block.transactions[index]


@rpc_method("eth_getTransactionByHash", HASH)
def eth_get_transaction_by_hash(backend: NodeBackend, transaction_hash: Hash32) -> dict[str, Any] | None:
    located = _located_transaction(backend, transaction_hash)
    if located is not None:
        block, index, transaction = located
        return transaction_to_json(transaction, block.header, index)
    pooled = backend.txpool.get(transaction_hash)
    return transaction_to_json(pooled) if pooled is not None else None


@rpc_method("eth_getTransactionReceipt", HASH)
def eth_get_transaction_receipt(backend: NodeBackend, transaction_hash: Hash32) -> dict[str, Any] | None:
    located = _located_transaction(backend, transaction_hash)
    if located is None:
        return None
    block, index, _ = located
    receipts = _block_receipts(backend.chain, block)
    return receipts_to_json(backend.chain, block, receipts)[index]


@rpc_method("eth_getBlockReceipts", BLOCK_REF)
def eth_get_block_receipts(backend: NodeBackend, ref: BlockRef) -> list[dict[str, Any]] | None:
    if ref.hash is not None:
        block = block_by_hash(backend, ref.hash)
    else:
        block = canonical_block(backend, ref.number if ref.number is not None else "latest")
    if block is None:
        return None
    return receipts_to_json(backend.chain, block, _block_receipts(backend.chain, block))


@rpc_method("eth_getBlockByNumber", BLOCK_NUMBER, BOOL)
def eth_get_block_by_number(backend: NodeBackend, spec: BlockSpec, full: bool) -> dict[str, Any] | None:
    if spec == "pending":
        return pending_block_json(backend)
    block = canonical_block(backend, spec)
    return block_to_json(block, full) if block is not None else None


@rpc_method("eth_getBlockByHash", HASH, BOOL)
def eth_get_block_by_hash(backend: NodeBackend, block_hash: Hash32, full: bool) -> dict[str, Any] | None:
    block = block_by_hash(backend, block_hash)
    return block_to_json(block, full) if block is not None else None


@rpc_method("eth_getBlockTransactionCountByNumber", BLOCK_NUMBER)
def eth_get_block_transaction_count_by_number(backend: NodeBackend, spec: BlockSpec) -> str | None:
    if spec == "pending":
        return to_quantity(0)
    block = canonical_block(backend, spec)
    return to_quantity(len(block.transactions)) if block is not None else None


@rpc_method("eth_getBlockTransactionCountByHash", HASH)
def eth_get_block_transaction_count_by_hash(backend: NodeBackend, block_hash: Hash32) -> str | None:
    block = block_by_hash(backend, block_hash)
    return to_quantity(len(block.transactions)) if block is not None else None


def _transaction_at(block: BlockAPI | None, index: int) -> dict[str, Any] | None:
    if block is None or index >= len(block.transactions):
        return None
    return transaction_to_json(block.transactions[index], block.header, index)


@rpc_method("eth_getTransactionByBlockNumberAndIndex", BLOCK_NUMBER, UINT64)
def eth_get_transaction_by_block_number_and_index(
    backend: NodeBackend, spec: BlockSpec, index: int
) -> dict[str, Any] | None:
    if spec == "pending":
        return None
    return _transaction_at(canonical_block(backend, spec), index)


@rpc_method("eth_getTransactionByBlockHashAndIndex", HASH, UINT64)
def eth_get_transaction_by_block_hash_and_index(
    backend: NodeBackend, block_hash: Hash32, index: int
) -> dict[str, Any] | None:
    return _transaction_at(block_by_hash(backend, block_hash), index)


@rpc_method("eth_getLogs", FILTER)
def eth_get_logs(backend: NodeBackend, criteria: Any) -> list[dict[str, Any]]:
    return find_logs(backend.chain, criteria)


@rpc_method("eth_newFilter", FILTER)
def eth_new_filter(backend: NodeBackend, criteria: Any) -> str:
    return backend.filters.new_filter(criteria)


@rpc_method("eth_newBlockFilter")
def eth_new_block_filter(backend: NodeBackend) -> str:
    return backend.filters.new_block_filter()


@rpc_method("eth_newPendingTransactionFilter")
def eth_new_pending_transaction_filter(backend: NodeBackend) -> str:
    return backend.filters.new_pending_transaction_filter()


@rpc_method("eth_getFilterChanges", FILTER_ID)
def eth_get_filter_changes(backend: NodeBackend, filter_id: str) -> list[Any]:
    return backend.filters.get_changes(filter_id)


@rpc_method("eth_getFilterLogs", FILTER_ID)
def eth_get_filter_logs(backend: NodeBackend, filter_id: str) -> list[dict[str, Any]]:
    return backend.filters.get_filter_logs(filter_id)


@rpc_method("eth_uninstallFilter", FILTER_ID)
def eth_uninstall_filter(backend: NodeBackend, filter_id: str) -> bool:
    return backend.filters.uninstall(filter_id)


# -- Walton extensions -------------------------------------------------------------------------


def _block_at(backend: NodeBackend, ref: BlockRef) -> BlockAPI | None:
    if ref.hash is not None:
        return block_by_hash(backend, ref.hash)
    return canonical_block(backend, ref.number if ref.number is not None else "latest")


@rpc_method("debug_getRawHeader", BLOCK_REF)
def debug_get_raw_header(backend: NodeBackend, ref: BlockRef) -> str | None:
    """geth's consensus encoding of a header: what a relayer submits to a parent chain's anchor."""
    block = _block_at(backend, ref)
    return None if block is None else to_data(bytes(rlp.encode(block.header)))


@rpc_method("debug_getRawReceipts", BLOCK_REF)
def debug_get_raw_receipts(backend: NodeBackend, ref: BlockRef) -> list[str] | None:
    """geth's consensus encodings of a block's receipts (typed: type byte + RLP): the receipt trie's leaves."""
    block = _block_at(backend, ref)
    if block is None:
        return None
    return [to_data(receipt.encode()) for receipt in _block_receipts(backend.chain, block)]


@rpc_method("eth_getRawTransactionByBlockHashAndIndex", HASH, UINT64)
def eth_get_raw_transaction_by_block_hash_and_index(backend: NodeBackend, block_hash: Hash32, index: int) -> str | None:
    """A transaction's consensus encoding (typed: type byte + RLP): the transaction trie's leaf."""
    block = block_by_hash(backend, block_hash)
    if block is None or index >= len(block.transactions):
        return None
    return to_data(block.transactions[index].encode())


@walton_method("walton_network")
def walton_network(backend: NodeBackend) -> dict[str, Any]:
    """The network this node runs and the fork its head is on."""
    head = backend.head()
    vm_class = backend.chain.get_vm_class(head)
    return {
        "name": backend.network.name,
        "chainId": to_quantity(backend.network.chain_id),
        "networkId": str(backend.network.network_id),
        "fork": getattr(vm_class, "fork", None) or vm_class.__name__,
        "head": {"number": to_quantity(head.block_number), "hash": to_data(head.hash)},
    }


__all__ = [
    "METHODS",
    "WALTON_METHODS",
    "BlockRef",
    "CallArgs",
    "Param",
    "bind_params",
    "dispatch",
    "rpc_method",
    "walton_method",
]
