"""``walton import | account | export | pow`` on the shared Gwtc chains."""

import json
from pathlib import Path
from typing import Any

import pytest
import rlp

from tests.vm.gwtc.chains import ChainFixture, chain_fixture, chain_params, hex_bytes
from walton.cli import main
from walton.vm.forks.gwtc.chainfile import encode_block
from walton.vm.forks.gwtc.headers import encode_header

CHAINS = chain_params()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out.strip().splitlines(), captured.err


def network_args(fixture: ChainFixture) -> list[str]:
    return ["--genesis", str(fixture.genesis_path), *fixture.height_options()]


@pytest.mark.parametrize("name", CHAINS)
def test_import_prints_gwtc_head(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = chain_fixture(name)
    status, out, err = run(capsys, "import", *network_args(fixture), str(fixture.chain_path))
    assert status == 0, err
    head = fixture.summary["head"]
    assert json.loads(out[-1]) == {
        "number": int(head["number"], 16),
        "hash": head["hash"],
        "stateRoot": head["stateRoot"],
    }
    assert "block" in err  # the tqdm progress bar


@pytest.mark.parametrize("name", CHAINS)
def test_account_command_matches_gwtc(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = chain_fixture(name)
    address, expected = next(iter(fixture.summary["accountsAtHead"].items()))
    status, out, err = run(capsys, "account", *network_args(fixture), "--no-progress", str(fixture.chain_path), address)
    assert status == 0, err
    account = json.loads(out[-1])
    for key in ("balance", "nonce", "coinAge", "fuBlockTime"):
        assert int(account[key], 16) == int(expected[key], 16), key


def test_import_with_account_option(capsys: pytest.CaptureFixture[str]) -> None:
    fixture = chain_fixture("dev-phases")
    accounts = list(fixture.summary["accountsAtHead"].items())[:2]
    options = [option for address, _ in accounts for option in ("--account", address)]
    status, out, err = run(capsys, "import", *network_args(fixture), "--no-progress", *options, str(fixture.chain_path))
    assert status == 0, err
    assert json.loads(out[-1])["hash"] == fixture.summary["head"]["hash"]
    for line, (_, expected) in zip(out[:-1], accounts, strict=True):
        account = json.loads(line)
        assert [account[k] for k in ("balance", "nonce", "coinAge", "fuBlockTime")] == [
            expected[k] for k in ("balance", "nonce", "coinAge", "fuBlockTime")
        ]


@pytest.mark.parametrize("name", CHAINS)
def test_export_round_trip(name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fixture = chain_fixture(name)
    out_file = tmp_path / "out.rlp"
    status, out, err = run(
        capsys, "export", *network_args(fixture), "--no-progress", str(fixture.chain_path), str(out_file)
    )
    assert status == 0, err
    assert out_file.read_bytes() == fixture.chain_path.read_bytes()
    assert json.loads(out[-1])["blocks"] == len(fixture.raw_blocks)


def test_datadir_continues_from_the_stored_head(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fixture = chain_fixture("dev-prev1")
    datadir = tmp_path / "data"
    prefix = tmp_path / "prefix.rlp"
    prefix.write_bytes(b"".join(fixture.raw_blocks[:51]))
    status, out, err = run(
        capsys, "import", *network_args(fixture), "--no-progress", "--datadir", str(datadir), str(prefix)
    )
    assert status == 0, err
    assert json.loads(out[-1])["number"] == 50
    status, out, err = run(
        capsys, "import", *network_args(fixture), "--no-progress", "--datadir", str(datadir), str(fixture.chain_path)
    )
    assert status == 0, err
    assert json.loads(out[-1])["hash"] == fixture.summary["head"]["hash"]
    exported = tmp_path / "exported.rlp"
    status, out, err = run(capsys, "export", *network_args(fixture), "--datadir", str(datadir), str(exported))
    assert status == 0, err
    assert exported.read_bytes() == fixture.chain_path.read_bytes()


def _tampered_nonce(fixture: ChainFixture, number: int) -> bytes:
    block = fixture.block(number)
    nonce = (int.from_bytes(block.header.nonce, "big") ^ 1).to_bytes(8, "big")
    return encode_block(block.copy(header=block.header.copy(nonce=nonce)))


def test_bad_block_stops_with_status_1_and_keeps_what_came_before(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fixture = chain_fixture("dev-prev1")
    bad = _tampered_nonce(fixture, 5)
    chain_file = tmp_path / "bad.rlp"
    chain_file.write_bytes(b"".join(fixture.raw_blocks[:5]) + bad + b"".join(fixture.raw_blocks[6:]))
    datadir = tmp_path / "data"
    status, out, err = run(
        capsys, "import", *network_args(fixture), "--no-progress", "--datadir", str(datadir), str(chain_file)
    )
    assert status == 1
    bad_hash = "0x" + rlp.decode(bad, sedes=type(fixture.block(5))).hash.hex()
    assert f"bad block 5 {bad_hash}: invalid proof-of-work" in err
    report = json.loads(out[-1])
    assert (report["number"], report["hash"], report["rule"]) == (5, bad_hash, "seal")
    assert report["error"].startswith("invalid proof-of-work")
    assert report["head"]["number"] == 4
    assert report["head"]["hash"] == fixture.blocks[4]["hash"]
    # The four good blocks stayed: the real chain file continues from block 5.
    status, out, err = run(
        capsys, "import", *network_args(fixture), "--no-progress", "--datadir", str(datadir), str(fixture.chain_path)
    )
    assert status == 0, err
    assert json.loads(out[-1])["hash"] == fixture.summary["head"]["hash"]


def test_malformed_rlp(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fixture = chain_fixture("dev-prev1")
    chain_file = tmp_path / "short.rlp"
    chain_file.write_bytes(b"".join(fixture.raw_blocks[:3]) + fixture.raw_blocks[3][:-5])
    status, out, err = run(capsys, "import", *network_args(fixture), "--no-progress", str(chain_file))
    assert status == 1
    assert json.loads(out[-1])["rule"] == "rlp"
    assert "rlp:" in err


def test_ethereum_header_in_a_chain_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fixture = chain_fixture("dev-prev1")
    header, transactions, uncles = rlp.decode(fixture.raw_blocks[1])
    ethereum_block = rlp.encode([header[:7] + header[8:16], transactions, uncles])
    chain_file = tmp_path / "eth.rlp"
    chain_file.write_bytes(fixture.raw_blocks[0] + ethereum_block)
    status, out, _err = run(capsys, "import", *network_args(fixture), "--no-progress", str(chain_file))
    assert status == 1
    report = json.loads(out[-1])
    assert report["rule"] == "rlp" and report["number"] == 1
    assert "MixDigest" in report["error"]


def test_genesis_mismatch(capsys: pytest.CaptureFixture[str]) -> None:
    phases, prev1 = chain_fixture("dev-phases"), chain_fixture("dev-prev1")
    status, out, err = run(capsys, "import", *network_args(phases), "--no-progress", str(prev1.chain_path))
    assert status == 1
    assert "genesis block mismatch" in err
    assert json.loads(out[-1])["rule"] == "genesis"


def test_mainnet_genesis_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from walton.vm.networks import load_network

    network = load_network("mainnet")
    genesis_block = rlp.encode([network.genesis_header(), [], []])
    chain_file = tmp_path / "mainnet-genesis.rlp"
    chain_file.write_bytes(genesis_block)
    status, out, err = run(capsys, "import", "--network", "mainnet", "--no-progress", str(chain_file))
    assert status == 0, err
    assert json.loads(out[-1]) == {
        "number": 0,
        "hash": "0xb9eec892c0bd1641ef58d1b0acf798f848292e5f5b36f07a250ba592e55ac605",
        "stateRoot": "0x2d0b03282aa6d1d98908371218a799843738ebcc0c84d439bfd77f81ad99681d",
    }


# -- pow ------------------------------------------------------------------------------------------------
def _pow(capsys: pytest.CaptureFixture[str], header_argument: str, *options: str) -> tuple[int, dict[str, Any]]:
    status, out, _err = run(capsys, "pow", "--compact", header_argument, *options)
    return status, json.loads(out[-1])


@pytest.mark.parametrize("name", CHAINS)
def test_pow_on_every_phase(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = chain_fixture(name)
    heights = fixture.height_options()
    chosen = {}
    for entry in fixture.blocks[1:]:
        chosen.setdefault(entry["phase"], entry)
    for entry in chosen.values():
        balance = ["--balance", str(10**30)]  # every coinbase here holds more than 500,000 WTC
        status, report = _pow(capsys, entry["headerRlp"], *heights, *balance)
        assert status == 0, report
        assert report["valid"] and report["verdict"] == "valid"
        assert report["sealHash"] == entry["hashNoNonce"]
        assert report["order"] == entry["order"]
        assert report["orderHash"] == entry["orderHash"]
        assert report["x11Result"] == entry["x11Result"]
        assert report["phase"] == entry["phase"]
        # blocks.json's helper divides 2^256 - 1 by the difficulty; Gwtc's VerifySeal divides 2^256 (spec §3.5).
        assert int(report["x11Result"], 16) < int(report["target"], 16)
        assert abs(int(report["target"], 16) - int(entry["seal"]["target"], 16)) < 2**64
        status, same = _pow(capsys, json.dumps(entry["header"]), *heights, *balance)
        assert same == report


def test_pow_invalid_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    fixture = chain_fixture("dev-prev1")
    header = fixture.block(5).header
    wrong = header.copy(nonce=(header.nonce_int ^ 1).to_bytes(8, "big"))
    status, report = _pow(capsys, "0x" + encode_header(wrong).hex(), *fixture.height_options())
    assert status == 1
    assert not report["valid"]
    assert report["verdict"].startswith("invalid proof-of-work")
    status, report = _pow(capsys, "0x" + encode_header(header.copy(mix_hash=b"\x01" * 32)).hex())
    assert report["verdict"].startswith("invalid mix digest")


def test_pow_reads_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fixture = chain_fixture("dev-prev1")
    path = tmp_path / "header.json"
    path.write_text(json.dumps(fixture.blocks[4]))
    status, report = _pow(capsys, str(path))
    assert status == 0
    assert report["hash"] == fixture.blocks[4]["hash"]
    assert hex_bytes(report["sealHash"]) == fixture.block(4).header.mining_hash


def test_pow_unreadable_header(capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run(capsys, "pow", "0x1234")
    assert status == 2
    assert "cannot read the header" in err
