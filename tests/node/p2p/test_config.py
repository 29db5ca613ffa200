"""The node's peer-to-peer options: the node key file, and enode URLs checked before anything starts."""

from pathlib import Path

import pytest

from walton.cli import main
from walton.node.p2p.service import load_node_key


def test_the_node_key_is_made_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "datadir" / "nodekey"
    key = load_node_key(path)
    assert path.read_text().strip() == key.to_hex()[2:] and path.stat().st_mode & 0o777 == 0o600
    assert load_node_key(path) == key


def test_a_node_key_file_that_is_not_a_key_stops_the_node(tmp_path: Path) -> None:
    path = tmp_path / "nodekey"
    path.write_text("not hex at all\n")
    with pytest.raises(SystemExit, match="does not hold a hex secp256k1 private key"):
        load_node_key(path)


@pytest.mark.parametrize("flag", ["--staticnodes", "--bootnodes"])
def test_a_malformed_enode_url_stops_the_node_with_a_clear_message(flag: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="invalid enode URL"):
        main(["node", "--dev", "--datadir", str(tmp_path), flag, "enode://1234@127.0.0.1:30303"])
    assert not (tmp_path / "chaindata").exists()


def test_nat_extip_sets_the_enode_address_and_other_forms_are_refused(tmp_path: Path) -> None:
    from walton.cli import _node_config, build_parser

    args = build_parser().parse_args(["node", "--dev", "--datadir", str(tmp_path), "--nat", "extip:203.0.113.5"])
    assert _node_config(args).external_ip == "203.0.113.5"
    for bad in ("upnp", "extip:nowhere"):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["node", "--dev", "--nat", bad])
