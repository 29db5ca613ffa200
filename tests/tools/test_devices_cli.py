"""`walton device keygen` and the device commands' refusals, without a node."""

import json
import stat
from pathlib import Path

import pytest

from walton import cli
from walton.hardware.identity import KeyType, device_id
from walton.tools.devices_cli import read_key_file


def test_keygen_writes_a_private_key_file_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tag.json"
    assert (
        cli.main(
            [
                "device",
                "keygen",
                "--type",
                "p256",
                "--out",
                str(path),
                "--epc",
                "urn:epc:id:sgtin:0614141.812345.6789",
                "--json",
            ]
        )
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert "privateKey" not in shown and shown["epcHex"] == "3034257BF7194E4000001A85"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = read_key_file(path)
    assert key.key_type == KeyType.P256
    assert "0x" + device_id(key.key_type, key.public_key).hex() == shown["deviceId"]
    before = path.read_text()
    assert cli.main(["device", "keygen", "--out", str(path)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert path.read_text() == before
    assert cli.main(["device", "keygen", "--out", str(path), "--force"]) == 0
    assert read_key_file(path).key_type == KeyType.SECP256K1


def test_bad_inputs_get_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    assert cli.main(["device", "register", str(broken), "--rpc", "http://127.0.0.1:9"]) == 2
    assert "not a walton device key file" in capsys.readouterr().err
    assert cli.main(["device", "keygen", "--out", str(tmp_path / "x.json"), "--epc", "urn:epc:id:sgtin:1.2.3"]) == 2
    assert "not an SGTIN URI" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
    assert cli.main(["stamp", "verify", "0x00", "--rpc", "http://127.0.0.1:9"]) == 2
    assert "no node answers" in capsys.readouterr().err
    assert cli.main(["device", "simulate", "--kind", "rfid", "--count", "0", "--rpc", "http://127.0.0.1:9"]) == 2
    assert "--count must be at least 1" in capsys.readouterr().err
