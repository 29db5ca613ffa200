"""The dev network: IoT fork from genesis, the documented prefunded accounts, blocks that import."""

from eth.db.atomic import AtomicDB
from eth_keys import keys
from eth_utils import decode_hex, to_canonical_address

from walton.vm.forks.iot import IoTVM
from walton.vm.networks.dev import DEV_ACCOUNT_BALANCE, DEV_CHAIN_ID, build_dev_chain, dev_accounts


def test_accounts_are_the_well_known_dev_keys() -> None:
    first = dev_accounts()[0]
    assert first.address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    derived = keys.PrivateKey(decode_hex(first.private_key)).public_key.to_checksum_address()
    assert derived == first.address
    assert len({account.address for account in dev_accounts()}) == 10


def test_genesis_funds_every_dev_account_on_the_iot_fork() -> None:
    chain = build_dev_chain(AtomicDB())
    assert issubclass(type(chain.get_vm()), IoTVM)
    assert chain.chain_id == DEV_CHAIN_ID
    state = chain.get_vm().state
    for account in dev_accounts():
        assert state.get_balance(to_canonical_address(account.address)) == DEV_ACCOUNT_BALANCE
