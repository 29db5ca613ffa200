"""JSON-RPC errors with the codes and texts geth gives.

Every error a method handler raises is an ``RPCError``; ``to_dict()`` is the JSON-RPC error
object (``code``, ``message`` and, when there is one, ``data``). The codes:

- -32700 parse error, -32600 invalid request: the HTTP server's, for bodies that are not JSON-RPC.
- -32601 method not found, with geth's text "the method X does not exist/is not available".
- -32602 invalid params: wrong types, missing or extra arguments (geth's "invalid argument N: ...").
- -32603 internal error: a fault in the node, never the caller's.
- 3 execution reverted: ``data`` is the revert data as 0x hex, the message carries the decoded
  reason when it is a Solidity ``Error(string)`` or ``Panic(uint256)``.
- -32000 server error: what geth answers for everything else a request can run into (transaction
  pool rejections with the pool's message, unknown blocks, failed calls).
- -32005 limit exceeded (EIP-1474): a query larger than the node serves (eth_getLogs ranges).
"""

from typing import Any

from eth_utils import encode_hex

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
EXECUTION_REVERTED = 3
SERVER_ERROR = -32000
LIMIT_EXCEEDED = -32005

ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
PANIC_SELECTOR = bytes.fromhex("4e487b71")  # Panic(uint256)

# Solidity's panic codes, in geth's words (accounts/abi.panicReasons).
PANIC_REASONS = {
    0x00: "generic panic",
    0x01: "assert(false)",
    0x11: "arithmetic underflow or overflow",
    0x12: "division or modulo by zero",
    0x21: "enum overflow",
    0x22: "invalid encoded storage byte array accessed",
    0x31: "out-of-bounds array access; popping on an empty array",
    0x32: "out-of-bounds access of an array or bytesN",
    0x41: "out of memory",
    0x51: "uninitialized function",
}


class RPCError(Exception):
    """A JSON-RPC error: the method failed with ``code`` and ``message`` (and maybe ``data``)."""

    code: int = SERVER_ERROR
    default_message: str = "server error"

    def __init__(self, message: str | None = None, data: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        self.data = data
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error

    def as_error(self) -> dict[str, Any]:
        """The same as ``to_dict``: the JSON-RPC error object."""
        return self.to_dict()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code}, message={self.message!r}, data={self.data!r})"


RpcError = RPCError  # the spelling the chain process imports


class ParseError(RPCError):
    code = PARSE_ERROR
    default_message = "parse error"


class InvalidRequest(RPCError):
    code = INVALID_REQUEST
    default_message = "invalid request"


class MethodNotFound(RPCError):
    code = METHOD_NOT_FOUND

    def __init__(self, method: str) -> None:
        super().__init__(f"the method {method} does not exist/is not available")
        self.method = method


class InvalidParams(RPCError):
    code = INVALID_PARAMS
    default_message = "invalid params"


class InvalidArgument(InvalidParams):
    """geth's text for an argument that does not decode: ``invalid argument 0: hex string without 0x prefix``."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(f"invalid argument {index}: {reason}")
        self.index = index
        self.reason = reason


class InternalError(RPCError):
    code = INTERNAL_ERROR
    default_message = "internal error"


class ServerError(RPCError):
    code = SERVER_ERROR


class TxPoolRejected(ServerError):
    """The transaction pool refused a transaction: -32000 with the pool's message, as geth."""


class LimitExceeded(RPCError):
    code = LIMIT_EXCEEDED
    default_message = "limit exceeded"


def _read_word(data: bytes, offset: int) -> int:
    if offset + 32 > len(data):
        raise ValueError("out of range")
    return int.from_bytes(data[offset : offset + 32], "big")


def decode_revert_reason(output: bytes) -> str | None:
    """The reason a Solidity ``Error(string)`` or ``Panic(uint256)`` carries, or None for other data."""
    if len(output) < 4:
        return None
    selector, body = output[:4], output[4:]
    try:
        if selector == ERROR_SELECTOR:
            offset = _read_word(body, 0)
            length = _read_word(body, offset)
            if offset + 32 + length > len(body):
                return None
            return body[offset + 32 : offset + 32 + length].decode("utf-8")
        if selector == PANIC_SELECTOR and len(body) == 32:
            code = _read_word(body, 0)
            return PANIC_REASONS.get(code, f"unknown panic code: {code:#x}")
    except (ValueError, UnicodeDecodeError):
        return None
    return None


class ExecutionReverted(RPCError):
    """geth's revert error: code 3, "execution reverted[: reason]", data the revert output in hex."""

    code = EXECUTION_REVERTED

    def __init__(self, output: bytes) -> None:
        reason = decode_revert_reason(output)
        message = "execution reverted" if reason is None else f"execution reverted: {reason}"
        super().__init__(message, data=encode_hex(output))
        self.output = output
        self.reason = reason
