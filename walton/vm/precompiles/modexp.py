"""MODEXP (EIP-198) with an empty base computed as zero, as the EIP defines it.

py-evm's precompile answers 0 whenever the base length is 0, but an empty base is the number 0
and 0 ** 0 mod m is 1 for any m > 1 (``eip198_modexp_precompile`` fixtures, e.g.
``base_-exponent_-modulus_0002`` expecting ``0x0001``). Gas is the fork's own formula.
"""

from collections.abc import Callable
from functools import partial

from eth.abc import ComputationAPI
from eth.precompiles.modexp import extract_lengths

GasCalculator = Callable[[bytes], int]


def _argument(data: bytes, start: int, length: int) -> int:
    return int.from_bytes(data[start : start + length].ljust(length, b"\x00"), "big")


def modexp_result(data: bytes) -> bytes:
    base_length, exponent_length, modulus_length = extract_lengths(data)
    if modulus_length == 0:
        return b""
    base = _argument(data, 96, base_length)
    exponent = _argument(data, 96 + base_length, exponent_length)
    modulus = _argument(data, 96 + base_length + exponent_length, modulus_length)
    result = 0 if modulus == 0 else pow(base, exponent, modulus)
    return result.to_bytes(modulus_length, "big")


def _modexp(computation: ComputationAPI, gas_calculator: GasCalculator) -> ComputationAPI:
    data = computation.msg.data_as_bytes
    computation.consume_gas(gas_calculator(data), reason="MODEXP Precompile")
    computation.output = modexp_result(data)
    return computation


def modexp_with_gas(gas_calculator: GasCalculator) -> Callable[[ComputationAPI], ComputationAPI]:
    """The precompile, charging gas with ``gas_calculator`` (EIP-198's or EIP-2565's)."""
    return partial(_modexp, gas_calculator=gas_calculator)
