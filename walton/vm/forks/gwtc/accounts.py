"""Gwtc's 6-field account and the account database that keeps coin age (spec §4.2, §8).

Account RLP: ``[nonce, balance, coinAge, fuBlockTime, storageRoot, codeHash]``. ``coinAge`` is in
wei·seconds; ``fuBlockTime`` ("final update block time") is the timestamp of the block that last
ran the accrual on the account.

``GwtcAccountDB`` is py-evm's ``AccountDB`` storing that layout, plus the operations Gwtc's
``core/state`` adds:

* ``accrue_coin_age(address, T)`` — ``UpdateCoinAge``: if ``fuBlockTime < T`` then
  ``coinAge += balance * (T - fuBlockTime)`` and ``fuBlockTime = T``. Gwtc runs it at the start of
  every ``AddBalance``/``SubBalance``, zero amounts included (the state calls it from
  ``delta_balance``).
* ``create_account(address)`` — ``CreateAccount``: a fresh object that keeps the old balance
  **and coin age**; ``fuBlockTime`` becomes 0.
* ``suicide(address)`` — ``Suicide``: balance and coin age become 0 (no accrual).
* emptiness also requires ``coinAge == 0`` (EIP-158 deletion, CALL/SELFDESTRUCT new-account gas).

All of these are journaled like balance changes, through py-evm's journal. One Gwtc quirk is
reproduced on top: the journal entry of ``Suicide`` does not record ``fuBlockTime``, so undoing a
self-destruct leaves the account's ``fuBlockTime`` nil. Gwtc encodes a nil value as 0 and
crashes on the next balance operation on that account in the same block; here the value becomes 0
and that operation raises ``GwtcPanic`` (the block can never have been accepted by Gwtc).
"""

from typing import Any, cast

import rlp
from eth.abc import AccountAPI, AtomicDatabaseAPI
from eth.constants import BLANK_ROOT_HASH, EMPTY_SHA3
from eth.db.account import AccountDB
from eth.typing import JournalDBCheckpoint
from eth_typing import Address, Hash32
from eth_utils import ValidationError, encode_hex
from rlp.sedes import Binary, big_endian_int

hash32 = Binary.fixed_length(32)


class GwtcAccount(rlp.Serializable, AccountAPI):
    """Gwtc's ``state.Account``: ``[nonce, balance, coinAge, fuBlockTime, storageRoot, codeHash]``."""

    fields = [
        ("nonce", big_endian_int),
        ("balance", big_endian_int),
        ("coin_age", big_endian_int),
        ("fu_block_time", big_endian_int),
        ("storage_root", hash32),
        ("code_hash", hash32),
    ]

    def __init__(
        self,
        nonce: int = 0,
        balance: int = 0,
        coin_age: int = 0,
        fu_block_time: int = 0,
        storage_root: bytes = BLANK_ROOT_HASH,
        code_hash: bytes = EMPTY_SHA3,
        **kwargs: Any,
    ) -> None:
        super().__init__(nonce, balance, coin_age, fu_block_time, storage_root, code_hash, **kwargs)

    def __repr__(self) -> str:
        return (
            f"GwtcAccount(nonce={self.nonce}, balance={self.balance}, coin_age={self.coin_age}, "
            f"fu_block_time={self.fu_block_time}, storage_root={encode_hex(self.storage_root)}, "
            f"code_hash={encode_hex(self.code_hash)})"
        )


def decode_account(encoded: bytes) -> GwtcAccount:
    return cast(GwtcAccount, rlp.decode(encoded, sedes=GwtcAccount))


def encode_account(account: GwtcAccount) -> bytes:
    return bytes(rlp.encode(account, sedes=GwtcAccount))


class GwtcPanic(ValidationError):
    """An operation that makes Gwtc crash (a nil-pointer panic): no Gwtc node ever accepted the block."""


class _Nil:
    """The nil ``*big.Int`` a reverted ``Suicide`` leaves in ``FUBlockTime``."""

    def __repr__(self) -> str:
        return "nil"


NIL = _Nil()
_SUICIDE = "suicide"

FuValue = int | _Nil


class GwtcAccountDB(AccountDB):
    """py-evm's ``AccountDB`` with Gwtc's account layout and coin-age operations."""

    def __init__(self, db: AtomicDatabaseAPI, state_root: Hash32 = BLANK_ROOT_HASH) -> None:
        super().__init__(db, state_root)
        # Gwtc's journal entries that touch FUBlockTime, to replay its undo order on revert:
        # (address, previous value) for a change, (address, "suicide") for a Suicide.
        self._fu_journal: list[tuple[Address, FuValue | str]] = []
        self._fu_marks: list[tuple[JournalDBCheckpoint, int]] = []
        # Accounts whose in-memory FUBlockTime is nil (until a write replaces it). Not journaled:
        # Gwtc's undo operations themselves are not journaled.
        self._fu_nil: set[Address] = set()

    # -- layout -----------------------------------------------------------------------------------
    def _get_account(self, address: Address, from_journal: bool = True) -> GwtcAccount:
        if from_journal and address in self._account_cache:
            return cast(GwtcAccount, self._account_cache[address])
        encoded = self._get_encoded_account(address, from_journal)
        account = decode_account(encoded) if encoded else GwtcAccount()
        if from_journal:
            self._account_cache[address] = cast(Any, account)
        return account

    def _set_account(self, address: Address, account: AccountAPI) -> None:
        self._account_cache[address] = cast(Any, account)
        self._journaltrie[address] = encode_account(cast(GwtcAccount, account))

    def get_account(self, address: Address) -> GwtcAccount:
        """The account as stored (a fresh empty account when absent)."""
        return self._get_account(address)

    # -- coin age ---------------------------------------------------------------------------------
    def get_coin_age(self, address: Address) -> int:
        return self._get_account(address).coin_age

    def set_coin_age(self, address: Address, coin_age: int) -> None:
        account = self._get_account(address)
        self._set_account(address, account.copy(coin_age=coin_age))

    def get_fu_block_time(self, address: Address) -> int:
        return self._get_account(address).fu_block_time

    def accrue_coin_age(self, address: Address, timestamp: int) -> None:
        """Gwtc's ``UpdateCoinAge(T)``: run before every balance add/sub, zero amounts included.

        Writes the account even when it does not exist yet (``GetOrNewStateObject``).
        """
        if address in self._fu_nil:
            raise GwtcPanic(
                f"balance change on {encode_hex(address)} whose FUBlockTime is nil after a reverted "
                "SELFDESTRUCT: Gwtc crashes (nil pointer dereference in UpdateCoinAge)"
            )
        account = self._get_account(address)
        if account.fu_block_time < timestamp:
            self._fu_journal.append((address, account.fu_block_time))
            self._set_account(
                address,
                account.copy(
                    coin_age=account.coin_age + account.balance * (timestamp - account.fu_block_time),
                    fu_block_time=timestamp,
                ),
            )
        elif not self.account_exists(address):
            self._set_account(address, account)

    def create_account(self, address: Address) -> None:
        """Gwtc's ``CreateAccount``: a fresh account keeping the old balance and coin age, fuBlockTime 0."""
        previous_fu: FuValue = NIL if address in self._fu_nil else self.get_fu_block_time(address)
        self._fu_journal.append((address, previous_fu))
        self._fu_nil.discard(address)
        if self.account_exists(address):
            old = self._get_account(address)
            if old.storage_root != BLANK_ROOT_HASH:
                self.delete_storage(address)
            fresh = GwtcAccount(balance=old.balance, coin_age=old.coin_age)
        else:
            fresh = GwtcAccount()
        self._set_account(address, fresh)

    def suicide(self, address: Address) -> None:
        """Gwtc's ``Suicide``: balance and coin age 0 (no accrual); journals no fuBlockTime."""
        account = self._get_account(address)
        self._fu_journal.append((address, _SUICIDE))
        self._set_account(address, account.copy(balance=0, coin_age=0))

    def account_is_empty(self, address: Address) -> bool:
        """Gwtc's ``empty()``: nonce 0, balance 0, coin age 0 and no code (fuBlockTime is ignored)."""
        account = self._get_account(address)
        return account.nonce == 0 and account.balance == 0 and account.coin_age == 0 and account.code_hash == EMPTY_SHA3

    # -- journal ----------------------------------------------------------------------------------
    def record(self) -> JournalDBCheckpoint:
        checkpoint = super().record()
        self._fu_marks.append((checkpoint, len(self._fu_journal)))
        return checkpoint

    def commit(self, checkpoint: JournalDBCheckpoint) -> None:
        super().commit(checkpoint)
        while self._fu_marks:
            if self._fu_marks.pop()[0] == checkpoint:
                break

    def discard(self, checkpoint: JournalDBCheckpoint) -> None:
        position = len(self._fu_journal)
        while self._fu_marks:
            marked, position = self._fu_marks.pop()
            if marked == checkpoint:
                break
        undone = self._fu_journal[position:]
        del self._fu_journal[position:]
        super().discard(checkpoint)
        # Gwtc undoes entries newest first, so an account ends with the value its oldest undone
        # entry restores: the previous value for a change, nil for a Suicide.
        restored: dict[Address, FuValue] = {}
        for address, previous in reversed(undone):
            restored[address] = NIL if previous == _SUICIDE else cast(FuValue, previous)
        for address, value in restored.items():
            if value is NIL:
                self._fu_nil.add(address)
            else:
                self._fu_nil.discard(address)
        for address in self._fu_nil:
            if self.account_exists(address):
                account = self._get_account(address)
                if account.fu_block_time != 0:
                    self._set_account(address, account.copy(fu_block_time=0))

    def lock_changes(self) -> None:
        super().lock_changes()
        self._fu_journal.clear()
        self._fu_marks = [(checkpoint, 0) for checkpoint, _ in self._fu_marks]

    def fu_block_time_is_nil(self, address: Address) -> bool:
        return address in self._fu_nil


__all__ = [
    "NIL",
    "GwtcAccount",
    "GwtcAccountDB",
    "GwtcPanic",
    "decode_account",
    "encode_account",
]
