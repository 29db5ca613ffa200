"""The relayer: carries child-chain headers to ANCHOR (0x110) and swap secrets between SWAP (0x112) precompiles.

An off-chain actor over web3.py with one key used on every chain it serves. Each round it

* follows each child chain's head and submits the headers the parent and every sibling child have
  not anchored yet (with, for a WPoC child, the account proof of each block's coinbase against its
  parent's state root, so ANCHOR can check the stake-weighted X11 target);
* reads ``Claimed`` events on every chain: a claim reveals a preimage, and every lock still open
  under its hash on another chain is claimed with it (the value goes to that lock's recipient,
  so a swap party that went offline still gets paid).

Nothing the relayer submits is trusted: ANCHOR checks every header's parent link and seal, SWAP
checks every preimage. Accepted headers earn the relayer labor credit (LABOR, 0x113).
"""

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import rlp
from eth.vm.forks.prague.blocks import PragueBlockHeader
from eth_account.signers.local import LocalAccount
from eth_utils import ValidationError, to_bytes, to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError, Web3Exception
from web3.logs import DISCARD

from walton.consensus.authority import header_authorities
from walton.sidechains.proofs import ProofError, encode_proof, fetch_header
from walton.sidechains.sender import ChainCallError, Sender, chain_time, connect, precompile
from walton.vm.precompiles.anchors import ANCHORS, AUTHORITY, WPOC
from walton.vm.precompiles.labor import LABOR
from walton.vm.precompiles.swaps import LOCKED, SWAPS

logger = logging.getLogger("walton.relayer")

MAX_HEADERS_PER_SUBMIT = 32
LOG_RANGE = 2_000  # blocks per eth_getLogs request
MAX_REORG_DEPTH = 256  # how far back a reorganised child's branch is searched for an anchored block


class RelayError(RuntimeError):
    """Something a chain refused or a node served that the relayer cannot carry on with."""


@dataclass
class Link:
    """One chain the relayer talks to: its node, the relayer's sender there, and its precompiles."""

    name: str
    w3: Web3
    sender: Sender
    chain_id: int
    anchors: Contract
    swaps: Contract
    labor: Contract
    scanned: int = -1  # last block whose swap events were read

    @classmethod
    def connect(cls, url: str, account: LocalAccount, name: str | None = None) -> "Link":
        """A link to the node at ``url``, named ``name`` or after its chain id."""
        w3 = connect(url)
        name = name or f"child {w3.eth.chain_id}"
        sender = Sender(w3, account, name)
        return cls(
            name,
            w3,
            sender,
            sender.chain_id,
            precompile(w3, ANCHORS),
            precompile(w3, SWAPS),
            precompile(w3, LABOR),
        )


@dataclass
class RoundReport:
    headers: int = 0  # headers anchored this round, over all routes
    claims: int = 0  # swaps claimed with a carried secret
    errors: list[str] = field(default_factory=list)


def coinbase_proof(child: Web3, number: int, raw_header: bytes) -> bytes:
    """The account proof of a child block's coinbase against its parent's state root (from ``eth_getProof``)."""
    coinbase = rlp.decode(raw_header)[2]
    result = child.provider.make_request(
        "eth_getProof",  # type: ignore[arg-type]
        [to_checksum_address(coinbase), [], hex(number - 1)],
    )
    if result.get("error"):
        raise RelayError(f"eth_getProof for block {number}'s coinbase failed: {result['error']}")
    return encode_proof([to_bytes(hexstr=node) for node in result["result"]["accountProof"]])


class Relayer:
    """Relays for children of one parent chain; ``step()`` runs one round, ``run()`` rounds until stopped."""

    def __init__(
        self,
        account: LocalAccount,
        parent_url: str,
        child_urls: Sequence[str],
        batch: int = MAX_HEADERS_PER_SUBMIT,
        carry_secrets: bool = True,
        child_accounts: Sequence[LocalAccount | None] = (),
    ) -> None:
        """``account`` signs on every chain, except on children given their own key in ``child_accounts``
        (a permissioned child takes transactions from its members only)."""
        self.account = account
        self.parent = Link.connect(parent_url, account, "parent")
        keys = list(child_accounts) + [None] * (len(child_urls) - len(child_accounts))
        self.children = [Link.connect(url, key or account) for url, key in zip(child_urls, keys, strict=True)]
        self.batch = batch
        self.carry_secrets = carry_secrets
        self.locks: dict[bytes, list[tuple[Link, bytes]]] = {}  # hash lock -> (chain, swap id) of every lock seen
        self.secrets: dict[bytes, bytes] = {}  # hash lock -> preimage revealed by a claim
        self.consensus_of: dict[int, int] = {}  # child chain id -> WPOC or AUTHORITY

    @property
    def links(self) -> list[Link]:
        return [self.parent, *self.children]

    def targets(self, child: Link) -> list[Link]:
        """Where ``child``'s headers go: the parent and every sibling."""
        return [link for link in self.links if link is not child]

    # -- anchors ---------------------------------------------------------------------------------

    def anchored_head(self, target: Link, child: Link) -> tuple[int, bytes] | None:
        """``child``'s anchored head on ``target``, or None if ``child`` is not registered there."""
        try:
            number, block_hash = target.anchors.functions.head(child.chain_id).call()
        except ContractLogicError:
            return None
        return int(number), bytes(block_hash)

    def consensus(self, child: Link) -> int:
        """``child``'s consensus from its genesis: authority if the genesis announces members, else WPoC."""
        if child.chain_id not in self.consensus_of:
            try:
                header = rlp.decode(fetch_header(child.w3, 0).raw, sedes=PragueBlockHeader)
            except (rlp.DecodingError, rlp.DeserializationError) as exc:
                raise RelayError(f"{child.name}'s genesis is not an IoT-fork header: {exc}") from None
            try:
                members = header_authorities(header)
            except ValidationError:
                members = None
            self.consensus_of[child.chain_id] = AUTHORITY if members else WPOC
        return self.consensus_of[child.chain_id]

    def register(self, target: Link, child: Link) -> None:
        """Register ``child`` on ``target`` with its genesis (ANCHOR reads an authority genesis's member set).

        Registration is the one trusted step, as a light client's checkpoint is: it is the child's
        own genesis header, fetched from the child and checked to hash to its block 0.
        """
        genesis = fetch_header(child.w3, 0)
        function = target.anchors.get_function_by_signature("registerChain(uint256,bytes,uint8,address[])")
        target.sender.transact(function(child.chain_id, genesis.raw, self.consensus(child), []))
        logger.info("registered %s on %s", child.name, target.name)

    def fork_point(self, target: Link, child: Link, number: int, canonical: bytes, anchored: bytes) -> int:
        """After a WPoC child reorganised: the last block of its chain that ``target`` anchored, to submit from.

        ANCHOR takes WPoC headers extending any anchored header and follows the heaviest branch, so
        the child's new branch goes on from the last block both branches share. An authority chain
        never forks, so there a mismatch means the child and the anchors disagree: an error.
        """
        if self.consensus(child) != WPOC:
            raise RelayError(
                f"{child.name}'s block {number} is 0x{canonical.hex()}, but {target.name} anchored 0x{anchored.hex()}"
            )
        for height in range(number - 1, max(-1, number - 1 - MAX_REORG_DEPTH), -1):
            block_hash = bytes(child.w3.eth.get_block(height)["hash"])
            try:
                target.anchors.functions.anchoredHeader(child.chain_id, block_hash).call()
            except ContractLogicError:
                continue
            logger.info("%s reorganised below block %d: relaying its branch from block %d", child.name, number, height)
            return height
        raise RelayError(f"{child.name} reorganised deeper than {MAX_REORG_DEPTH} blocks below {number}")

    def submit_headers(self, target: Link, chain_id: int, headers: Sequence[bytes], proofs: Sequence[bytes]) -> int:
        """Submit RLP headers to ``target``'s ANCHOR: the new anchored head, or ``ChainCallError`` with the reason."""
        receipt = target.sender.transact(target.anchors.functions.submitHeaders(chain_id, list(headers), list(proofs)))
        events = target.anchors.events.HeadersAnchored().process_receipt(receipt, errors=DISCARD)
        return int(events[-1]["args"]["number"]) if events else -1

    def relay_headers(self, child: Link, target: Link) -> int:
        """Anchor up to ``batch`` new headers of ``child`` on ``target``; how many were anchored."""
        anchored = self.anchored_head(target, child)
        if anchored is None:
            self.register(target, child)
            anchored = self.anchored_head(target, child)
            if anchored is None:
                raise RelayError(f"{child.name} is still not registered on {target.name}")
        number, block_hash = anchored
        head = child.w3.eth.block_number
        if head <= number:
            return 0
        canonical = bytes(child.w3.eth.get_block(number)["hash"])
        if canonical != block_hash:
            number = self.fork_point(target, child, number, canonical, block_hash)
        last = min(head, number + self.batch)
        headers = [fetch_header(child.w3, height).raw for height in range(number + 1, last + 1)]
        wpoc = self.consensus(child) == WPOC
        proofs = [
            coinbase_proof(child.w3, height, raw) if wpoc else b""
            for height, raw in zip(range(number + 1, last + 1), headers, strict=True)
        ]
        new_head = self.submit_headers(target, child.chain_id, headers, proofs)
        logger.info("anchored %s blocks %d..%d on %s", child.name, number + 1, new_head, target.name)
        return len(headers)

    # -- swap secrets ----------------------------------------------------------------------------

    def _scan(self, link: Link) -> None:
        """Read new Locked and Claimed events on ``link``: remember every lock and every revealed secret."""
        head = link.w3.eth.block_number
        while link.scanned < head:
            start, end = link.scanned + 1, min(head, link.scanned + LOG_RANGE)
            for event in link.swaps.events.Locked().get_logs(from_block=start, to_block=end):
                hash_lock = bytes(event["args"]["hashLock"])
                self.locks.setdefault(hash_lock, []).append((link, bytes(event["args"]["swapId"])))
            for event in link.swaps.events.Claimed().get_logs(from_block=start, to_block=end):
                preimage = bytes(event["args"]["preimage"])
                self.secrets[hashlib.sha256(preimage).digest()] = preimage
            link.scanned = end

    def relay_secrets(self) -> int:
        """Claim every open lock whose secret a claim revealed anywhere; how many were claimed."""
        for link in self.links:
            self._scan(link)
        claimed = 0
        for hash_lock, preimage in self.secrets.items():
            for link, swap_id in self.locks.get(hash_lock, []):
                *_, deadline, state = link.swaps.functions.swap(swap_id).call()
                if state != LOCKED or deadline <= chain_time(link.w3):
                    continue
                link.sender.transact(link.swaps.functions.claim(swap_id, preimage))
                logger.info("claimed swap 0x%s on %s with a carried secret", swap_id.hex(), link.name)
                claimed += 1
        return claimed

    # -- rounds ----------------------------------------------------------------------------------

    def step(self) -> RoundReport:
        """One round over all routes and all chains' swaps; errors (refusals, nodes down) are reported, never raised."""
        report = RoundReport()
        for child in self.children:
            for target in self.targets(child):
                try:
                    report.headers += self.relay_headers(child, target)
                except (RelayError, ChainCallError, ProofError, OSError, Web3Exception) as exc:
                    report.errors.append(f"{child.name} -> {target.name}: {exc}")
        if self.carry_secrets:
            try:
                report.claims += self.relay_secrets()
            except (ChainCallError, OSError, Web3Exception) as exc:
                report.errors.append(f"swap secrets: {exc}")
        for error in report.errors:
            logger.warning("%s", error)
        return report

    def sync(self, timeout: float = 60.0) -> None:
        """Rounds until every child's current head is anchored on every target."""
        limit = time.monotonic() + timeout
        heads = {child.chain_id: child.w3.eth.block_number for child in self.children}
        while True:
            report = self.step()
            behind = [
                (child, target)
                for child in self.children
                for target in self.targets(child)
                if (self.anchored_head(target, child) or (-1, b""))[0] < heads[child.chain_id]
            ]
            if not behind:
                return
            if time.monotonic() > limit:
                raise RelayError(f"anchors still behind after {timeout:.0f}s: {report.errors or behind[0][0].name}")

    def credit(self) -> dict[str, int]:
        """The relayer's labor credit on every chain (for the key it signs with there)."""
        return {link.name: int(link.labor.functions.credit(link.sender.address).call()) for link in self.links}

    def run(self, interval: float = 1.0, should_stop: Callable[[], bool] = lambda: False) -> None:
        while not should_stop():
            started = time.monotonic()
            report = self.step()
            if report.headers or report.claims:
                logger.info("round: %d headers anchored, %d swaps claimed", report.headers, report.claims)
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
