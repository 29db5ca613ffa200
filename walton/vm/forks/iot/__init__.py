"""The IoT fork: Ethereum Prague at the EVM level plus Walton's precompiles.

New Walton networks (the dev network, child chains) run it. Its EVM is exactly Prague's, so
Ethereum's Prague fixtures pass on it; Walton's precompiles sit at addresses Ethereum does
not use (see docs/forks.md for the address map).
"""

from walton.vm.forks.ethereum import PragueVM
from walton.vm.forks.iot.computation import WALTON_PRECOMPILES, IoTComputation
from walton.vm.forks.iot.state import IoTState


class IoTVM(PragueVM):  # type: ignore[misc, valid-type]
    fork = "iot"
    _state_class = IoTState


__all__ = ["WALTON_PRECOMPILES", "IoTComputation", "IoTState", "IoTVM"]
