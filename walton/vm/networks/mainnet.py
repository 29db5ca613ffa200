"""The real Waltonchain mainnet (spec §9.2): ``gwtc_bin/settings/wtc.json`` with network id 15.

Kept in Gwtc's own genesis format, capital ``"Difficulty"`` key included, and read by the same
parser as any genesis file. Its hash is ``0xb9eec892…5ac605`` (checked when the network loads).
"""

from eth_typing import Hash32
from eth_utils import decode_hex

MAINNET_NETWORK_ID = 15
MAINNET_GENESIS_HASH = Hash32(decode_hex("0xb9eec892c0bd1641ef58d1b0acf798f848292e5f5b36f07a250ba592e55ac605"))
MAINNET_STATE_ROOT = Hash32(decode_hex("0x2d0b03282aa6d1d98908371218a799843738ebcc0c84d439bfd77f81ad99681d"))

WTC = 10**18

MAINNET_GENESIS: dict[str, object] = {
    "config": {
        "chainId": 15,
        "homesteadBlock": 1,
        "eip150Block": 2,
        "eip150Hash": "0x0000000000000000000000000000000000000000000000000000000000000000",
        "eip155Block": 3,
        "eip158Block": 3,
        "byzantiumBlock": 4,
        "ethash": {},
    },
    "nonce": "0x00000008012f8800",
    "timestamp": "0x5CC04D05",
    "extraData": "0x0000000000000000000000000000000000000000000000000000000000000000",
    "gasLimit": hex(78_000_000_000),
    "Difficulty": "0x20000",
    "mixHash": "0x0000000000000000000000000000000000000000000000000000000000000000",
    "coinbase": "0x0000000000000000000000000000000000000000",
    "alloc": {
        "33e44e3184941b57668d367a0dbcaf304a53b510": {"balance": hex(70_000_000 * WTC)},
        "83cbf5a6bc8b4383be618be5a105ae4bc0271a3f": {"balance": hex(1_619_936 * WTC)},
        "376e7e29600f66b21489992e21ec9fae87cf7f0a": {"balance": hex(5_000_000 * WTC)},
    },
}

__all__ = ["MAINNET_GENESIS", "MAINNET_GENESIS_HASH", "MAINNET_NETWORK_ID", "MAINNET_STATE_ROOT"]
