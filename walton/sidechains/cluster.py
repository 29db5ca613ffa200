"""A local cluster: a parent chain (the dev network) and N child chains, each a real ``walton node`` process.

``Cluster`` lays out one data directory: ``parent/`` and ``child-<i>/`` (each a node's datadir
with its ``node.log``), the children's configs ``child-<i>.toml`` and, for authority children,
their member keys ``child-<i>.keys`` (fresh keys, owner-only file). A restarted cluster on the
same directory reuses configs, keys and chains. Children are ``dev = true`` configs: the public
dev accounts are prefunded on them as on the parent so swaps can be tried with the same accounts
(on an authority child only members may transact, so its members are prefunded as well).

Each node runs in its own process group; ``stop`` sends SIGTERM to every group, waits for a clean
shutdown (databases closed) and kills only what did not stop in time.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from eth_keys.datatypes import PrivateKey

from walton.node.miner import load_authority_keys
from walton.sidechains.templates import ChildTemplate, generate_keys, key_address, render_config, write_key_file
from walton.vm.networks.child import load_child_network
from walton.vm.networks.dev import DEV_CHAIN_ID, dev_accounts

TEMPLATE_CHOICES = ("authority", "wpoc")
FIRST_CHILD_CHAIN_ID = 7001
DEFAULT_BASE_PORT = 8545
DEFAULT_MEMBERS = 3
MEMBER_BALANCE = 1_000_000 * 10**18
STARTUP_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0


class ClusterError(RuntimeError):
    """A node of the cluster failed to start or stopped unexpectedly; the message quotes its log."""


@dataclass
class ClusterNode:
    """One chain of the cluster: what users and tests need to reach it."""

    name: str
    chain_id: int
    template: str  # "dev" for the parent
    rpc_url: str
    datadir: Path
    config: Path | None = None
    member_keys: tuple[PrivateKey, ...] = ()
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        return self.datadir / "node.log"

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "name": self.name,
            "chainId": self.chain_id,
            "template": self.template,
            "rpc": self.rpc_url,
            "datadir": str(self.datadir),
        }
        if self.config is not None:
            entry["config"] = str(self.config)
        if self.member_keys:
            entry["members"] = ["0x" + key_address(key).hex() for key in self.member_keys]
        if self.process is not None:
            entry["pid"] = self.process.pid
        return entry

    def log_tail(self, lines: int = 30) -> str:
        if self.log is not None and not self.log.closed:
            self.log.flush()
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def rpc_call(url: str, method: str, params: list[Any] | None = None, timeout: float = 10.0) -> Any:
    """One JSON-RPC call; the result, or ClusterError with the node's error."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise ClusterError(f"{url} {method}: {answer['error'].get('message')}")
    return answer["result"]


class Cluster:
    """A parent dev chain and ``children`` child chains on loopback; a context manager that stops them all."""

    def __init__(
        self,
        datadir: Path,
        children: int = 2,
        template: str = "authority",
        base_port: int = DEFAULT_BASE_PORT,
        block_period: float = 2.0,
        members: int = DEFAULT_MEMBERS,
        ports: list[int] | None = None,
    ) -> None:
        if children < 0:
            raise ValueError("children: 0 or more")
        if template not in TEMPLATE_CHOICES:
            raise ValueError(f"template: one of {', '.join(TEMPLATE_CHOICES)}")
        if ports is not None and len(ports) != children + 1:
            raise ValueError("ports: one per chain (parent first)")
        self.datadir = Path(datadir)
        self.children_count = children
        self.template = template
        self.block_period = block_period
        self.members = members
        self.ports = ports if ports is not None else [base_port + index for index in range(children + 1)]
        self.nodes: list[ClusterNode] = []

    @property
    def parent(self) -> ClusterNode:
        return self.nodes[0]

    @property
    def children(self) -> list[ClusterNode]:
        return self.nodes[1:]

    def _child_config(self, index: int) -> tuple[Path, tuple[PrivateKey, ...]]:
        """The child's config and member keys: written on first use, reused afterwards."""
        name = f"child-{index}"
        config = self.datadir / f"{name}.toml"
        key_file = self.datadir / f"{name}.keys"
        if config.exists():
            existing = load_child_network(config)
            if existing.template != self.template:
                raise ClusterError(
                    f"{config} is a {existing.template} child; use --template {existing.template} or another datadir"
                )
            return config, load_authority_keys(key_file) if existing.is_authority else ()
        keys = generate_keys(self.members) if self.template == "authority" else ()
        members = tuple(key_address(key) for key in keys)
        text = render_config(
            ChildTemplate(
                name=name,
                chain_id=FIRST_CHILD_CHAIN_ID + index - 1,
                template=self.template,
                members=members,
                alloc=dict.fromkeys(members, MEMBER_BALANCE),
                dev=True,
            )
        )
        if keys:
            write_key_file(key_file, keys)
        config.write_text(text)
        return config, keys

    def _spawn(self, node: ClusterNode, arguments: list[str]) -> None:
        node.datadir.mkdir(parents=True, exist_ok=True)
        port = node.rpc_url.rsplit(":", 1)[1]
        command = [sys.executable, "-m", "walton.cli", "node", *arguments, "--datadir", str(node.datadir)]
        command += ["--http.port", port, "--dev.period", str(self.block_period)]
        # Each chain of the cluster is its own network of one node: a free peer-to-peer port, no discovery.
        command += ["--port", "0", "--nodiscover"]
        node.log = node.log_path.open("ab")
        node.process = subprocess.Popen(command, stdout=node.log, stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> list[ClusterNode]:
        """Start every node and wait until each answers eth_chainId with its own chain id."""
        self.datadir.mkdir(parents=True, exist_ok=True)
        self.nodes = [ClusterNode("parent", DEV_CHAIN_ID, "dev", self._url(0), self.datadir / "parent")]
        for index in range(1, self.children_count + 1):  # every config ready (or refused) before any process
            config, keys = self._child_config(index)
            name = f"child-{index}"
            chain_id = load_child_network(config).chain_id
            self.nodes.append(
                ClusterNode(name, chain_id, self.template, self._url(index), self.datadir / name, config, keys)
            )
        try:
            self._spawn(self.parent, ["--dev"])
            for node in self.children:
                if node.member_keys:
                    sealing = ["--authority-key", str(self.datadir / f"{node.name}.keys")]
                else:  # WPoC children mine to the first dev account, as the parent does
                    sealing = ["--mine", "--etherbase", dev_accounts()[0].address]
                self._spawn(node, ["--network", str(node.config), *sealing])
            for node in self.nodes:
                self._wait_ready(node)
        except BaseException:
            self.stop()
            raise
        return self.nodes

    def _url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def _wait_ready(self, node: ClusterNode) -> None:
        assert node.process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if node.process.poll() is not None:
                raise ClusterError(f"{node.name} exited with {node.process.returncode}:\n{node.log_tail()}")
            try:
                chain_id = int(rpc_call(node.rpc_url, "eth_chainId", timeout=2), 16)
            except OSError:
                time.sleep(0.25)
                continue
            if chain_id != node.chain_id:
                raise ClusterError(f"{node.name} at {node.rpc_url} answers chain id {chain_id}, not {node.chain_id}")
            return
        raise ClusterError(f"{node.name} did not answer within {STARTUP_TIMEOUT:.0f}s:\n{node.log_tail()}")

    def failed(self) -> list[ClusterNode]:
        """Nodes whose process has exited while the cluster runs."""
        return [node for node in self.nodes if node.process is not None and node.process.poll() is not None]

    def stop(self) -> dict[str, int | None]:
        """SIGTERM every node's process group, wait for clean exits, kill stragglers; exit status by name."""
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                _signal_group(node.process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        statuses: dict[str, int | None] = {}
        for node in self.nodes:
            if node.process is None:
                continue
            try:
                node.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(node.process, signal.SIGKILL)
                node.process.wait(10)
            _signal_group(node.process, signal.SIGKILL)  # any spawned child the launcher left behind
            statuses[node.name] = node.process.returncode
            if node.log is not None:
                node.log.close()
        return statuses

    def __enter__(self) -> "Cluster":
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def _signal_group(process: "subprocess.Popen[bytes]", signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)
