"""EIP-2537 BLS12-381 precompiles (Prague, 0x0b..0x11) computed with arkworks.

py-evm's precompiles (``eth.precompiles.bls12_381``) compute with py_ecc, in pure Python: one
MSM or pairing call takes seconds to minutes. These have the same inputs, outputs, gas and
errors and compute with ``py_arkworks_bls12381`` (arkworks' Rust implementation; the Ethereum
Foundation's bindings), which exposes everything EIP-2537 needs: affine coordinate I/O with and
without the subgroup check, multi-scalar multiplication, the multi-pairing check, and the
simplified SWU map with isogeny and cofactor clearing of a raw field element (MAP_FP_TO_G1,
MAP_FP2_TO_G2). Nothing here uses py_ecc.

Encodings (EIP-2537): a field element is 64 bytes, big-endian, its value below p (so its top
16 bytes are zero); a G1 point is x || y (128 bytes); an Fp2 element is c0 || c1 (128 bytes); a
G2 point is x || y (256 bytes); the point at infinity is all zeros; a scalar is 32 bytes, any
value. Points must lie on the curve; MSM and pairing inputs must also lie in the r-order
subgroup (not G1ADD/G2ADD inputs). Invalid input raises ``VMError`` (as py-evm's do), which
consumes all the call's gas. As in py-evm, a wrong input length fails before any gas is charged
and the other checks after; the two are indistinguishable from outside, since a failed
precompile call consumes all its gas either way.
"""

from collections.abc import Callable
from typing import TypeVar

from eth._utils.address import force_bytes_to_address
from eth.abc import ComputationAPI
from eth.exceptions import VMError
from eth.precompiles.bls12_381.constants import (
    BLS12_G1_ADD_GAS,
    BLS12_G1_MSM_GAS,
    BLS12_G2_ADD_GAS,
    BLS12_G2_MSM_GAS,
    BLS12_MAP_FP2_G2_GAS,
    BLS12_MAP_FP_G1_GAS,
    G1_MSM_DISCOUNTS,
    G1_MSM_MAX_DISCOUNT,
    G2_MSM_DISCOUNTS,
    G2_MSM_MAX_DISCOUNT,
    MSM_MULTIPLIER,
)
from eth.vm.forks.prague.constants import (
    BLS12_G1ADD_PRECOMPILE_ADDRESS,
    BLS12_G1MSM_PRECOMPILE_ADDRESS,
    BLS12_G2ADD_PRECOMPILE_ADDRESS,
    BLS12_G2MSM_PRECOMPILE_ADDRESS,
    BLS12_MAP_FP2_TO_G2_PRECOMPILE_ADDRESS,
    BLS12_MAP_FP_TO_G1_PRECOMPILE_ADDRESS,
    BLS12_PAIRING_CHECK_PRECOMPILE_ADDRESS,
)
from eth_typing import Address
from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

FIELD_MODULUS = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB

FP_LENGTH = 64  # a padded field element
FP_PADDING = FP_LENGTH - 48  # arkworks takes the 48-byte big-endian value
G1_LENGTH = 2 * FP_LENGTH
G2_LENGTH = 4 * FP_LENGTH
SCALAR_LENGTH = 32
PAIRING_PAIR_LENGTH = G1_LENGTH + G2_LENGTH

BLS12_PAIRING_BASE_GAS = 37700
BLS12_PAIRING_PER_PAIR_GAS = 32600

PAIRING_TRUE = (1).to_bytes(32, "big")
PAIRING_FALSE = bytes(32)

Point = TypeVar("Point", G1Point, G2Point)


def _field_elements(data: bytes) -> bytes:
    """The 48-byte values of consecutive 64-byte field elements, concatenated; each must be below p."""
    values = []
    for start in range(0, len(data), FP_LENGTH):
        element = data[start : start + FP_LENGTH]
        if int.from_bytes(element, "big") >= FIELD_MODULUS:  # also catches non-zero top 16 bytes
            raise VMError("BLS12-381 field element is not below the field modulus")
        values.append(element[FP_PADDING:])
    return b"".join(values)


def _decode_point(point_class: type[Point], data: bytes, subgroup_check: bool) -> Point:
    """A G1 (128 bytes) or G2 (256 bytes) point: on the curve, and in the subgroup if asked."""
    coordinates = _field_elements(data)
    if not any(coordinates):
        return point_class.identity()
    try:
        point = point_class.from_xy_bytes_unchecked_be(coordinates)  # checks the curve equation only
    except ValueError as error:
        raise VMError("BLS12-381 point is not on the curve") from error
    if subgroup_check and not point.is_in_subgroup():
        raise VMError("BLS12-381 point is not in the r-order subgroup")
    return point


def _encode_point(point: G1Point | G2Point) -> bytes:
    """The EIP-2537 encoding of a point: 64-byte padded coordinates, all zeros for infinity."""
    if point == type(point).identity():
        return bytes(G1_LENGTH if isinstance(point, G1Point) else G2_LENGTH)
    raw = point.to_xy_bytes_be()
    return b"".join(bytes(FP_PADDING) + raw[start : start + 48] for start in range(0, len(raw), 48))


def _msm_gas(k: int, multiplication_gas: int, discounts: list[int], max_discount: int) -> int:
    discount = discounts[k - 1] if k <= len(discounts) else max_discount
    return k * multiplication_gas * discount // MSM_MULTIPLIER


def _msm(
    computation: ComputationAPI,
    point_class: type[Point],
    point_length: int,
    multiplication_gas: int,
    discounts: list[int],
    max_discount: int,
) -> None:
    data = computation.msg.data_as_bytes
    pair_length = point_length + SCALAR_LENGTH
    if not data or len(data) % pair_length:
        raise VMError(f"BLS12 MSM input length must be a non-zero multiple of {pair_length} bytes")
    k = len(data) // pair_length
    computation.consume_gas(_msm_gas(k, multiplication_gas, discounts, max_discount), reason="BLS12 MSM gas")
    points: list[Point] = []
    scalars: list[Scalar] = []
    for start in range(0, len(data), pair_length):
        points.append(_decode_point(point_class, data[start : start + point_length], subgroup_check=True))
        # The points are in the r-order subgroup, so the scalar acts modulo r.
        scalars.append(Scalar.from_be_bytes_mod_order(data[start + point_length : start + pair_length]))
    computation.output = _encode_point(point_class.multiexp_unchecked(points, scalars))


def _add(computation: ComputationAPI, point_class: type[Point], point_length: int, gas: int, name: str) -> None:
    """The sum of two points of one group; no subgroup check (EIP-2537 asks none for addition)."""
    data = computation.msg.data_as_bytes
    if len(data) != 2 * point_length:
        raise VMError(f"{name} input must be {2 * point_length} bytes")
    computation.consume_gas(gas, reason=f"{name} gas")
    p1 = _decode_point(point_class, data[:point_length], subgroup_check=False)
    p2 = _decode_point(point_class, data[point_length:], subgroup_check=False)
    computation.output = _encode_point(p1 + p2)


def bls12_g1_add(computation: ComputationAPI) -> ComputationAPI:
    """0x0b: the sum of two G1 points (no subgroup check)."""
    _add(computation, G1Point, G1_LENGTH, BLS12_G1_ADD_GAS, "BLS12_G1ADD")
    return computation


def bls12_g1_msm(computation: ComputationAPI) -> ComputationAPI:
    """0x0c: sum of k scalar multiples of G1 points, k * 12000 gas with EIP-2537's MSM discount."""
    _msm(computation, G1Point, G1_LENGTH, BLS12_G1_MSM_GAS, G1_MSM_DISCOUNTS, G1_MSM_MAX_DISCOUNT)
    return computation


def bls12_g2_add(computation: ComputationAPI) -> ComputationAPI:
    """0x0d: the sum of two G2 points (no subgroup check)."""
    _add(computation, G2Point, G2_LENGTH, BLS12_G2_ADD_GAS, "BLS12_G2ADD")
    return computation


def bls12_g2_msm(computation: ComputationAPI) -> ComputationAPI:
    """0x0e: sum of k scalar multiples of G2 points, k * 22500 gas with EIP-2537's MSM discount."""
    _msm(computation, G2Point, G2_LENGTH, BLS12_G2_MSM_GAS, G2_MSM_DISCOUNTS, G2_MSM_MAX_DISCOUNT)
    return computation


def bls12_pairing_check(computation: ComputationAPI) -> ComputationAPI:
    """0x0f: whether the product of the k pairings e(P_i, Q_i) is one; 32600 * k + 37700 gas."""
    data = computation.msg.data_as_bytes
    if not data or len(data) % PAIRING_PAIR_LENGTH:
        raise VMError(f"BLS12_PAIRING_CHECK input length must be a non-zero multiple of {PAIRING_PAIR_LENGTH}")
    k = len(data) // PAIRING_PAIR_LENGTH
    computation.consume_gas(BLS12_PAIRING_PER_PAIR_GAS * k + BLS12_PAIRING_BASE_GAS, reason="BLS12_PAIRING_CHECK gas")
    g1_points: list[G1Point] = []
    g2_points: list[G2Point] = []
    for start in range(0, len(data), PAIRING_PAIR_LENGTH):
        g1_points.append(_decode_point(G1Point, data[start : start + G1_LENGTH], subgroup_check=True))
        g2_end = start + PAIRING_PAIR_LENGTH
        g2_points.append(_decode_point(G2Point, data[start + G1_LENGTH : g2_end], subgroup_check=True))
    computation.output = PAIRING_TRUE if GT.pairing_check(g1_points, g2_points) else PAIRING_FALSE
    return computation


def bls12_map_fp_to_g1(computation: ComputationAPI) -> ComputationAPI:
    """0x10: the G1 point of a field element (RFC 9380 simplified SWU, 11-isogeny, cofactor clearing)."""
    data = computation.msg.data_as_bytes
    if len(data) != FP_LENGTH:
        raise VMError("BLS12_MAP_FP_TO_G1 input must be 64 bytes")
    computation.consume_gas(BLS12_MAP_FP_G1_GAS, reason="BLS12_MAP_FP_TO_G1 gas")
    computation.output = _encode_point(G1Point.map_from_fp_be(_field_elements(data)))
    return computation


def bls12_map_fp2_to_g2(computation: ComputationAPI) -> ComputationAPI:
    """0x11: the G2 point of an Fp2 element c0 || c1 (simplified SWU, 3-isogeny, cofactor clearing)."""
    data = computation.msg.data_as_bytes
    if len(data) != 2 * FP_LENGTH:
        raise VMError("BLS12_MAP_FP2_TO_G2 input must be 128 bytes")
    computation.consume_gas(BLS12_MAP_FP2_G2_GAS, reason="BLS12_MAP_FP2_TO_G2 gas")
    computation.output = _encode_point(G2Point.map_from_fp2_be(_field_elements(data)))
    return computation


BLS12_381_PRECOMPILES: dict[Address, Callable[[ComputationAPI], ComputationAPI]] = {
    force_bytes_to_address(BLS12_G1ADD_PRECOMPILE_ADDRESS): bls12_g1_add,
    force_bytes_to_address(BLS12_G1MSM_PRECOMPILE_ADDRESS): bls12_g1_msm,
    force_bytes_to_address(BLS12_G2ADD_PRECOMPILE_ADDRESS): bls12_g2_add,
    force_bytes_to_address(BLS12_G2MSM_PRECOMPILE_ADDRESS): bls12_g2_msm,
    force_bytes_to_address(BLS12_PAIRING_CHECK_PRECOMPILE_ADDRESS): bls12_pairing_check,
    force_bytes_to_address(BLS12_MAP_FP_TO_G1_PRECOMPILE_ADDRESS): bls12_map_fp_to_g1,
    force_bytes_to_address(BLS12_MAP_FP2_TO_G2_PRECOMPILE_ADDRESS): bls12_map_fp2_to_g2,
}
"""The seven precompiles by address, for forks that have EIP-2537 (Prague on)."""
