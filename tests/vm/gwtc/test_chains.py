"""The three shared chains imported with full validation reproduce Gwtc bit for bit.

Head, every block hash and state root, every account Gwtc reported (balance, nonce, coinAge,
fuBlockTime, code, storage), the full state dumps at several heights, and every receipt.
"""

from typing import Any

import pytest
from eth_hash.auto import keccak
from trie import HexaryTrie
from trie.iter import NodeIterator

from tests.vm.gwtc.chains import chain_fixture, chain_params, hex_bytes, imported_chain, quantity
from walton.vm.forks.gwtc.accounts import GwtcAccountDB
from walton.vm.forks.gwtc.chainfile import encode_block

CHAINS = chain_params()


@pytest.mark.parametrize("name", CHAINS)
def test_head_matches_gwtc(name: str) -> None:
    fixture = chain_fixture(name)
    head = imported_chain(name).get_canonical_head()
    expected = fixture.summary["head"]
    assert head.block_number == quantity(expected["number"])
    assert head.hex_hash == expected["hash"]
    assert head.state_root == hex_bytes(expected["stateRoot"])
    assert head.difficulty == quantity(expected["difficulty"])
    assert imported_chain(name).get_score(head.hash) == quantity(expected["totalDifficulty"])


@pytest.mark.parametrize("name", CHAINS)
def test_every_block_hash_and_state_root(name: str) -> None:
    fixture = chain_fixture(name)
    chain = imported_chain(name)
    for expected, listed in zip(fixture.blocks, fixture.summary["blocks"], strict=True):
        header = chain.get_canonical_block_header_by_number(quantity(expected["number"]))
        assert header.hex_hash == expected["hash"] == listed["hash"]
        assert header.state_root == hex_bytes(expected["header"]["stateRoot"]) == hex_bytes(listed["stateRoot"])
        assert header.mining_hash == hex_bytes(expected["hashNoNonce"])
        assert fixture.network.heights.phase(header.block_number) == expected["phase"]


@pytest.mark.parametrize("name", CHAINS)
def test_blocks_reencode_byte_for_byte(name: str) -> None:
    fixture = chain_fixture(name)
    for number, raw in enumerate(fixture.raw_blocks):
        assert encode_block(fixture.block(number)) == raw


def _account_db(name: str, state_root: bytes) -> GwtcAccountDB:
    return GwtcAccountDB(imported_chain(name).chaindb.db, state_root)


@pytest.mark.parametrize("name", CHAINS)
def test_accounts_at_head(name: str) -> None:
    fixture = chain_fixture(name)
    accounts = _account_db(name, imported_chain(name).get_canonical_head().state_root)
    assert fixture.summary["accountsAtHead"]
    for address_text, expected in fixture.summary["accountsAtHead"].items():
        address = hex_bytes(address_text)
        account = accounts.get_account(address)
        assert account.balance == quantity(expected["balance"]), address_text
        assert account.nonce == quantity(expected["nonce"]), address_text
        assert account.coin_age == quantity(expected["coinAge"]), address_text
        assert account.fu_block_time == quantity(expected["fuBlockTime"]), address_text
        assert accounts.get_code(address) == hex_bytes(expected["code"]), address_text
        for slot, value in expected["storage"].items():
            assert accounts.get_storage(address, quantity(slot)) == quantity(value), (address_text, slot)


@pytest.mark.parametrize("name", CHAINS)
def test_state_dumps(name: str) -> None:
    """Every account of every dump, and no account more: the trie holds exactly the dumped keys."""
    fixture = chain_fixture(name)
    chain = imported_chain(name)
    assert fixture.summary["stateDumps"]
    for height, dump in fixture.summary["stateDumps"].items():
        header = chain.get_canonical_block_header_by_number(quantity(height))
        assert header.state_root == hex_bytes(dump["stateRoot"])
        accounts = _account_db(name, header.state_root)
        for address_text, expected in dump["accounts"].items():
            account = accounts.get_account(hex_bytes(address_text))
            got = (account.balance, account.nonce, account.coin_age, account.fu_block_time)
            want = tuple(quantity(expected[key]) for key in ("balance", "nonce", "coinAge", "fuBlockTime"))
            assert got == want, (height, address_text)
        trie_keys = set(NodeIterator(HexaryTrie(chain.chaindb.db, header.state_root)).keys())
        assert trie_keys == {keccak(hex_bytes(address)) for address in dump["accounts"]}, height


def _logs(receipt: Any) -> list[tuple[bytes, tuple[int, ...], bytes]]:
    return [(log.address, tuple(log.topics), log.data) for log in receipt.logs]


@pytest.mark.parametrize("name", CHAINS)
def test_receipts(name: str) -> None:
    fixture = chain_fixture(name)
    chain = imported_chain(name)
    for expected in fixture.summary["transactions"]:
        transaction_hash = hex_bytes(expected["hash"])
        receipt = chain.get_transaction_receipt(transaction_hash)
        block_number, index = chain.chaindb.get_transaction_index(transaction_hash)
        assert block_number == quantity(expected["blockNumber"])
        assert index == quantity(expected["transactionIndex"])
        assert receipt.state_root == (b"\x01" if expected["status"] == "0x1" else b""), expected["label"]
        assert receipt.gas_used == quantity(expected["cumulativeGasUsed"]), expected["label"]
        want_logs = [
            (hex_bytes(log["address"]), tuple(quantity(topic) for topic in log["topics"]), hex_bytes(log["data"]))
            for log in expected["logs"]
        ]
        assert _logs(receipt) == want_logs, expected["label"]
