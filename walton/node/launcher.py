"""``walton node``: start the node's processes, watch them, stop them all cleanly.

The chain process starts first (it owns the database and the bus endpoint the others connect
to), then the JSON-RPC process. Ctrl-C or SIGTERM stops every process; if one process dies on
its own, the launcher reports it and stops the rest instead of leaving a half-working node.
"""

import logging
import multiprocessing
import signal
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from types import FrameType

from walton.node import chain_process, rpc_process
from walton.node.config import NodeConfig
from walton.node.logs import setup_logging

logger = logging.getLogger("walton.node")

STARTUP_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0
POLL_INTERVAL = 0.2


class ComponentFailed(RuntimeError):
    pass


def _wait_for_endpoint(config: NodeConfig, process: BaseProcess) -> None:
    """Wait until the chain process serves its bus endpoint (its IPC socket exists)."""
    socket = config.ipc_dir / f"{chain_process.CHAIN_ENDPOINT}.ipc"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not socket.exists():
        if not process.is_alive():
            raise ComponentFailed(f"the chain process exited during start-up (exit code {process.exitcode})")
        if time.monotonic() > deadline:
            raise ComponentFailed("the chain process did not start in time")
        time.sleep(POLL_INTERVAL)


def _stop(processes: list[BaseProcess]) -> None:
    """SIGTERM each live process (newest first), then SIGKILL whatever is still running after a grace period."""
    for process in reversed(processes):
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in reversed(processes):
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            logger.warning("%s process did not stop in time; killing it", process.name)
            process.kill()
            process.join()


def run_node(config: NodeConfig) -> int:
    """Run the node until interrupted; the exit status is 0 after a requested stop, 1 after a failure."""
    multiprocessing.current_process().name = "node"
    setup_logging(config.verbosity, config.log_json)
    config.datadir.mkdir(parents=True, exist_ok=True)
    config.ipc_dir.mkdir(parents=True, exist_ok=True)
    for stale in config.ipc_dir.glob("*.ipc"):
        stale.unlink()

    stop_requested: list[str] = []

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop_requested.append(signal.Signals(signum).name)

    previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {
        signum: signal.signal(signum, request_stop) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    context = multiprocessing.get_context("spawn")
    processes: list[BaseProcess] = []
    status = 0
    try:
        chain = context.Process(target=chain_process.main, args=(config,), name="chain")
        chain.start()
        processes.append(chain)
        logger.info("Started the chain process pid=%d", chain.pid)
        _wait_for_endpoint(config, chain)
        rpc = context.Process(target=rpc_process.main, args=(config,), name="rpc")
        rpc.start()
        processes.append(rpc)
        logger.info("Started the rpc process pid=%d", rpc.pid)
        while not stop_requested:
            dead = [process for process in processes if not process.is_alive()]
            if dead:
                raise ComponentFailed(
                    ", ".join(f"the {p.name} process exited unexpectedly (exit code {p.exitcode})" for p in dead)
                )
            time.sleep(POLL_INTERVAL)
        logger.info("Stopping the node (%s)", stop_requested[0])
    except ComponentFailed as exc:
        logger.error("%s; stopping the node", exc)
        status = 1
    finally:
        _stop(processes)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    logger.info("Node stopped")
    return status
