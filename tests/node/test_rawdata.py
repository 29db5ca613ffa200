"""The off-chain raw-data store: RocksDB by stamp, and its JSON-RPC methods on a real node process."""

from pathlib import Path

import pytest
from eth_hash.auto import keccak

import walton.node.rpc.rawdata_methods  # noqa: F401  (registers the walton_*RawData methods)
from tests.node.devchain import dev_backend
from tests.node.nodeproc import NodeProcess, rpc
from walton.node.rawdata import MAX_RAW_DATA_BYTES, RawDataStore, RawDataTooLarge, rawdata_path
from walton.node.rpc.errors import ServerError
from walton.node.rpc.methods import dispatch


def test_store_keys_by_stamp_refuses_oversize_and_survives_reopening(tmp_path: Path) -> None:
    store = RawDataStore(tmp_path / "rawdata")
    packet = b"\xa4any bytes at all"
    stamp = store.put(packet)
    assert stamp == keccak(packet)
    assert store.put(packet) == stamp  # the same bytes twice: one entry, same stamp
    assert store.get(stamp) == packet
    assert store.get(keccak(b"never stored")) is None
    assert store.put(b"") == keccak(b"") and store.get(keccak(b"")) == b""
    assert store.put(bytes(MAX_RAW_DATA_BYTES)) == keccak(bytes(MAX_RAW_DATA_BYTES))
    with pytest.raises(RawDataTooLarge, match=f"{MAX_RAW_DATA_BYTES + 1} bytes"):
        store.put(bytes(MAX_RAW_DATA_BYTES + 1))
    with pytest.raises(ValueError, match="32 bytes"):
        store.get(b"\x01" * 31)
    store.close()
    reopened = RawDataStore(tmp_path / "rawdata")
    assert reopened.get(stamp) == packet
    reopened.close()


@pytest.mark.xdist_group("rawdata-node")
@pytest.mark.timeout(180)
def test_json_rpc_put_and_get_on_a_running_node(tmp_path: Path) -> None:
    node = NodeProcess(tmp_path / "node")
    try:
        node.wait_ready()
        packet = bytes(range(256)) * 4
        answer = rpc(node.url, "walton_putRawData", ["0x" + packet.hex()])
        assert answer["result"] == "0x" + keccak(packet).hex()
        assert rpc(node.url, "walton_getRawData", [answer["result"]])["result"] == "0x" + packet.hex()
        assert rpc(node.url, "walton_getRawData", ["0x" + keccak(b"unknown").hex()])["result"] is None

        too_big = rpc(node.url, "walton_putRawData", ["0x" + "00" * (MAX_RAW_DATA_BYTES + 1)])["error"]
        assert too_big["code"] == -32602 and f"at most {MAX_RAW_DATA_BYTES}" in too_big["message"]
        for params in (["0x123"], ["deadbeef"], [], ["0x00", "0x00"]):
            assert rpc(node.url, "walton_putRawData", params)["error"]["code"] == -32602
        for params in (["0x" + "11" * 31], ["0xzz"], [7]):
            assert rpc(node.url, "walton_getRawData", params)["error"]["code"] == -32602
    finally:
        assert node.stop() == 0
    assert (rawdata_path(node.datadir)).is_dir()
    restarted = NodeProcess(node.datadir)
    try:
        restarted.wait_ready()
        stamp = "0x" + keccak(packet).hex()
        assert rpc(restarted.url, "walton_getRawData", [stamp])["result"] == "0x" + packet.hex()
    finally:
        assert restarted.stop() == 0


def test_a_backend_without_a_store_says_so(tmp_path: Path) -> None:
    backend = dev_backend()
    with pytest.raises(ServerError, match="no raw-data store"):
        dispatch(backend, "walton_getRawData", ["0x" + "11" * 32])
    backend.rawdata = RawDataStore(rawdata_path(tmp_path))
    stamp = dispatch(backend, "walton_putRawData", ["0xc0ffee"])
    assert dispatch(backend, "walton_getRawData", [stamp]) == "0xc0ffee"
    backend.rawdata.close()
