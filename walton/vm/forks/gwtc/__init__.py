"""The legacy Gwtc fork family: the real Waltonchain mainnet rules, bit-exact (spec: waltonchain-protocol.md).

One sub-package per fork, as py-evm has them, each a subclass of the py-evm fork of the same name
holding only what differs; the pieces every fork shares live here (``headers``, ``accounts``,
``state``, ``computation``, ``gas``, ``opcodes``, ``vm``, ``consensus``, ``chain``, ``sealer``).

Mainnet schedule: Frontier rules at block 0, Homestead 1, EIP-150 2, EIP-155/158 3, Byzantium 4.
"""

from walton.vm.forks.gwtc.byzantium import GwtcByzantiumVM
from walton.vm.forks.gwtc.frontier import GwtcFrontierVM
from walton.vm.forks.gwtc.homestead import GwtcHomesteadVM
from walton.vm.forks.gwtc.spurious_dragon import GwtcSpuriousDragonVM
from walton.vm.forks.gwtc.tangerine_whistle import GwtcTangerineWhistleVM

GWTC_FORKS = {
    "Frontier": GwtcFrontierVM,
    "Homestead": GwtcHomesteadVM,
    "TangerineWhistle": GwtcTangerineWhistleVM,
    "SpuriousDragon": GwtcSpuriousDragonVM,
    "Byzantium": GwtcByzantiumVM,
}

__all__ = [
    "GWTC_FORKS",
    "GwtcByzantiumVM",
    "GwtcFrontierVM",
    "GwtcHomesteadVM",
    "GwtcSpuriousDragonVM",
    "GwtcTangerineWhistleVM",
]
