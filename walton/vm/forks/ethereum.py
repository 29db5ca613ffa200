"""Walton's Ethereum forks: py-evm's forks with fixes where py-evm falls short of Ethereum's fixtures.

Each fork here is a subclass of the py-evm fork of the same name whose state and computation
are subclasses too; nothing in py-evm is modified. The fixes (each named by the fixtures
that show it) are:

- Stateless transaction rules py-evm lacks (``walton.vm.validation``): the chain id must be the
  chain's, EIP-3860 initcode gas is intrinsic, gas and fee values stay within geth's field sizes,
  EIP-7623's calldata floor bounds the gas limit (TransactionTests, and state tests expecting
  ``TransactionException``s); senders must be externally owned (EIP-3607) and afford the
  transaction at its fee caps, blob fees included; blob transactions need a recipient and a blob
  count within the block's blob gas.
- Creating a contract at an address with storage is a collision (EIP-7610, every fork), as for an
  address with code or a nonce (``stCreate2/create2collisionStorage*``, ``*_Paris`` create tests).
- EIP-4844 point evaluation loads the KZG trusted setup once, not on every call.
- MODEXP treats an empty base as 0 (so 0 ** 0 mod m = 1), as EIP-198 says; py-evm answers 0
  (``eip198_modexp_precompile``).
- The EIP-2537 BLS12-381 precompiles (Prague, 0x0b..0x11) compute with arkworks rather than py-evm's
  pure-Python py_ecc, same results, gas and errors: one MSM or pairing call no longer takes seconds
  (``eip2537_bls_12_381_precompiles``).

They are the same for every fork that has the feature, so the classes are built by one
factory rather than written out seventeen times.
"""

from collections.abc import Callable
from typing import Any, cast

from eth._utils.address import force_bytes_to_address
from eth.abc import (
    ComputationAPI,
    ExecutionContextAPI,
    SignedTransactionAPI,
    StateAPI,
    VirtualMachineAPI,
)
from eth.constants import BLANK_ROOT_HASH
from eth.db.account import AccountDB
from eth.precompiles.modexp import _compute_modexp_gas_fee_eip_198
from eth.vm import forks as pyevm
from eth.vm.forks.berlin.computation import _compute_modexp_gas_fee_eip_2565
from eth.vm.forks.cancun.constants import POINT_EVALUATION_PRECOMPILE_ADDRESS
from eth_typing import Address

from walton.vm.precompiles.bls12_381 import BLS12_381_PRECOMPILES
from walton.vm.precompiles.modexp import modexp_with_gas
from walton.vm.precompiles.point_evaluation import point_evaluation
from walton.vm.validation import validate_transaction_against_state, validate_transaction_fields

Precompile = Callable[[ComputationAPI], Any]

MODEXP_ADDRESS = force_bytes_to_address(b"\x05")
POINT_EVALUATION_ADDRESS = force_bytes_to_address(POINT_EVALUATION_PRECOMPILE_ADDRESS)


def _fixed_precompiles(
    vm_class: type[VirtualMachineAPI], computation_class: type[ComputationAPI]
) -> dict[Address, Precompile]:
    """The fork's precompiles, with walton's versions where py-evm's are wrong or slow."""
    precompiles: dict[Address, Precompile] = dict(computation_class.get_precompiles())
    if MODEXP_ADDRESS in precompiles:
        is_berlin = issubclass(vm_class, pyevm.BerlinVM)
        gas = _compute_modexp_gas_fee_eip_2565 if is_berlin else _compute_modexp_gas_fee_eip_198
        precompiles[MODEXP_ADDRESS] = modexp_with_gas(gas)
    if POINT_EVALUATION_ADDRESS in precompiles:
        precompiles[POINT_EVALUATION_ADDRESS] = point_evaluation
    for address, bls12_precompile in BLS12_381_PRECOMPILES.items():
        if address in precompiles:
            precompiles[address] = bls12_precompile
    return precompiles


class ConformantState:
    """State mixin: transaction rules py-evm lacks, and EIP-7610's address collision rule."""

    fork_class: type[VirtualMachineAPI]
    execution_context: ExecutionContextAPI
    _account_db: AccountDB

    def has_code_or_nonce(self, address: Address) -> bool:
        """Whether creating a contract at ``address`` collides: py-evm checks code and nonce only;
        EIP-7610 (applied to every fork) adds non-empty storage (``create2collisionStorage*``)."""
        if super().has_code_or_nonce(address):  # type: ignore[misc]
            return True
        return self._account_db._get_storage_root(address) != BLANK_ROOT_HASH

    def validate_transaction(self, transaction: SignedTransactionAPI) -> None:
        validate_transaction_fields(self.fork_class, transaction, self.execution_context.chain_id)
        validate_transaction_against_state(self.fork_class, transaction, cast(StateAPI, self))
        super().validate_transaction(transaction)  # type: ignore[misc]


class ConformantVM:
    """VM mixin: the stateless checks, for callers that validate a transaction outside a block."""

    @classmethod
    def validate_transaction_fields(cls, transaction: SignedTransactionAPI, chain_id: int) -> None:
        validate_transaction_fields(cast(type[VirtualMachineAPI], cls), transaction, chain_id)


def conformant(vm_class: type[VirtualMachineAPI], name: str) -> type[VirtualMachineAPI]:
    """A subclass of a py-evm fork (and of its state and computation) carrying walton's fixes."""
    state_class: type[StateAPI] = vm_class.get_state_class()
    computation_class = type(
        f"{name}Computation",
        (state_class.computation_class,),
        {"_precompiles": _fixed_precompiles(vm_class, state_class.computation_class), "__module__": __name__},
    )
    fixed_state = type(
        f"{name}State",
        (ConformantState, state_class),
        {"computation_class": computation_class, "fork_class": vm_class, "__module__": __name__},
    )
    return type(name, (ConformantVM, vm_class), {"_state_class": fixed_state, "__module__": __name__})


FrontierVM = conformant(pyevm.FrontierVM, "FrontierVM")
HomesteadVM = conformant(pyevm.HomesteadVM.configure(support_dao_fork=False), "HomesteadVM")
TangerineWhistleVM = conformant(pyevm.TangerineWhistleVM, "TangerineWhistleVM")
SpuriousDragonVM = conformant(pyevm.SpuriousDragonVM, "SpuriousDragonVM")
ByzantiumVM = conformant(pyevm.ByzantiumVM, "ByzantiumVM")
ConstantinopleVM = conformant(pyevm.ConstantinopleVM, "ConstantinopleVM")
PetersburgVM = conformant(pyevm.PetersburgVM, "PetersburgVM")
IstanbulVM = conformant(pyevm.IstanbulVM, "IstanbulVM")
MuirGlacierVM = conformant(pyevm.MuirGlacierVM, "MuirGlacierVM")
BerlinVM = conformant(pyevm.BerlinVM, "BerlinVM")
LondonVM = conformant(pyevm.LondonVM, "LondonVM")
ArrowGlacierVM = conformant(pyevm.ArrowGlacierVM, "ArrowGlacierVM")
GrayGlacierVM = conformant(pyevm.GrayGlacierVM, "GrayGlacierVM")
ParisVM = conformant(pyevm.ParisVM, "ParisVM")
ShanghaiVM = conformant(pyevm.ShanghaiVM, "ShanghaiVM")
CancunVM = conformant(pyevm.CancunVM, "CancunVM")
