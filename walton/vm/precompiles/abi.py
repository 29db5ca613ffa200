"""Solidity ABI declarations for Walton's stateful precompiles: selectors, topics, ABI JSON, storage slots.

A declaration reads like Solidity, ``"register(bytes32 device, address owner, bytes key)"``: the
canonical signature (types only) gives the selector or topic, the names go into the ABI JSON that
web3.py users load. Parameters are flat ABI types (no tuples), which every precompile here needs.
"""

from dataclasses import dataclass
from typing import Any

from eth_hash.auto import keccak


@dataclass(frozen=True)
class Parameter:
    type: str
    name: str


def parse_declaration(declaration: str) -> tuple[str, tuple[Parameter, ...]]:
    """``name(type a, type b)`` -> (name, parameters)."""
    name, inside = declaration.split("(", 1)
    inside = inside.rstrip().removesuffix(")")
    parameters = []
    for position, part in enumerate(filter(None, (piece.strip() for piece in inside.split(",")))):
        kind, _, label = part.partition(" ")
        parameters.append(Parameter(kind, label.strip() or f"arg{position}"))
    return name.strip(), tuple(parameters)


def canonical_signature(name: str, parameters: tuple[Parameter, ...]) -> str:
    return f"{name}({','.join(parameter.type for parameter in parameters)})"


def function_selector(signature: str) -> bytes:
    return keccak(signature.encode())[:4]


def storage_slot(namespace: str, *keys: bytes | int) -> bytes:
    """The slot of ``namespace[key1][key2]…``: keccak of the namespace and each key as a 32-byte word."""
    words = b"".join(key.to_bytes(32, "big") if isinstance(key, int) else key.rjust(32, b"\0") for key in keys)
    return keccak(namespace.encode() + words)


def abi_parameters(parameters: tuple[Parameter, ...], indexed: int = -1) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for position, parameter in enumerate(parameters):
        entry: dict[str, Any] = {"name": parameter.name, "type": parameter.type}
        if indexed >= 0:
            entry["indexed"] = position < indexed
        entries.append(entry)
    return entries
