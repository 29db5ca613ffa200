"""geth's ``admin_nodeInfo``, ``admin_peers`` and ``admin_addPeer``, answered from the peer-to-peer component.

Importing this module registers the methods (the chain process does).
"""

from typing import Any

from walton.node.backend import NodeBackend, PeerNetwork
from walton.node.rpc.errors import InvalidParams, ServerError
from walton.node.rpc.methods import Param, decode_string, rpc_method


def _service(backend: NodeBackend) -> PeerNetwork:
    if backend.network_service is None:
        raise ServerError("peer-to-peer networking is not running")
    return backend.network_service


@rpc_method("admin_nodeInfo")
def admin_node_info(backend: NodeBackend) -> dict[str, Any]:
    return _service(backend).node_info()


@rpc_method("admin_peers")
def admin_peers(backend: NodeBackend) -> list[dict[str, Any]]:
    return _service(backend).peers_info()


@rpc_method("admin_addPeer", Param(decode_string))
def admin_add_peer(backend: NodeBackend, url: str) -> bool:
    """Dial ``url`` now and keep it as a static peer; true as geth answers (the dial itself is asynchronous)."""
    try:
        _service(backend).add_static(url)
    except ValueError as exc:
        raise InvalidParams(str(exc)) from exc
    return True
