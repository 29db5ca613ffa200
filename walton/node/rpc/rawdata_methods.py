"""JSON-RPC methods of the off-chain raw-data store (``walton.node.rawdata``).

``walton_putRawData(data)`` stores up to 64 KiB and answers the stamp (keccak256 of the data);
``walton_getRawData(stamp)`` answers the data, or null when the store does not have it. Importing
this module registers them (the chain process does).
"""

from walton.node.backend import NodeBackend
from walton.node.rawdata import RawDataStore, RawDataTooLarge
from walton.node.rpc.errors import InvalidArgument, ServerError
from walton.node.rpc.methods import Param, decode_data, decode_hash, to_data, walton_method


def _store(backend: NodeBackend) -> RawDataStore:
    if backend.rawdata is None:
        raise ServerError("this node keeps no raw-data store")
    return backend.rawdata


@walton_method("walton_putRawData", Param(decode_data))
def walton_put_raw_data(backend: NodeBackend, data: bytes) -> str:
    """Store raw device data off chain; the answer is its stamp, the key to fetch it and check it on chain."""
    store = _store(backend)
    try:
        return to_data(store.put(data))
    except RawDataTooLarge as error:
        raise InvalidArgument(0, str(error)) from None


@walton_method("walton_getRawData", Param(decode_hash))
def walton_get_raw_data(backend: NodeBackend, stamp: bytes) -> str | None:
    """The raw data stored under ``stamp``, or null; callers check it hashes to the stamp they asked for."""
    data = _store(backend).get(stamp)
    return None if data is None else to_data(data)
