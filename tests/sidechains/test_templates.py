"""Child-chain configs: templates rendered, parsed and refused; `walton child new|init`; a WPoC child seals a block."""

import json
import random
import stat
from pathlib import Path

import pytest
from eth.db.atomic import AtomicDB
from eth.db.backends.memory import MemoryDB
from eth_typing import Address

from walton.cli import main
from walton.consensus.authority import header_authorities
from walton.node.miner import load_authority_keys
from walton.sidechains.templates import ChildTemplate, generate_keys, key_address, render_config, write_key_file
from walton.vm.forks.authority import AuthorityVM
from walton.vm.forks.iot import IoTVM
from walton.vm.forks.iot.mining import FixedCandidates, apply_seal, build_block, find_seal
from walton.vm.networks import Network, load_any_network, load_network
from walton.vm.networks.child import ChildConfigError, ChildGenesisMismatch, ChildNetwork, load_child_network
from walton.vm.networks.dev import dev_accounts
from walton.vm.networks.genesis import GenesisError

MEMBERS = tuple(Address(bytes([i]) * 20) for i in range(1, 4))


def write(tmp_path: Path, text: str, name: str = "child.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_authority_template_round_trips(tmp_path: Path) -> None:
    text = render_config(
        ChildTemplate("logistics", 7001, "authority", MEMBERS, alloc={MEMBERS[0]: 5 * 10**18}, block_reward=7)
    )
    network = load_any_network(write(tmp_path, text))
    assert isinstance(network, ChildNetwork)
    assert (network.name, network.chain_id, network.template, network.members) == (
        "logistics",
        7001,
        "authority",
        MEMBERS,
    )
    assert network.alloc == {MEMBERS[0]: 5 * 10**18} and network.block_reward == 7 and not network.dev
    assert issubclass(network.vm_class, AuthorityVM)
    genesis = network.genesis_header
    assert header_authorities(genesis) == MEMBERS and genesis.difficulty == 1
    # Each config has its own chain: a database made from one refuses another.
    db = AtomicDB(MemoryDB())
    network.open_chain(db)
    other = load_child_network(write(tmp_path, text.replace("7001", "7002"), "other.toml"))
    with pytest.raises(ChildGenesisMismatch, match="not the genesis of logistics"):
        other.open_chain(db)
    assert other.genesis_header.hash != genesis.hash


def test_gwtc_genesis_still_loads(tmp_path: Path) -> None:
    assert isinstance(load_any_network("mainnet"), Network)


def test_wpoc_child_mines_with_its_own_chain_id_and_dev_accounts() -> None:
    network = ChildNetwork(name="meters", chain_id=7100, template="wpoc", minimum_difficulty=64, dev=True)
    assert issubclass(network.vm_class, IoTVM) and not issubclass(network.vm_class, AuthorityVM)
    chain = network.open_chain(AtomicDB(MemoryDB()))
    assert chain.chain_id == 7100
    dev = Address(bytes.fromhex(dev_accounts()[0].address[2:]))
    assert chain.get_vm().state.get_balance(dev) == 10_000 * 10**18
    built = build_block(chain, FixedCandidates([]), dev, 1)
    seal = None
    nonce = random.getrandbits(63)
    while seal is None:
        seal = find_seal(built.block, 10_000 * 10**18, nonce, 64)
        nonce += 64
    block = apply_seal(built.block, seal)
    chain.import_block(block)
    assert chain.get_canonical_head().hash == block.hash


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[chain]\nchain_id = 1\ntemplate = "wpoc"\n', "name: required"),
        ('[chain]\nname = "a"\ntemplate = "wpoc"\n', "chain_id: required"),
        ('[chain]\nname = "a"\nchain_id = 0\ntemplate = "wpoc"\n', "chain_id: expected an integer >= 1"),
        ('[chain]\nname = "a"\nchain_id = 5\ntemplate = "raft"\n', "template: one of authority, wpoc"),
        ('[chain]\nname = "a"\nchain_id = 5\ntemplate = "authority"\n', "members: required"),
        (
            '[chain]\nname = "a"\nchain_id = 5\ntemplate = "authority"\n[authority]\nmembers = ["0x12"]\n',
            "not a 0x-prefixed 20-byte address",
        ),
        (
            f'[chain]\nname = "a"\nchain_id = 5\ntemplate = "authority"\n[authority]\nmembers = ["0x{"11" * 20}", '
            f'"0x{"11" * 20}"]\n',
            "distinct",
        ),
        ('[chain]\nname = "a"\nchain_id = 5\ntemplate = "wpoc"\n[alloc]\n"0x1" = 5\n', "[alloc] 0x1"),
        (
            '[chain]\nname = "a"\nchain_id = 5\ntemplate = "wpoc"\n[wpoc]\nminimum_difficulty = 0\n',
            "minimum_difficulty",
        ),
        ("[chain\n", "invalid TOML"),
    ],
)
def test_bad_configs_are_refused_with_the_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ChildConfigError, match=message.replace("[", r"\[")):
        load_child_network(write(tmp_path, text))


def test_key_files_are_private_and_read_back(tmp_path: Path) -> None:
    keys = generate_keys(3)
    assert len({key.to_bytes() for key in keys}) == 3
    path = tmp_path / "members.keys"
    write_key_file(path, keys)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_authority_keys(path) == keys
    (tmp_path / "bad.keys").write_text("0x1234\n")
    with pytest.raises(ValueError, match=r"bad\.keys:1: not a 32-byte hex private key"):
        load_authority_keys(tmp_path / "bad.keys")


def test_child_new_and_init_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "farm.toml"
    assert (
        main(["child", "new", "--template", "authority", "--name", "farm", "--chain-id", "7200", "--out", str(config)])
        == 0
    )
    written = json.loads(capsys.readouterr().out)
    keys = load_authority_keys(Path(written["authorityKeys"]))
    assert written["members"] == ["0x" + key_address(key).hex() for key in keys]
    assert load_child_network(config).members == tuple(key_address(key) for key in keys)
    assert main(["child", "new", "--template", "wpoc", "--name", "x", "--chain-id", "7201", "--out", str(config)]) == 2
    assert "exists" in capsys.readouterr().out
    datadir = tmp_path / "farm-data"
    assert main(["child", "init", str(config), "--datadir", str(datadir)]) == 0
    initialised = json.loads(capsys.readouterr().out)
    assert initialised["chainId"] == 7200
    assert initialised["genesis"] == "0x" + load_child_network(config).genesis_header.hash.hex()
    named = tmp_path / "named.toml"
    member = "0x" + "ab" * 20
    command = ["child", "new", "--template", "authority", "--name", 'a "quoted" name', "--chain-id", "7202"]
    assert main([*command, "--out", str(named), "--member", member]) == 0
    assert "authorityKeys" not in json.loads(capsys.readouterr().out) and not named.with_suffix(".keys").exists()
    network = load_child_network(named)
    assert network.members == (Address(bytes.fromhex(member[2:])),) and network.name == 'a "quoted" name'
    (tmp_path / "broken.toml").write_text('[chain]\nname = "b"\n')
    assert main(["child", "init", str(tmp_path / "broken.toml"), "--datadir", str(datadir)]) == 2
    assert "chain_id: required" in capsys.readouterr().out


def test_walton_init_takes_a_child_config_and_refuses_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path, render_config(ChildTemplate("meters", 7300, "wpoc", dev=True)))
    assert main(["init", "--network", str(config), "--datadir", str(tmp_path / "data")]) == 0
    assert json.loads(capsys.readouterr().out)["genesis"] == "0x" + load_child_network(config).genesis_header.hash.hex()
    bad = write(tmp_path, '[chain]\nname = "x"\nchain_id = 1\ntemplate = "pow"\n', "bad.toml")
    with pytest.raises(SystemExit, match="template: one of authority, wpoc"):
        main(["init", "--network", str(bad), "--datadir", str(tmp_path / "other")])


def test_load_network_points_a_child_config_to_load_any_network(tmp_path: Path) -> None:
    config = write(tmp_path, render_config(ChildTemplate("meters", 7300, "wpoc")))
    with pytest.raises(GenesisError, match="child-chain config, not a Gwtc genesis"):
        load_network(config)
