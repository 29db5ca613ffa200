"""Fork registry: every Ethereum fork py-evm implements, by the names Ethereum's fixtures use.

Two registries share one set of names. ``PYEVM_FORKS`` holds py-evm's own classes, untouched,
so conformance runs can compare against stock py-evm. ``WALTON_FORKS`` holds walton's fork
classes: py-evm's forks with the conformance rules py-evm lacks, and the IoT fork in
Prague's place.
"""

from collections.abc import Mapping

from eth.abc import VirtualMachineAPI
from eth.vm import forks as pyevm

from walton.vm.forks.ethereum import (
    ArrowGlacierVM,
    BerlinVM,
    ByzantiumVM,
    CancunVM,
    ConstantinopleVM,
    FrontierVM,
    GrayGlacierVM,
    HomesteadVM,
    IstanbulVM,
    LondonVM,
    MuirGlacierVM,
    ParisVM,
    PetersburgVM,
    ShanghaiVM,
    SpuriousDragonVM,
    TangerineWhistleVM,
)
from walton.vm.forks.iot import IoTVM
from walton.vm.forks.prague import PragueVM

VMClass = type[VirtualMachineAPI]

# Fixture spellings that name the same fork.
FORK_ALIASES: Mapping[str, str] = {
    "EIP150": "TangerineWhistle",
    "EIP158": "SpuriousDragon",
    "ConstantinopleFix": "Petersburg",
    "Merge": "Paris",
}

PYEVM_FORKS: Mapping[str, VMClass] = {
    "Frontier": pyevm.FrontierVM,
    "Homestead": pyevm.HomesteadVM.configure(support_dao_fork=False),
    "TangerineWhistle": pyevm.TangerineWhistleVM,
    "SpuriousDragon": pyevm.SpuriousDragonVM,
    "Byzantium": pyevm.ByzantiumVM,
    "Constantinople": pyevm.ConstantinopleVM,
    "Petersburg": pyevm.PetersburgVM,
    "Istanbul": pyevm.IstanbulVM,
    "MuirGlacier": pyevm.MuirGlacierVM,
    "Berlin": pyevm.BerlinVM,
    "London": pyevm.LondonVM,
    "ArrowGlacier": pyevm.ArrowGlacierVM,
    "GrayGlacier": pyevm.GrayGlacierVM,
    "Paris": pyevm.ParisVM,
    "Shanghai": pyevm.ShanghaiVM,
    "Cancun": pyevm.CancunVM,
    "Prague": pyevm.PragueVM,
}

WALTON_FORKS: Mapping[str, VMClass] = {
    "Frontier": FrontierVM,
    "Homestead": HomesteadVM,
    "TangerineWhistle": TangerineWhistleVM,
    "SpuriousDragon": SpuriousDragonVM,
    "Byzantium": ByzantiumVM,
    "Constantinople": ConstantinopleVM,
    "Petersburg": PetersburgVM,
    "Istanbul": IstanbulVM,
    "MuirGlacier": MuirGlacierVM,
    "Berlin": BerlinVM,
    "London": LondonVM,
    "ArrowGlacier": ArrowGlacierVM,
    "GrayGlacier": GrayGlacierVM,
    "Paris": ParisVM,
    "Shanghai": ShanghaiVM,
    "Cancun": CancunVM,
    "Prague": PragueVM,
    "IoT": IoTVM,
}

# Conformance runs put Ethereum's Prague cases on the IoT fork's EVM (its state, computation and
# precompiles). Ethereum's fixtures are proof-of-stake blocks, so block-level rules stay Prague's:
# the IoT fork's own (WPoC seal, difficulty, rewards) are tested by walton's own tests.
IoTEVMOnPragueBlocks = PragueVM.configure(__name__="IoTEVMOnPragueBlocks", _state_class=IoTVM.get_state_class())
WALTON_CONFORMANCE_FORKS: Mapping[str, VMClass] = {**WALTON_FORKS, "Prague": IoTEVMOnPragueBlocks}

ENGINES: Mapping[str, Mapping[str, VMClass]] = {
    "pyevm": PYEVM_FORKS,
    "walton": WALTON_CONFORMANCE_FORKS,
}


def canonical_fork_name(name: str) -> str:
    """The registry name for a fork as spelled in a fixture (``EIP158`` -> ``SpuriousDragon``)."""
    return FORK_ALIASES.get(name, name)


def get_fork(name: str, engine: str = "walton") -> VMClass:
    """The VM class for a fork name, from walton's registry or stock py-evm's."""
    registry = ENGINES[engine]
    try:
        return registry[canonical_fork_name(name)]
    except KeyError:
        known = ", ".join(sorted(registry))
        raise KeyError(f"unknown fork {name!r} for engine {engine!r}; known forks: {known}") from None


__all__ = [
    "ENGINES",
    "PYEVM_FORKS",
    "WALTON_CONFORMANCE_FORKS",
    "WALTON_FORKS",
    "IoTVM",
    "canonical_fork_name",
    "get_fork",
]
