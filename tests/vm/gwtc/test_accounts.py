"""The 6-field Gwtc account (spec §8.1): account_rlp.json vectors and the account database layout."""

from typing import Any

import pytest
import rlp
from eth.db.atomic import AtomicDB
from eth_hash.auto import keccak
from trie import HexaryTrie

from tests.shared import shared_vector_params
from tests.vm.gwtc.chains import hex_bytes, quantity
from walton.vm.forks.gwtc.accounts import GwtcAccount, GwtcAccountDB, decode_account, encode_account

ACCOUNT_VECTORS = shared_vector_params(
    ("waltonchain", "account_rlp.json"),
    keep=lambda vector: True,
    id_of=lambda vector: f"nonce{vector['nonce']}-coinage{vector['coinAge'][:12]}",
)


@pytest.mark.parametrize("vector", ACCOUNT_VECTORS)
def test_account_vector(vector: Any) -> None:
    encoded = hex_bytes(vector["rlp"])
    account = decode_account(encoded)
    assert account.nonce == quantity(vector["nonce"])
    assert account.balance == quantity(vector["balance"])
    assert account.coin_age == quantity(vector["coinAge"])
    assert account.fu_block_time == quantity(vector["fuBlockTime"])
    assert account.storage_root == hex_bytes(vector["storageRoot"])
    assert account.code_hash == hex_bytes(vector["codeHash"])
    rebuilt = GwtcAccount(
        nonce=account.nonce,
        balance=account.balance,
        coin_age=account.coin_age,
        fu_block_time=account.fu_block_time,
        storage_root=account.storage_root,
        code_hash=account.code_hash,
    )
    assert encode_account(rebuilt) == encoded


def test_account_has_six_items_in_gwtc_order() -> None:
    account = GwtcAccount(nonce=1, balance=2, coin_age=3, fu_block_time=4)
    items = rlp.decode(encode_account(account))
    assert len(items) == 6
    assert [int.from_bytes(item, "big") for item in items[:4]] == [1, 2, 3, 4]


def test_account_db_stores_the_gwtc_layout_in_the_secure_trie() -> None:
    db = AtomicDB()
    accounts = GwtcAccountDB(db)
    address = b"\x11" * 20
    accounts.set_balance(address, 10**18)
    accounts.accrue_coin_age(address, 1000)
    accounts.persist()
    stored = HexaryTrie(db, accounts.state_root)[keccak(address)]
    # fuBlockTime was 0, so the first accrual counts the balance since time 0.
    assert decode_account(stored) == GwtcAccount(balance=10**18, coin_age=10**18 * 1000, fu_block_time=1000)
