"""The IoT fork's state: walton's Prague state, running the IoT computation."""

from walton.vm.forks.iot.computation import IoTComputation
from walton.vm.forks.prague import PragueVM

PragueState = PragueVM.get_state_class()


class IoTState(PragueState):  # type: ignore[misc, valid-type]
    computation_class = IoTComputation
