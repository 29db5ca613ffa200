"""Running real `walton node` processes in tests: start, wait for JSON-RPC, stop or kill."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.shared import shared_fixture

STARTUP_TIMEOUT = 120.0
WAIT_TIMEOUT = 180.0  # for a condition across nodes: generous, as a loaded 2-core machine needs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rpc(url: str, method: str, params: list[Any] | None = None, timeout: float = 30.0) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def call(node: "NodeProcess", method: str, *params: Any) -> Any:
    """A JSON-RPC call that must succeed: its result."""
    response = rpc(node.url, method, list(params))
    assert "error" not in response, (method, response)
    return response["result"]


def wait_for(
    condition: Callable[[], bool], what: str, nodes: tuple["NodeProcess", ...], timeout: float = WAIT_TIMEOUT
) -> None:
    """Poll ``condition`` until it holds; past ``timeout`` fail with the tail of every node's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    logs = "\n\n".join(f"--- {node.datadir.name}\n{node.output()[-6000:]}" for node in nodes)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def enode_of(node: "NodeProcess") -> str:
    return str(call(node, "admin_nodeInfo")["enode"])


class NodeProcess:
    """A `walton node` subprocess on a data directory and a free port."""

    def __init__(
        self,
        datadir: Path,
        *extra: str,
        network: tuple[str, ...] = ("--dev",),
        p2p: tuple[str, ...] = ("--port", "0", "--nodiscover"),
    ) -> None:
        """``p2p``: the peer-to-peer flags (default: a free port, no discovery, so nodes never meet by accident)."""
        self.datadir = datadir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = datadir.parent / f"{datadir.name}-node-{self.port}.log"
        command = [sys.executable, "-m", "walton.cli", "node", *network, "--datadir", str(datadir)]
        command += ["--http.port", str(self.port), *p2p, *extra]
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node exited with {self.process.returncode}:\n{self.output()}")
            try:
                rpc(self.url, "eth_chainId", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"node did not answer within {STARTUP_TIMEOUT}s:\n{self.output()}")

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 60.0) -> int:
        """Ctrl-C, as a user would (SIGINT to the whole process group); returns the exit status."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(timeout)
        self.log.close()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL every process of the node at once, as a power cut would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)
        self.log.close()

    def kill_after(self, seconds: float) -> None:
        time.sleep(seconds)
        self.kill()


def import_gwtc_dev_phases(datadir: Path) -> tuple[dict[str, Any], list[str], str]:
    """`walton import` Gwtc's own dev-phases chain (the shared fixture) into ``datadir``.

    Returns the fixture's summary, the hard-fork height flags a node on it needs, and its genesis file."""
    chain_dir = shared_fixture("waltonchain", "chains", "dev-phases")
    summary: dict[str, Any] = json.loads((chain_dir / "summary.json").read_text())
    fork = summary["forkHeights"]
    heights = ["--hardfork-v1", str(fork["HardForkV1"]), "--hardfork-v2", str(fork["HardForkV2"])]
    heights += ["--hardfork-v3", str(fork["HardForkV3"]), "--hardfork-v2-difficulty", str(fork["HardForkV2diff"])]
    genesis = str(chain_dir / "genesis.json")
    command = [sys.executable, "-m", "walton.cli", "import", "--genesis", genesis, *heights, "--no-progress"]
    imported = subprocess.run(
        [*command, "--datadir", str(datadir), str(chain_dir / "chain.rlp")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert imported.returncode == 0, imported.stderr
    return summary, heights, genesis
