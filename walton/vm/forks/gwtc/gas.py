"""Gwtc's gas schedule (spec §7.2) and the opcode and precompile logic that reads it.

Gwtc lowered most go-ethereum 1.7.1 gas constants roughly fourfold (``params/protocol_params.go``).
py-evm's opcode and precompile functions read Ethereum's constants from ``eth.constants`` at call
time, so every function whose cost depends on a changed constant is re-implemented here with the
Walton value; everything else (tier costs, the gas tables of ``params/gas_table.go``, EXP, the
63/64 rule, the refund cap) is py-evm's, unchanged. Nothing in py-evm is modified.
"""

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from eth import constants
from eth._utils.address import force_bytes_to_address
from eth._utils.numeric import ceil32
from eth._utils.padding import pad32
from eth.abc import ComputationAPI
from eth.constants import SECPK1_N
from eth.exceptions import OutOfBoundsRead
from eth.precompiles import ecadd, ecmul, ecpairing
from eth.precompiles.modexp import _compute_modexp_gas_fee_eip_198, extract_lengths
from eth_hash.auto import keccak
from eth_keys import keys
from eth_keys.exceptions import BadSignature
from eth_utils import encode_hex

# -- intrinsic gas (core/state_transition.go IntrinsicGas) --------------------------------------
TX_GAS = 5000  # params.TxGas (Ethereum 21000)
TX_GAS_CONTRACT_CREATION = 10000  # params.TxGasContractCreation, Homestead on (Ethereum 53000)
TX_DATA_ZERO_GAS = 1  # params.TxDataZeroGas (4)
TX_DATA_NON_ZERO_GAS = 20  # params.TxDataNonZeroGas (68)

# -- EVM -------------------------------------------------------------------------------------------
CALL_VALUE_TRANSFER_GAS = 2000  # params.CallValueTransferGas (9000)
CALL_NEW_ACCOUNT_GAS = 6000  # params.CallNewAccountGas (25000)
CALL_STIPEND = 600  # params.CallStipend (2300)
SSTORE_SET_GAS = 5000  # params.SstoreSetGas (20000)
SSTORE_RESET_GAS = 1200  # params.SstoreResetGas (5000)
SSTORE_CLEAR_GAS = 1200  # params.SstoreClearGas (5000)
SSTORE_REFUND_GAS = 3000  # params.SstoreRefundGas (15000)
SUICIDE_REFUND_GAS = 6000  # params.SuicideRefundGas (24000)
SHA3_GAS = 8  # params.Sha3Gas (30)
SHA3_WORD_GAS = 2  # params.Sha3WordGas (6)
LOG_GAS = 80  # params.LogGas (375)
LOG_TOPIC_GAS = 80  # params.LogTopicGas (375)
LOG_DATA_GAS = 2  # params.LogDataGas (8)
CREATE_GAS = 8000  # params.CreateGas (32000)
CREATE_DATA_GAS = 50  # params.CreateDataGas (200): per byte of deployed code
MEMORY_GAS = 1  # params.MemoryGas (3); the quadratic divisor 512 is unchanged
COPY_GAS = 1  # params.CopyGas (3)
MAX_CODE_SIZE = 196608  # params.MaxCodeSize (24576), enforced from the EIP-158 block

# -- precompiles -----------------------------------------------------------------------------------
ECRECOVER_GAS = 800  # 3000
SHA256_BASE_GAS = 15  # 60
SHA256_PER_WORD_GAS = 3  # 12
RIPEMD160_BASE_GAS = 150  # 600
RIPEMD160_PER_WORD_GAS = 30  # 120
IDENTITY_BASE_GAS = 4  # 15
IDENTITY_PER_WORD_GAS = 1  # 3
BN256_ADD_GAS = 120  # 500
BN256_SCALAR_MUL_GAS = 10000  # 40000
BN256_PAIRING_BASE_GAS = 25000  # 100000
BN256_PAIRING_PER_POINT_GAS = 20000  # 80000

Precompile = Callable[[ComputationAPI], ComputationAPI]


def memory_gas_cost(size_in_bytes: int) -> int:
    """go-ethereum's ``memoryGasCost`` total for a memory of ``size_in_bytes``, with MemoryGas = 1."""
    words = ceil32(size_in_bytes) // 32
    return words * MEMORY_GAS + words * words // constants.GAS_MEMORY_QUADRATIC_DENOMINATOR


def _word_gas(size: int, per_word: int) -> int:
    return (ceil32(size) // 32) * per_word


# -- opcodes ---------------------------------------------------------------------------------------
def sha3(computation: ComputationAPI) -> None:
    """SHA3: ``Sha3Gas`` (the opcode's constant cost) plus ``Sha3WordGas`` per word."""
    start_position, size = computation.stack_pop_ints(2)
    computation.extend_memory(start_position, size)
    data = computation.memory_read_bytes(start_position, size)
    computation.consume_gas(_word_gas(len(data), SHA3_WORD_GAS), reason="SHA3: word gas cost")
    computation.stack_push_bytes(keccak(data))


def calldatacopy(computation: ComputationAPI) -> None:
    mem_start, data_start, size = computation.stack_pop_ints(3)
    computation.extend_memory(mem_start, size)
    computation.consume_gas(_word_gas(size, COPY_GAS), reason="CALLDATACOPY fee")
    value = computation.msg.data_as_bytes[data_start : data_start + size]
    computation.memory_write(mem_start, size, value.ljust(size, b"\x00"))


def codecopy(computation: ComputationAPI) -> None:
    mem_start, code_start, size = computation.stack_pop_ints(3)
    computation.extend_memory(mem_start, size)
    computation.consume_gas(_word_gas(size, COPY_GAS), reason="CODECOPY: word gas cost")
    with computation.code.seek(code_start):
        code_bytes = computation.code.read(size)
    computation.memory_write(mem_start, size, code_bytes.ljust(size, b"\x00"))


def extcodecopy(computation: ComputationAPI) -> None:
    account = force_bytes_to_address(computation.stack_pop1_bytes())
    mem_start, code_start, size = computation.stack_pop_ints(3)
    computation.extend_memory(mem_start, size)
    computation.consume_gas(_word_gas(size, COPY_GAS), reason="EXTCODECOPY: word gas cost")
    code = computation.state.get_code(account)
    code_bytes = code[code_start : code_start + size]
    computation.memory_write(mem_start, size, code_bytes.ljust(size, b"\x00"))


def returndatacopy(computation: ComputationAPI) -> None:
    mem_start, data_start, size = computation.stack_pop_ints(3)
    if data_start + size > len(computation.return_data):
        raise OutOfBoundsRead(
            f"Return data length is not sufficient: asked for [{data_start}, {data_start + size}), "
            f"return data is {len(computation.return_data)} bytes"
        )
    computation.extend_memory(mem_start, size)
    computation.consume_gas(_word_gas(size, COPY_GAS), reason="RETURNDATACOPY fee")
    computation.memory_write(mem_start, size, computation.return_data[data_start : data_start + size])


def sstore(computation: ComputationAPI) -> None:
    """go-ethereum 1.7.1 ``gasSStore`` with Walton's constants (charged by the logic, base cost 0)."""
    slot, value = computation.stack_pop_ints(2)
    address = computation.msg.storage_address
    current = computation.state.get_storage(address=address, slot=slot)
    if not current and value:
        gas_cost = SSTORE_SET_GAS
    elif current and not value:
        gas_cost = SSTORE_CLEAR_GAS
        computation.refund_gas(SSTORE_REFUND_GAS)
    else:
        gas_cost = SSTORE_RESET_GAS
    computation.consume_gas(gas_cost, reason=f"SSTORE: {encode_hex(address)}[{slot}] -> {value} ({current})")
    computation.state.set_storage(address=address, slot=slot, value=value)


def log_xx(computation: ComputationAPI, topic_count: int) -> None:
    """LOGn: ``LogGas`` (the opcode's constant cost) + ``LogTopicGas`` per topic + ``LogDataGas`` per byte."""
    mem_start, size = computation.stack_pop_ints(2)
    topics = computation.stack_pop_ints(topic_count) if topic_count else ()
    computation.consume_gas(LOG_DATA_GAS * size + LOG_TOPIC_GAS * topic_count, reason="Log topic and data gas cost")
    computation.extend_memory(mem_start, size)
    computation.add_log_entry(
        account=computation.msg.storage_address,
        topics=tuple(topics),
        data=computation.memory_read_bytes(mem_start, size),
    )


LOG_FUNCTIONS: tuple[Callable[[ComputationAPI], None], ...] = tuple(
    functools.partial(log_xx, topic_count=count) for count in range(5)
)


# -- precompiles -----------------------------------------------------------------------------------
def ecrecover_precompile(computation: ComputationAPI) -> ComputationAPI:
    """0x01: go-ethereum's ecrecover (v 27/28, r and s in [1, n)) at ``EcrecoverGas`` = 800."""
    computation.consume_gas(ECRECOVER_GAS, reason="ECRecover Precompile")
    data = computation.msg.data_as_bytes.ljust(128, b"\x00")
    message_hash = data[:32]
    v, r, s = (int.from_bytes(data[start : start + 32], "big") for start in (32, 64, 96))
    if v not in (27, 28) or not (0 < r < SECPK1_N and 0 < s < SECPK1_N):
        return computation
    try:
        public_key = keys.Signature(vrs=(v - 27, r, s)).recover_public_key_from_msg_hash(message_hash)
    except BadSignature:
        return computation
    computation.output = pad32(public_key.to_canonical_address())
    return computation


def sha256_precompile(computation: ComputationAPI) -> ComputationAPI:
    data = computation.msg.data_as_bytes
    computation.consume_gas(SHA256_BASE_GAS + _word_gas(len(data), SHA256_PER_WORD_GAS), reason="SHA256 Precompile")
    computation.output = hashlib.sha256(data).digest()
    return computation


def ripemd160_precompile(computation: ComputationAPI) -> ComputationAPI:
    data = computation.msg.data_as_bytes
    computation.consume_gas(
        RIPEMD160_BASE_GAS + _word_gas(len(data), RIPEMD160_PER_WORD_GAS), reason="RIPEMD160 Precompile"
    )
    computation.output = pad32(_ripemd160(data))
    return computation


def _ripemd160(data: bytes) -> bytes:
    try:
        return hashlib.new("ripemd160", data).digest()
    except ValueError:  # OpenSSL builds without legacy digests
        from Crypto.Hash import RIPEMD160

        return bytes(RIPEMD160.new(data).digest())


def identity_precompile(computation: ComputationAPI) -> ComputationAPI:
    data = computation.msg.data_as_bytes
    computation.consume_gas(
        IDENTITY_BASE_GAS + _word_gas(len(data), IDENTITY_PER_WORD_GAS), reason="Identity Precompile"
    )
    computation.output = data
    return computation


def modexp_precompile(computation: ComputationAPI) -> ComputationAPI:
    """0x05 (EIP-198 price, unchanged in Gwtc) with go-ethereum's result: an empty base is the number 0,
    so ``0 ** 0 mod m`` is 1 (py-evm answers 0 whenever the base length is 0)."""
    data = computation.msg.data_as_bytes
    computation.consume_gas(_compute_modexp_gas_fee_eip_198(data), reason="MODEXP Precompile")
    base_length, exponent_length, modulus_length = extract_lengths(data)
    if base_length == 0 and modulus_length == 0:
        computation.output = b""
        return computation

    def argument(start: int, length: int) -> int:
        return int.from_bytes(data[start : start + length].ljust(length, b"\x00"), "big")

    base = argument(96, base_length)
    exponent = argument(96 + base_length, exponent_length)
    modulus = argument(96 + base_length + exponent_length, modulus_length)
    result = 0 if modulus == 0 else pow(base, exponent, modulus)
    computation.output = result.to_bytes(modulus_length, "big")
    return computation


ecadd_precompile: Any = ecadd(gas_cost=BN256_ADD_GAS)
ecmul_precompile: Any = ecmul(gas_cost=BN256_SCALAR_MUL_GAS)
ecpairing_precompile: Any = ecpairing(
    gas_cost_base=BN256_PAIRING_BASE_GAS, gas_cost_per_point=BN256_PAIRING_PER_POINT_GAS
)
