"""enode URLs: ``enode://<128 hex digits of the node's public key>@<host>:<tcp port>[?discport=<udp port>]``.

Gwtc resolves a DNS host name when it parses the URL (go-ethereum 1.7.1 accepts IP addresses only) and, when the
name has several addresses, takes the second one; we do the same so a configured bootnode name reaches the same
machine as with Gwtc.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import parse_qs

import coincurve
from eth_keys.datatypes import PublicKey

_ENODE = re.compile(
    r"enode://(?P<id>[0-9a-fA-F]{128})@(?:\[(?P<ipv6>[0-9a-fA-F:.]+)\]|(?P<host>[^:/?\[\]@]+)):(?P<port>\d{1,5})"
    r"(?:\?(?P<query>.*))?"
)


@dataclass(frozen=True)
class ENode:
    public_key: PublicKey
    host: str
    tcp_port: int
    udp_port: int

    @property
    def node_id(self) -> bytes:
        return self.public_key.to_bytes()

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = "" if self.udp_port == self.tcp_port else f"?discport={self.udp_port}"
        return f"enode://{self.node_id.hex()}@{host}:{self.tcp_port}{query}"


def public_key_from_id(node_id: bytes) -> PublicKey:
    """The public key a 64-byte node id stands for; ValueError if it is not a point on secp256k1.

    eth-keys takes any 64 bytes, so the curve check happens here, before a bad id reaches ECDH.
    """
    if len(node_id) != 64:
        raise ValueError(f"node id of {len(node_id)} bytes, expected 64")
    try:
        coincurve.PublicKey(b"\x04" + node_id)
    except ValueError as exc:
        raise ValueError("node id is not a secp256k1 public key") from exc
    return PublicKey(node_id)


def resolve_host(host: str) -> list[str]:
    """The distinct addresses of `host` in the resolver's order (IPv4 and IPv6, like Go's net.LookupIP)."""
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _port(text: str, what: str) -> int:
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError(f"{what} {port} out of range")
    return port


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parse_enode(url: str) -> ENode:
    """Parse and resolve an enode URL; raises ValueError saying what is wrong with it."""
    match = _ENODE.fullmatch(url.strip())
    if match is None:
        raise ValueError(
            f"invalid enode URL {url!r}: expected enode://<128 hex digits>@<host>:<port>[?discport=<port>]"
        )
    try:
        public_key = public_key_from_id(bytes.fromhex(match["id"]))
    except ValueError as exc:
        raise ValueError(f"invalid enode URL {url!r}: {exc}") from exc
    tcp_port = _port(match["port"], "port")
    udp_port = tcp_port
    if match["query"]:
        query = parse_qs(match["query"], strict_parsing=False)
        if "discport" in query:
            try:
                udp_port = _port(query["discport"][0], "discport")
            except ValueError as exc:
                raise ValueError(f"invalid enode URL {url!r}: bad discport: {exc}") from exc
    host = match["ipv6"] or match["host"]
    if _is_ip(host):
        return ENode(public_key, str(ipaddress.ip_address(host)), tcp_port, udp_port)
    try:
        addresses = resolve_host(host)
    except OSError as exc:
        raise ValueError(f"invalid enode URL {url!r}: cannot resolve host {host!r}: {exc}") from exc
    if not addresses:
        raise ValueError(f"invalid enode URL {url!r}: host {host!r} has no addresses")
    ip = ipaddress.ip_address(addresses[1] if len(addresses) > 1 else addresses[0])
    return ENode(public_key, str(ip), tcp_port, udp_port)
