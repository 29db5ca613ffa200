"""RLPx frame codec: frames per second and MB/s through encode + decode, with and without snappy.

Each message goes through ``RLPxConnection.encode_frame`` on one side and ``decode_header`` + ``decode_frame`` on
the other (AES-256-CTR both ways, the four keccak/AES-ECB MAC updates, snappy when on), without sockets. The
baseline, measured in the same run on the same bytes, is the bare cryptography an authenticated stream needs
anyway: AES-256-CTR encrypt, HMAC-SHA256, HMAC check and decrypt, so the ratio shows what the RLPx framing (keccak
MACs, header, RLP code, padding) adds on top.

Payloads: ``random`` (incompressible) and ``blocks`` (RLP of header-like items: fresh random hashes and addresses,
a mostly zero bloom, small integers; about as compressible as real headers). Prints the median (min, max) over rounds.

Run: ``python -m benchmarks.p2p_wire [--rounds 5] [--megabytes 16]``.
"""

import argparse
import hashlib
import hmac
import os
import statistics
import time

import rlp
import trio.testing
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from eth_keys.datatypes import PrivateKey

from walton.node.p2p import rlpx

SIZES = (128, 4096, 65536, 1 << 20)


def connection_pair() -> tuple[rlpx.RLPxConnection, rlpx.RLPxConnection]:
    """Two ends of one session from a real key schedule; the streams are never used."""
    ephemeral_a, ephemeral_b = PrivateKey(os.urandom(32)), PrivateKey(os.urandom(32))
    nonce_a, nonce_b, auth, ack = os.urandom(32), os.urandom(32), os.urandom(400), os.urandom(300)
    sides = []
    for initiator, own, other in ((True, ephemeral_a, ephemeral_b), (False, ephemeral_b, ephemeral_a)):
        secrets = rlpx.derive_secrets(
            initiator=initiator,
            ephemeral_key=own,
            remote_ephemeral_key=other.public_key,
            initiator_nonce=nonce_a,
            recipient_nonce=nonce_b,
            auth_packet=auth,
            ack_packet=ack,
        )
        sides.append(rlpx.RLPxConnection(trio.testing.memory_stream_pair()[0], secrets, other.public_key))
    return sides[0], sides[1]


def payload(kind: str, size: int) -> bytes:
    if kind == "random":
        return os.urandom(size)

    def item() -> list[object]:
        # Like a header: fresh hashes and addresses, a mostly empty bloom, small numbers.
        return [os.urandom(32), os.urandom(32), os.urandom(20), b"\x00" * 250 + os.urandom(6), 1234567, 21000, b""]

    count = max(1, size // len(rlp.encode(item())))
    return rlp.encode([item() for _ in range(count)])[:size]


def codec_seconds(message: bytes, count: int, compressed: bool) -> float:
    sender, receiver = connection_pair()
    if compressed:
        sender.enable_snappy()
        receiver.enable_snappy()
    started = time.perf_counter()
    for _ in range(count):
        frame = sender.encode_frame(0x11, message)
        size = receiver.decode_header(frame[:32])
        receiver.decode_frame(size, frame[32:])
    return time.perf_counter() - started


def baseline_seconds(message: bytes, count: int) -> float:
    key, mac_key = os.urandom(32), os.urandom(32)
    encryptor = Cipher(algorithms.AES(key), modes.CTR(b"\x00" * 16)).encryptor()
    decryptor = Cipher(algorithms.AES(key), modes.CTR(b"\x00" * 16)).decryptor()
    started = time.perf_counter()
    for _ in range(count):
        ciphertext = encryptor.update(message)
        tag = hmac.new(mac_key, ciphertext, hashlib.sha256).digest()
        if not hmac.compare_digest(tag, hmac.new(mac_key, ciphertext, hashlib.sha256).digest()):
            raise AssertionError("baseline MAC mismatch")
        decryptor.update(ciphertext)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--megabytes", type=float, default=16, help="payload bytes per measurement")
    args = parser.parse_args()
    print(f"{'payload':>8} {'size':>8} {'mode':>7} {'frames/s':>22} {'MB/s':>22} {'x baseline':>18}")
    for kind in ("random", "blocks"):
        for size in SIZES:
            message = payload(kind, size)
            count = max(20, int(args.megabytes * 1e6 / size))
            for mode in ("plain", "snappy"):
                rates, ratios = [], []
                for _ in range(args.rounds):
                    seconds = codec_seconds(message, count, mode == "snappy")
                    rates.append(count / seconds)
                    ratios.append(seconds / baseline_seconds(message, count))
                median, low, high = statistics.median(rates), min(rates), max(rates)
                mb = [r * size / 1e6 for r in (median, low, high)]
                print(
                    f"{kind:>8} {size:>8} {mode:>7} {median:9.0f} ({low:5.0f}, {high:5.0f})"
                    f" {mb[0]:8.1f} ({mb[1]:5.1f}, {mb[2]:5.1f})"
                    f" {statistics.median(ratios):6.2f} ({min(ratios):.2f}, {max(ratios):.2f})"
                )


if __name__ == "__main__":
    main()
