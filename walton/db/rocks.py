"""RocksDB (through rocksdict) behind py-evm's atomic database interface.

Every ``atomic_batch`` becomes one RocksDB ``WriteBatch``, written with the WAL synced, so a
process killed at any moment leaves either all of a batch on disk or none of it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eth.abc import AtomicWriteBatchAPI
from eth.db.atomic import AtomicDBWriteBatch
from eth.db.backends.base import BaseAtomicDB
from rocksdict import AccessType, Options, Rdict, WriteBatch, WriteOptions


class RocksDBWriteBatch(AtomicDBWriteBatch):
    """A write batch whose commit goes to RocksDB as one atomic WriteBatch."""

    def __init__(self, db: "RocksDB") -> None:
        super().__init__(db)
        self._rocks = db

    def _commit(self) -> None:
        batch = WriteBatch(raw_mode=True)
        pending, deleted = self._diff().pending_items(), self._diff().deleted_keys()
        for key, value in pending:
            batch.put(key, value)
        for key in deleted:
            batch.delete(key)
        self._rocks.write_batch(batch)


class RocksDB(BaseAtomicDB):
    """A py-evm atomic database stored in a RocksDB folder."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        path.mkdir(parents=True, exist_ok=True)
        options = Options(raw_mode=True)
        options.create_if_missing(True)
        access = AccessType.read_only() if read_only else AccessType.read_write()
        self.path = path
        self._db = Rdict(str(path), options=options, access_type=access)
        self._sync_writes = WriteOptions()
        self._sync_writes.sync = True

    def __getitem__(self, key: bytes) -> bytes:
        value = self._db.get(key)
        if value is None:
            raise KeyError(key)
        return bytes(value)

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self._db.put(key, value, self._sync_writes)

    def __delitem__(self, key: bytes) -> None:
        if not self._exists(key):
            raise KeyError(key)
        self._db.delete(key, self._sync_writes)

    def _exists(self, key: bytes) -> bool:
        return self._db.get(key) is not None

    def write_batch(self, batch: WriteBatch) -> None:
        self._db.write(batch, self._sync_writes)

    @contextmanager
    def atomic_batch(self) -> Iterator[AtomicWriteBatchAPI]:
        with RocksDBWriteBatch._commit_unless_raises(self) as readable_batch:
            yield readable_batch

    def close(self) -> None:
        self._db.close()
