"""Unit tests of the swap and relay command-line pieces that need no chain: amounts, key files, lock checks."""

import argparse
from pathlib import Path

import pytest
from eth_account import Account

from walton.sidechains.relay_cli import parse_amount
from walton.sidechains.sender import ChainCallError, load_key
from walton.sidechains.swap import SwapError, SwapInfo, check_lock, new_secret

KEY = "0x" + "11" * 32
ADDRESS = Account.from_key(KEY).address
OTHER = Account.from_key("0x" + "22" * 32).address


@pytest.mark.parametrize(
    ("text", "wei"), [("1000", 1000), ("1.5wtc", 15 * 10**17), ("20gwei", 2 * 10**10), ("3 WTC", 3 * 10**18)]
)
def test_amounts(text: str, wei: int) -> None:
    assert parse_amount(text) == wei


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "0.0000000000000000001wtc", "two", "1e"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_amount(text)


def test_key_files(tmp_path: Path) -> None:
    plain = tmp_path / "plain.key"
    plain.write_text(KEY[2:] + "\n")
    assert load_key(plain).address == ADDRESS
    members = tmp_path / "members.keys"  # walton cluster's --authority-key format: the first key is used
    members.write_text(f"# members\n\n{KEY}  # {ADDRESS}\n0x{'22' * 32}  # {OTHER}\n")
    assert load_key(members).address == ADDRESS
    bad = tmp_path / "bad.key"
    bad.write_text("0x1234\n")
    with pytest.raises(ChainCallError, match="not a private key"):
        load_key(bad)


def test_a_counterparty_lock_is_checked() -> None:
    _, hash_lock = new_secret()
    lock = SwapInfo(b"\x01" * 32, OTHER, ADDRESS, 10, hash_lock, 1000, 1)
    check_lock(lock, ADDRESS, 10, hash_lock, 1000)
    with pytest.raises(SwapError, match="pays"):
        check_lock(lock, OTHER, 10, hash_lock, None)
    with pytest.raises(SwapError, match="less than the agreed 11"):
        check_lock(lock, ADDRESS, 11, hash_lock, None)
    with pytest.raises(SwapError, match="another hash lock"):
        check_lock(lock, ADDRESS, 10, b"\x00" * 32, None)
    with pytest.raises(SwapError, match="later than 999"):
        check_lock(lock, ADDRESS, 10, hash_lock, 999)
    claimed = SwapInfo(lock.swap_id, OTHER, ADDRESS, 10, hash_lock, 1000, 2)
    with pytest.raises(SwapError, match="is claimed, not locked"):
        check_lock(claimed, ADDRESS, 10, hash_lock, None)
