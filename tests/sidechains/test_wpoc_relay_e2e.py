"""WPoC children: the relayer anchors X11-sealed headers with coinbase proofs, and a child value is proven.

A parent and two WPoC child chains as real processes (about 40 s on a shared 2-core machine: every
header's X11 seal is checked in pure Python by ANCHOR); ``test_crosschain_e2e`` runs the rest of
the cross-chain scenario on permissioned children.
"""

from pathlib import Path

import pytest
from eth_account import Account
from eth_hash.auto import keccak
from eth_utils import to_checksum_address

from tests.node.nodeproc import free_port
from walton.sidechains.cluster import Cluster
from walton.sidechains.proofs import get_storage_proof
from walton.sidechains.relayer import Relayer
from walton.sidechains.sender import Sender, precompile
from walton.sidechains.swap import SwapChain
from walton.vm.networks.dev import dev_accounts
from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.crosschain_proofs import PROOFS
from walton.vm.precompiles.swaps import SWAPS

pytestmark = [pytest.mark.xdist_group("sidechains-e2e")]


def test_wpoc_children_are_anchored_with_coinbase_proofs(tmp_path: Path) -> None:
    ports = [free_port() for _ in range(3)]
    with Cluster(tmp_path, children=2, template="wpoc", block_period=1.0, ports=ports) as cluster:
        dev = [Account.from_key(account.private_key) for account in dev_accounts()]
        relayer = Relayer(dev[8], cluster.parent.rpc_url, [node.rpc_url for node in cluster.children])
        child1 = relayer.children[0]
        # a value on child 1: the SWAP precompile's lock counter of dev account 3
        swaps = SwapChain(Sender(child1.w3, dev[3], "child1"))
        _, receipt = swaps.lock(keccak(b"wpoc"), dev[4].address, 1, swaps.now() + 3600)
        relayer.sync(timeout=600)
        slot = storage_slot("swap.nonce", bytes.fromhex(dev[3].address[2:]))
        block_hash = bytes(receipt["blockHash"])
        proof = get_storage_proof(child1.w3, to_checksum_address(SWAPS.address), slot, block_hash)
        arguments = [child1.chain_id, block_hash, to_checksum_address(SWAPS.address), slot]
        arguments += [proof.encoded_account_proof, proof.encoded_storage_proof]
        for target in (relayer.parent, relayer.children[1]):
            assert precompile(target.w3, PROOFS).functions.verifyStorage(*arguments).call() == 1
        assert relayer.credit()["parent"] > 0
        assert not cluster.failed()
