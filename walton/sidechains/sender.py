"""Signing and sending precompile calls over web3.py, with the chain's refusal reason as the error.

Off-chain actors (the relayer, ``walton swap``) hold a local key and talk to nodes only over
JSON-RPC. A call is estimated first (``eth_estimateGas`` runs it, so a refusal comes back with the
precompile's reason before anything is spent), then signed, sent and waited for.
"""

import time
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError, Web3RPCError
from web3.middleware import ExtraDataToPOAMiddleware
from web3.types import TxReceipt

from walton.node.miner import load_authority_keys
from walton.vm.precompiles.stateful import StatefulPrecompile

RECEIPT_TIMEOUT = 60.0
GAS_MARGIN = 1.2  # estimates are exact for a precompile call; the margin covers a state change before inclusion


class ChainCallError(RuntimeError):
    """A call a chain refused (with its reason) or a transaction that failed."""


def load_key(path: str | Path) -> LocalAccount:
    """The first private key of a key file in ``--authority-key``'s format (``load_authority_keys``)."""
    try:
        first = load_authority_keys(Path(path))[0]
    except ValueError as exc:
        raise ChainCallError(f"{path}: not a private key ({exc})") from None
    account: LocalAccount = Account.from_key(first.to_bytes())
    return account


def connect(url: str, timeout: float = 30.0) -> Web3:
    """web3.py on a node's HTTP RPC; permissioned children's headers carry 65+ bytes of extraData (the
    member signature), which web3.py only accepts with its proof-of-authority middleware."""
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": timeout}))
    w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return w3


def precompile(w3: Web3, contract: StatefulPrecompile) -> Contract:
    return w3.eth.contract(address=to_checksum_address(contract.address), abi=contract.abi())


def refusal(exc: Exception) -> str:
    """The chain's reason for refusing a call, without web3.py's prefixes and wrapping."""
    response = getattr(exc, "rpc_response", None)
    if isinstance(response, dict) and isinstance(response.get("error"), dict):
        message = response["error"].get("message", str(response["error"]))
    else:
        message = exc.args[0] if exc.args else str(exc)
    return str(message).removeprefix("execution reverted: ")


class Sender:
    """One key on one chain: sends calls to precompiles and waits for their receipts."""

    def __init__(self, w3: Web3, account: LocalAccount, name: str = "") -> None:
        self.w3 = w3
        self.account = account
        self.name = name or w3.provider.endpoint_uri  # type: ignore[attr-defined]
        self.chain_id = w3.eth.chain_id
        self.fees_paid = 0  # wei spent on gas by the transactions sent here

    @property
    def address(self) -> ChecksumAddress:
        return self.account.address

    def transact(self, function: ContractFunction, value: int = 0) -> TxReceipt:
        """Estimate, sign, send and wait; ``ChainCallError`` with the chain's reason on a refusal."""
        params: dict[str, Any] = {"from": self.address, "value": value, "chainId": self.chain_id}
        try:
            gas = function.estimate_gas(params)  # type: ignore[arg-type]
        except (ContractLogicError, Web3RPCError, ValueError) as exc:
            raise ChainCallError(f"{self.name}: {function.fn_name} refused: {refusal(exc)}") from None
        params["gas"] = int(gas * GAS_MARGIN)
        params["nonce"] = self.w3.eth.get_transaction_count(self.address, "pending")
        transaction = function.build_transaction(params)  # type: ignore[arg-type]
        signed = self.account.sign_transaction(dict(transaction))  # type: ignore[arg-type]
        try:
            transaction_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        except (Web3RPCError, ValueError) as exc:
            raise ChainCallError(f"{self.name}: {function.fn_name} not accepted: {refusal(exc)}") from None
        receipt = self.w3.eth.wait_for_transaction_receipt(transaction_hash, timeout=RECEIPT_TIMEOUT, poll_latency=0.1)
        self.fees_paid += receipt["gasUsed"] * receipt["effectiveGasPrice"]
        if receipt["status"] != 1:
            raise ChainCallError(f"{self.name}: {function.fn_name} failed in block {receipt['blockNumber']}")
        return receipt


def chain_time(w3: Web3) -> int:
    """The latest block's timestamp: the clock the chain's deadlines are compared with."""
    return int(w3.eth.get_block("latest")["timestamp"])


def wait_for_chain_time(w3: Web3, timestamp: int, timeout: float) -> None:
    """Wait until the chain has a block at or after ``timestamp`` (its miner seals empty blocks periodically)."""
    limit = time.monotonic() + timeout
    while chain_time(w3) < timestamp:
        if time.monotonic() > limit:
            raise ChainCallError(f"the chain did not reach time {timestamp} within {timeout:.0f}s")
        time.sleep(0.2)
