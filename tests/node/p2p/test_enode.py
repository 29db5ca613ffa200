import pytest
from eth_keys.datatypes import PrivateKey

from walton.node.p2p import enode
from walton.node.p2p.enode import ENode, parse_enode

KEY = PrivateKey(b"\x42" * 32).public_key
HEX = KEY.to_bytes().hex()


def test_ipv4_and_ipv6_urls_round_trip() -> None:
    node = parse_enode(f"enode://{HEX}@27.102.130.163:10101")
    assert node == ENode(KEY, "27.102.130.163", 10101, 10101)
    assert node.node_id == KEY.to_bytes()
    assert str(node) == f"enode://{HEX}@27.102.130.163:10101"
    node = parse_enode(f"enode://{HEX.upper()}@[2001:db8::1]:30303?discport=30301")
    assert (node.host, node.tcp_port, node.udp_port) == ("2001:db8::1", 30303, 30301)
    assert str(node) == f"enode://{HEX}@[2001:db8::1]:30303?discport=30301"
    assert parse_enode(str(node)) == node


def test_dns_names_resolve() -> None:
    node = parse_enode(f"enode://{HEX}@localhost:10101")
    addresses = enode.resolve_host("localhost")
    assert node.host == (addresses[1] if len(addresses) > 1 else addresses[0])
    assert node.host in ("127.0.0.1", "::1")


def test_a_name_with_several_addresses_uses_the_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit test with a stubbed resolver (no DNS server here): Gwtc takes the second address, not the first."""
    monkeypatch.setattr(enode, "resolve_host", lambda host: ["203.0.113.1", "203.0.113.2", "203.0.113.3"])
    assert parse_enode(f"enode://{HEX}@boot.example.org:10101").host == "203.0.113.2"
    monkeypatch.setattr(enode, "resolve_host", lambda host: ["203.0.113.9"])
    assert parse_enode(f"enode://{HEX}@boot.example.org:10101").host == "203.0.113.9"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("", "expected enode://"),
        (f"enode://{HEX}", "expected enode://"),
        (f"enode://{HEX[:-2]}@1.2.3.4:10101", "expected enode://"),
        (f"enode://{HEX}zz@1.2.3.4:10101", "expected enode://"),
        (f"http://{HEX}@1.2.3.4:10101", "expected enode://"),
        (f"enode://{HEX}@1.2.3.4", "expected enode://"),
        (f"enode://{HEX}@1.2.3.4:70000", "port 70000 out of range"),
        (f"enode://{HEX}@1.2.3.4:0", "out of range"),
        (f"enode://{HEX}@1.2.3.4:10101?discport=abc", "bad discport"),
        (f"enode://{'ff' * 64}@1.2.3.4:10101", "not a secp256k1 public key"),
        (f"enode://{HEX}@no-such-host.invalid:10101", "cannot resolve"),
    ],
)
def test_bad_urls_give_clear_errors(url: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_enode(url)
