"""EIP-4844 point evaluation with the KZG trusted setup loaded once per process.

py-evm's precompile (``eth.precompiles.point_evaluation``) reloads the trusted setup from disk
on every call, which takes seconds; this one has the same inputs, outputs, gas and errors and
loads the setup on first use only.
"""

from functools import cache
from typing import Any

from ckzg import load_trusted_setup, verify_kzg_proof
from eth.abc import ComputationAPI
from eth.exceptions import VMError
from eth.precompiles.point_evaluation import TRUSTED_SETUP_PATH, kzg_to_versioned_hash
from eth.vm.forks.cancun.constants import BLS_MODULUS, FIELD_ELEMENTS_PER_BLOB, POINT_EVALUATION_PRECOMPILE_GAS

INPUT_LENGTH = 192
SUCCESS_OUTPUT = FIELD_ELEMENTS_PER_BLOB.to_bytes(32, "big") + BLS_MODULUS.to_bytes(32, "big")


@cache
def trusted_setup() -> Any:
    """The mainnet KZG trusted setup shipped with py-evm, parsed once."""
    return load_trusted_setup(TRUSTED_SETUP_PATH, 0)


def point_evaluation(computation: ComputationAPI) -> ComputationAPI:
    """Verify a KZG proof that p(z) = y for the blob commitment behind a versioned hash."""
    computation.consume_gas(POINT_EVALUATION_PRECOMPILE_GAS, reason="Point Evaluation Precompile")
    data = computation.msg.data_as_bytes
    if len(data) != INPUT_LENGTH:
        raise VMError("Point evaluation invalid input length.")
    versioned_hash, z, y, commitment, proof = data[:32], data[32:64], data[64:96], data[96:144], data[144:192]
    if kzg_to_versioned_hash(commitment) != versioned_hash:
        raise VMError("Point evaluation commitment does not match versioned hash.")
    try:
        valid = verify_kzg_proof(commitment, z, y, proof, trusted_setup())
    except RuntimeError:  # ckzg raises for malformed points and scalars
        valid = False
    if not valid:
        raise VMError("Point evaluation KZG proof verification failed.")
    computation.output = SUCCESS_OUTPUT
    return computation
