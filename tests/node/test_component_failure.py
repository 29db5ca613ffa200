"""A component that dies is reported, and the node stops cleanly instead of hanging half-alive."""

import os
import re
import signal
import time
from pathlib import Path

import pytest

from tests.node.nodeproc import NodeProcess

pytestmark = pytest.mark.timeout(300)


def pid_of(node: NodeProcess, component: str) -> int:
    match = re.search(rf"Started the {component} process pid=(\d+)", node.output())
    assert match, node.output()
    return int(match.group(1))


@pytest.mark.parametrize("component", ["rpc", "chain"])
def test_killed_component_stops_the_node(tmp_path: Path, component: str) -> None:
    node = NodeProcess(tmp_path / "datadir", "--dev.period", "0")
    node.wait_ready()
    os.kill(pid_of(node, component), signal.SIGKILL)
    node.process.wait(timeout=60)
    output = node.output()
    assert node.process.returncode == 1, output
    assert f"the {component} process exited unexpectedly" in output
    assert "Node stopped" in output
    time.sleep(0.5)
    for other in ("rpc", "chain"):
        with pytest.raises(ProcessLookupError):
            os.kill(pid_of(node, other), 0)
    node.stop()
