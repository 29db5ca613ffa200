"""Genesis blocks (spec §9): the real mainnet and the shared chains' genesis files, read as Gwtc reads them."""

import json
from pathlib import Path

import pytest
from eth.db.atomic import AtomicDB

from tests.vm.gwtc.chains import chain_fixture, chain_params, hex_bytes, quantity
from walton.vm.forks.gwtc import (
    GwtcByzantiumVM,
    GwtcFrontierVM,
    GwtcHomesteadVM,
    GwtcSpuriousDragonVM,
    GwtcTangerineWhistleVM,
)
from walton.vm.networks import GenesisMismatch, load_network
from walton.vm.networks.genesis import GenesisError, parse_genesis
from walton.vm.networks.mainnet import MAINNET_GENESIS, MAINNET_GENESIS_HASH, MAINNET_STATE_ROOT

WTC = 10**18


def test_mainnet_genesis_hash_state_root_and_seal_hash() -> None:
    network = load_network("mainnet")
    header = network.genesis_header()
    assert header.hash == MAINNET_GENESIS_HASH
    assert header.hex_hash == "0xb9eec892c0bd1641ef58d1b0acf798f848292e5f5b36f07a250ba592e55ac605"
    assert header.state_root == MAINNET_STATE_ROOT
    assert header.mining_hash.hex() == "a259ed4e42a9479210c9aaf484098559edf0a5c0d2539c90517ae351ad9d36d2"
    assert network.chain_id == 15
    assert network.network_id == 15


def test_mainnet_schedule() -> None:
    schedule = load_network("mainnet").chain_class.vm_configuration
    assert [(number, vm.__name__) for number, vm in schedule] == [
        (0, GwtcFrontierVM.__name__),
        (1, GwtcHomesteadVM.__name__),
        (2, GwtcTangerineWhistleVM.__name__),
        (3, GwtcSpuriousDragonVM.__name__),
        (4, GwtcByzantiumVM.__name__),
    ]


def test_mainnet_alloc_starts_with_zero_coin_age_at_genesis_time() -> None:
    network = load_network("mainnet")
    chain = network.open_chain(AtomicDB())
    state = chain.get_vm(chain.get_canonical_head()).state
    account = state.get_account(hex_bytes("0x33e44e3184941b57668d367a0dbcaf304a53b510"))
    assert (account.balance, account.coin_age, account.fu_block_time) == (70_000_000 * WTC, 0, 1556106501)


def test_genesis_keys_are_case_insensitive() -> None:
    """The real mainnet file spells "Difficulty"; Go matches JSON keys case-insensitively."""
    assert "Difficulty" in MAINNET_GENESIS
    shouted = {key.upper(): value for key, value in MAINNET_GENESIS.items()}
    assert parse_genesis(shouted).header().hash == MAINNET_GENESIS_HASH


def test_genesis_without_alloc_is_refused() -> None:
    raw = {key: value for key, value in MAINNET_GENESIS.items() if key != "alloc"}
    with pytest.raises(GenesisError, match="alloc"):
        parse_genesis(raw)


def test_opening_a_database_of_another_network_fails(tmp_path: Path) -> None:
    genesis = dict(MAINNET_GENESIS, timestamp="0x1")
    path = tmp_path / "other.json"
    path.write_text(json.dumps(genesis))
    db = AtomicDB()
    load_network("mainnet").open_chain(db)
    with pytest.raises(GenesisMismatch):
        load_network(path).open_chain(db)


@pytest.mark.parametrize("name", chain_params())
def test_shared_chain_genesis(name: str) -> None:
    fixture = chain_fixture(name)
    expected = fixture.summary["genesisBlock"]
    header = fixture.network.genesis_header()
    assert header.hash == hex_bytes(expected["hash"])
    assert header.state_root == hex_bytes(expected["stateRoot"])
    assert fixture.block(0).header == header
    assert fixture.network.chain_id == fixture.summary["chainId"]
    chain = fixture.fresh_chain()
    state = chain.get_vm(chain.get_canonical_head()).state
    for key in fixture.summary["keys"]:
        account = state.get_account(hex_bytes(key["address"]))
        assert account.balance == quantity(key["genesisBalance"])
        assert account.coin_age == 0
        assert account.fu_block_time == quantity(expected["timestamp"])
