"""The IoT fork's state: Prague's, running the IoT computation."""

from eth.vm.forks.prague.state import PragueState

from walton.vm.forks.iot.computation import IoTComputation


class IoTState(PragueState):
    computation_class = IoTComputation
