"""One atomic database write per imported block.

py-evm writes a block in several batches (state, then header, body, receipts, canonical head).
``BlockWriteDB`` collects everything written inside ``block_write()`` in memory, serves reads
from that overlay, and then hands it to the underlying store as a single atomic write. A process
killed at any point therefore leaves the block either wholly stored or not at all.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from eth.abc import AtomicDatabaseAPI, AtomicWriteBatchAPI
from eth.db.atomic import AtomicDBWriteBatch
from eth.db.backends.base import BaseAtomicDB

_DELETED = None


class BlockWriteDB(BaseAtomicDB):
    """An atomic database whose writes inside ``block_write()`` reach ``store`` in one batch."""

    def __init__(self, store: AtomicDatabaseAPI) -> None:
        self.store = store
        self._overlay: dict[bytes, bytes | None] | None = None

    def __getitem__(self, key: bytes) -> bytes:
        if self._overlay is not None and key in self._overlay:
            value = self._overlay[key]
            if value is _DELETED:
                raise KeyError(key)
            return value
        return self.store[key]

    def __setitem__(self, key: bytes, value: bytes) -> None:
        if self._overlay is not None:
            self._overlay[key] = value
        else:
            self.store[key] = value

    def __delitem__(self, key: bytes) -> None:
        if not self._exists(key):
            raise KeyError(key)
        if self._overlay is not None:
            self._overlay[key] = _DELETED
        else:
            del self.store[key]

    def _exists(self, key: bytes) -> bool:
        if self._overlay is not None and key in self._overlay:
            return self._overlay[key] is not _DELETED
        return key in self.store

    @contextmanager
    def atomic_batch(self) -> Iterator[AtomicWriteBatchAPI]:
        with AtomicDBWriteBatch._commit_unless_raises(self) as batch:
            yield batch

    @contextmanager
    def block_write(self) -> Iterator[None]:
        """Buffer every write in the block; store them all at once on success, none on error."""
        if self._overlay is not None:
            raise RuntimeError("block writes do not nest")
        self._overlay = {}
        try:
            yield
            overlay = self._overlay
        finally:
            self._overlay = None
        with self.store.atomic_batch() as batch:
            for key, value in overlay.items():
                if value is _DELETED:
                    if key in batch:
                        del batch[key]
                else:
                    batch[key] = value
