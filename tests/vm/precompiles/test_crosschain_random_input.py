"""Random bytes into ANCHOR, PROOF, SWAP and LABOR and the trie-proof verifier: always a clean answer or refusal."""

from typing import Any

import pytest
import rlp
from eth.vm.message import Message
from eth.vm.transaction_context import BaseTransactionContext
from eth_abi import decode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.vm.precompiles.child_chains import authority_genesis
from tests.vm.precompiles.dev_calls import ADDRESSES, new_chain, send
from walton.vm.precompiles.anchors import ANCHORS, AUTHORITY
from walton.vm.precompiles.crosschain_proofs import PROOFS
from walton.vm.precompiles.labor import LABOR
from walton.vm.precompiles.stateful import ERROR_SELECTOR, StatefulPrecompile
from walton.vm.precompiles.swaps import SWAPS
from walton.vm.precompiles.trie_proofs import ProofError, prove_account, prove_indexed, prove_storage

PRECOMPILES = [ANCHORS, PROOFS, SWAPS, LABOR]
CHILD = 7004
ANCHORED_ROOT = b"\x56" * 32  # never a real root: every proof against it must be refused
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def chain() -> Any:
    chain = new_chain()
    genesis = authority_genesis([ADDRESSES[5]])
    assert send(chain, ANCHORS, "registerChain", CHILD, rlp.encode(genesis), AUTHORITY, []).ok
    return chain


def _call(chain: Any, precompile: StatefulPrecompile, data: bytes, value: int = 0) -> Any:
    state = chain.get_vm().state
    snapshot = state.snapshot()
    message = Message(
        gas=2_000_000,
        to=precompile.address,
        sender=ADDRESSES[0],
        value=value,
        data=data,
        code=b"",
        code_address=precompile.address,
    )
    try:
        return state.computation_class.apply_message(state, message, BaseTransactionContext(1, ADDRESSES[0]))
    finally:
        state.revert(snapshot)


def _assert_clean(computation: Any) -> None:
    """Success, or a refusal that says why (an Error(string) revert) or ran out of gas; never a crash."""
    if computation.is_error:
        output = computation.output
        if output:
            assert output[:4] == ERROR_SELECTOR
            assert decode(["string"], output[4:])[0]


selectors = st.sampled_from([f.selector for p in PRECOMPILES for f in p.functions.values()])


@SETTINGS
@given(index=st.integers(0, 3), selector=selectors, tail=st.binary(max_size=600), raw=st.booleans())
def test_random_calldata(chain: Any, index: int, selector: bytes, tail: bytes, raw: bool) -> None:
    data = tail if raw else selector + tail
    _assert_clean(_call(chain, PRECOMPILES[index], data))


@SETTINGS
@given(headers=st.lists(st.binary(max_size=700), min_size=1, max_size=3))
def test_random_headers_are_refused(chain: Any, headers: list[bytes]) -> None:
    computation = _call(chain, ANCHORS, ANCHORS.calldata("submitHeaders", CHILD, headers, []))
    assert computation.is_error
    _assert_clean(computation)


nodes = st.lists(
    st.one_of(
        st.binary(max_size=120),
        st.lists(st.binary(max_size=40), min_size=2, max_size=2).map(rlp.encode),
        st.lists(st.binary(max_size=33), min_size=17, max_size=17).map(rlp.encode),
    ),
    max_size=6,
).map(rlp.encode)


@SETTINGS
@given(proof=st.one_of(st.binary(max_size=400), nodes), key=st.binary(min_size=32, max_size=32))
def test_random_proofs_are_refused_cleanly(proof: bytes, key: bytes) -> None:
    for verify in (
        lambda: prove_account(ANCHORED_ROOT, key[:20], proof),
        lambda: prove_storage(ANCHORED_ROOT, key, proof),
        lambda: prove_indexed(ANCHORED_ROOT, key[0], proof, "receipt"),
    ):
        with pytest.raises(ProofError):
            verify()


def _nested_lists(depth: int) -> bytes:
    """``[[[...[]...]]]`` ``depth`` deep, built without recursion: deeper than Python's stack when decoded."""
    encoded = b"\xc0"
    for _ in range(depth):
        length = len(encoded)
        if length < 56:
            encoded = bytes([0xC0 + length]) + encoded
        else:
            size = length.to_bytes((length.bit_length() + 7) // 8, "big")
            encoded = bytes([0xF7 + len(size)]) + size + encoded
    return encoded


def test_deeply_nested_rlp_is_refused_not_a_crash(chain: Any) -> None:
    nested = _nested_lists(5000)
    with pytest.raises(ProofError):
        prove_storage(ANCHORED_ROOT, b"\x01" * 32, rlp.encode([nested]))
    with pytest.raises(ProofError):
        prove_storage(ANCHORED_ROOT, b"\x01" * 32, nested)
    computation = _call(chain, ANCHORS, ANCHORS.calldata("submitHeaders", CHILD, [nested], []))
    assert computation.is_error
    _assert_clean(computation)
