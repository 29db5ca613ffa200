"""The off-chain raw-data store: sensor packets and other device data, keyed by their stamp.

A device puts only a stamp (keccak256 of its packet) on chain; the packet itself goes here, in a
RocksDB folder of its own (``<datadir>/rawdata``), so anyone can fetch it by stamp and check it
against the chain. The store accepts any bytes up to ``MAX_RAW_DATA_BYTES``: it is not an
authority, only a place to find data. Whether a packet is genuine is decided on chain: its stamp
must be recorded by the stamp precompile (or included in a recorded gateway batch) with a valid
signature of a registered device. Since the key is the hash of the value, a stored entry can never
be replaced by different data, and storing the same bytes twice is harmless.

The chain process owns the store. It is a separate database with its own write-ahead log, never
part of a block's atomic write, so block import neither waits for it nor grows with it. Writes go
to the write-ahead log without an fsync: an acknowledged put survives the process being killed; an
operating-system crash may lose the last puts, which their devices can upload again (the chain
still holds their stamps).
"""

from pathlib import Path

from eth_hash.auto import keccak
from rocksdict import AccessType, Options, Rdict

MAX_RAW_DATA_BYTES = 64 * 1024
STAMP_LENGTH = 32


class RawDataTooLarge(ValueError):
    """A put beyond the store's size limit."""


def rawdata_path(datadir: Path) -> Path:
    return datadir / "rawdata"


class RawDataStore:
    """Bytes by stamp in a RocksDB folder; ``put`` returns the stamp, ``get`` the bytes or None."""

    def __init__(self, path: Path, max_bytes: int = MAX_RAW_DATA_BYTES) -> None:
        path.mkdir(parents=True, exist_ok=True)
        options = Options(raw_mode=True)
        options.create_if_missing(True)
        self.path = path
        self.max_bytes = max_bytes
        self._db = Rdict(str(path), options=options, access_type=AccessType.read_write())

    def put(self, data: bytes) -> bytes:
        if len(data) > self.max_bytes:
            raise RawDataTooLarge(f"raw data is {len(data)} bytes, the store takes at most {self.max_bytes}")
        stamp = keccak(data)
        if self._db.get(stamp) is None:
            self._db.put(stamp, data)
        return stamp

    def get(self, stamp: bytes) -> bytes | None:
        if len(stamp) != STAMP_LENGTH:
            raise ValueError(f"a stamp is {STAMP_LENGTH} bytes, got {len(stamp)}")
        value = self._db.get(stamp)
        return None if value is None else bytes(value)

    def close(self) -> None:
        self._db.close()
