"""Child-chain templates: write the short TOML config a child chain runs from, and member key files.

The config format and the network it defines live in ``walton.vm.networks.child`` (the VM floor,
so ``walton node --network child.toml`` and ``walton init`` read it); this module makes configs:
``authority`` (a permissioned chain sealed in turn by its members) or ``wpoc`` (its own X11 proof
of work with stake). Member keys are generated fresh from the OS's random source and written with
owner-only permissions; the public dev keys are never members.
"""

import json
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eth_keys.datatypes import PrivateKey
from eth_keys.exceptions import ValidationError as KeyValidationError
from eth_typing import Address

from walton.vm.networks.child import TEMPLATES, ChildNetwork, load_child_network, parse_child_config
from walton.vm.networks.dev import DEV_MINIMUM_DIFFICULTY

__all__ = [
    "TEMPLATES",
    "ChildNetwork",
    "ChildTemplate",
    "generate_keys",
    "key_address",
    "load_child_network",
    "render_config",
    "write_key_file",
]


@dataclass(frozen=True)
class ChildTemplate:
    """What a new child config says: the template and the few values it needs."""

    name: str
    chain_id: int
    template: str
    members: tuple[Address, ...] = ()
    minimum_difficulty: int = DEV_MINIMUM_DIFFICULTY
    alloc: Mapping[Address, int] | None = None
    dev: bool = False
    block_reward: int = 0


def _address_text(address: Address) -> str:
    return "0x" + bytes(address).hex()


def render_config(template: ChildTemplate) -> str:
    """The TOML text of ``template``; checked by parsing it back, so a written config always loads."""
    if template.template not in TEMPLATES:
        raise ValueError(f"template: one of {', '.join(TEMPLATES)}, got {template.template!r}")
    lines = [
        f"# walton child chain {template.name!r} ({template.template} template)",
        "[chain]",
        f"name = {json.dumps(template.name)}",  # a TOML basic string: JSON's escapes
        f"chain_id = {template.chain_id}",
        f'template = "{template.template}"',
    ]
    if template.dev:
        lines.append("dev = true  # prefunds the public dev accounts: local clusters only")
    if template.template == "authority":
        if template.block_reward:
            lines.append(f"block_reward = {template.block_reward}")
        lines += ["", "[authority]", "members = ["]
        lines += [f'    "{_address_text(member)}",' for member in template.members]
        lines.append("]")
    else:
        lines += ["", "[wpoc]", f"minimum_difficulty = {template.minimum_difficulty}"]
    if template.alloc:
        lines += ["", "[alloc]"]
        lines += [f'"{_address_text(address)}" = "{balance}"' for address, balance in template.alloc.items()]
    text = "\n".join(lines) + "\n"
    parse_child_config(tomllib.loads(text))  # refuses bad values with the field's name
    return text


def generate_keys(count: int) -> tuple[PrivateKey, ...]:
    """Fresh secp256k1 keys from the OS's random source."""
    keys: list[PrivateKey] = []
    while len(keys) < count:
        try:
            keys.append(PrivateKey(os.urandom(32)))
        except KeyValidationError:  # a value outside the curve order: astronomically rare, draw again
            continue
    return tuple(keys)


def key_address(key: PrivateKey) -> Address:
    return Address(key.public_key.to_canonical_address())


def write_key_file(path: Path, keys: Sequence[PrivateKey]) -> None:
    """One hex key a line (the ``--authority-key`` format), readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        for key in keys:
            handle.write(f"0x{key.to_bytes().hex()}  # {_address_text(key_address(key))}\n")
