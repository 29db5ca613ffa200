"""The IoT fork's state: walton's Prague state, running the IoT computation."""

from walton.vm.forks.ethereum import PragueVM
from walton.vm.forks.iot.computation import IoTComputation

PragueState = PragueVM.get_state_class()


class IoTState(PragueState):  # type: ignore[misc, valid-type]
    computation_class = IoTComputation
