"""Events the node's processes exchange over the lahja bus."""

from dataclasses import dataclass
from typing import Any

from lahja import BaseEvent, BaseRequestResponseEvent


@dataclass
class RpcResponse(BaseEvent):
    """A method's JSON-ready result, or a JSON-RPC error object (``code``, ``message``, ``data``)."""

    result: Any = None
    error: dict[str, Any] | None = None


@dataclass
class RpcRequest(BaseRequestResponseEvent[RpcResponse]):
    """One JSON-RPC call, forwarded by the RPC process to the chain process that answers it."""

    method: str
    params: Any

    @staticmethod
    def expected_response_type() -> type[RpcResponse]:
        return RpcResponse
