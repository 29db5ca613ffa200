"""The RLPx transport: the v4 encrypted handshake (legacy and EIP-8 packets) and the framed, MAC'd message stream.

Everything here follows go-ethereum 1.7.1's `p2p/rlpx.go`, which Gwtc runs unchanged: the initiator sends an EIP-8
auth packet, the responder accepts both formats and answers in kind, and both sides derive AES-256-CTR and
keccak-MAC states from the ephemeral ECDH secret and the two nonces. Frames carry one message each (no chunking).
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Any

import cramjam
import rlp
import snappy
import trio
from Crypto.Hash import keccak
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes
from eth_keys.datatypes import PrivateKey, PublicKey, Signature
from eth_utils import keccak as keccak256

from walton.node.p2p import ecies

# A frame's size field has 24 bits; a message (after snappy decompression) may not exceed it either, as in go-ethereum.
MAX_MESSAGE_SIZE = 0xFFFFFF
HANDSHAKE_VERSION = 4
LEGACY_AUTH_SIZE = 194 + ecies.CIPHERTEXT_OVERHEAD  # 307
LEGACY_ACK_SIZE = 97 + ecies.CIPHERTEXT_OVERHEAD  # 210
# RLP([0, 0]): capability id and context id, which go-ethereum writes as zero and ignores on receipt.
_HEADER_DATA = b"\xc2\x80\x80"
_ZERO_IV = b"\x00" * 16


class RLPxError(Exception):
    """The peer broke the transport: bad handshake, bad MAC, garbage or an oversized message."""


class ConnectionClosed(RLPxError):
    """The peer closed the connection (EOF or a broken socket)."""


def _keccak_state(data: bytes) -> Any:
    """A running keccak256 whose digest can be read without ending it, as the frame MACs need."""
    state = keccak.new(digest_bits=256, update_after_digest=True)
    state.update(data)
    return state


def _xor(a: bytes, b: bytes) -> bytes:
    if len(a) != len(b):
        raise ValueError("xor of byte strings of different lengths")
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


@dataclass
class Secrets:
    """What the handshake yields: the two symmetric secrets and the running egress/ingress keccak MAC states."""

    aes_secret: bytes
    mac_secret: bytes
    egress_mac: Any
    ingress_mac: Any


def derive_secrets(
    *,
    initiator: bool,
    ephemeral_key: PrivateKey,
    remote_ephemeral_key: PublicKey,
    initiator_nonce: bytes,
    recipient_nonce: bytes,
    auth_packet: bytes,
    ack_packet: bytes,
) -> Secrets:
    """The RLPx key schedule; `auth_packet` and `ack_packet` are the exact bytes sent, size prefix included."""
    ephemeral_shared = ecies.ecdh(ephemeral_key, remote_ephemeral_key)
    shared_secret = keccak256(ephemeral_shared + keccak256(recipient_nonce + initiator_nonce))
    aes_secret = keccak256(ephemeral_shared + shared_secret)
    mac_secret = keccak256(ephemeral_shared + aes_secret)
    mac_for_initiator_packet = _keccak_state(_xor(mac_secret, recipient_nonce) + auth_packet)
    mac_for_recipient_packet = _keccak_state(_xor(mac_secret, initiator_nonce) + ack_packet)
    if initiator:
        return Secrets(aes_secret, mac_secret, mac_for_initiator_packet, mac_for_recipient_packet)
    return Secrets(aes_secret, mac_secret, mac_for_recipient_packet, mac_for_initiator_packet)


class RLPxConnection:
    """An established RLPx session over a trio stream: `send_message` / `receive_message` carry (code, RLP body)."""

    def __init__(
        self,
        stream: trio.abc.Stream,
        secrets_: Secrets,
        remote_public_key: PublicKey,
        *,
        max_message_size: int = MAX_MESSAGE_SIZE,
        reader: _Reader | None = None,
    ) -> None:
        self.stream = stream
        self.remote_public_key = remote_public_key
        self.max_message_size = max_message_size
        self.snappy = False
        self._egress_mac = secrets_.egress_mac
        self._ingress_mac = secrets_.ingress_mac
        aes = algorithms.AES(secrets_.aes_secret)
        self._encryptor: CipherContext = Cipher(aes, modes.CTR(_ZERO_IV)).encryptor()
        self._decryptor: CipherContext = Cipher(aes, modes.CTR(_ZERO_IV)).decryptor()
        self._mac_cipher: CipherContext = Cipher(algorithms.AES(secrets_.mac_secret), modes.ECB()).encryptor()
        self._reader = reader or _Reader(stream)
        self._send_lock = trio.Lock()
        self._receive_lock = trio.Lock()

    def enable_snappy(self) -> None:
        """Compress payloads from now on (both sides switch after a Hello with version >= 5)."""
        self.snappy = True

    def _update_mac(self, mac: Any, seed: bytes) -> bytes:
        """go-ethereum's updateMAC: mix AES(mac-secret, digest[:16]) ^ seed into the keccak state."""
        encrypted = self._mac_cipher.update(mac.digest()[:16])
        mac.update(_xor(encrypted, seed))
        return mac.digest()[:16]

    def encode_frame(self, code: int, payload: bytes) -> bytes:
        """Encrypt and MAC one message into frame bytes; advances the egress state, so frames must be sent in order."""
        if code < 0:
            raise ValueError(f"negative message code {code}")
        if len(payload) > self.max_message_size:
            raise RLPxError(f"message of {len(payload)} bytes exceeds the {self.max_message_size}-byte limit")
        if self.snappy:
            payload = snappy.compress(payload)
        frame = rlp.encode(code) + payload
        if len(frame) > min(self.max_message_size, MAX_MESSAGE_SIZE):
            raise RLPxError(f"frame of {len(frame)} bytes exceeds the {self.max_message_size}-byte limit")
        header = len(frame).to_bytes(3, "big") + _HEADER_DATA
        header_ciphertext = self._encryptor.update(header.ljust(16, b"\x00"))
        header_mac = self._update_mac(self._egress_mac, header_ciphertext)
        frame_ciphertext = self._encryptor.update(frame + b"\x00" * (-len(frame) % 16))
        self._egress_mac.update(frame_ciphertext)
        frame_mac = self._update_mac(self._egress_mac, self._egress_mac.digest()[:16])
        return header_ciphertext + header_mac + frame_ciphertext + frame_mac

    async def send_message(self, code: int, payload: bytes) -> None:
        """Send one message: `code` is the absolute message id, `payload` the RLP-encoded body."""
        async with self._send_lock:
            data = self.encode_frame(code, payload)
            try:
                await self.stream.send_all(data)
            except (trio.BrokenResourceError, trio.ClosedResourceError) as exc:
                raise ConnectionClosed(f"connection lost while sending: {exc}") from exc

    async def receive_message(self) -> tuple[int, bytes]:
        """Read one message; raises RLPxError on a bad MAC or malformed frame and ConnectionClosed on EOF."""
        async with self._receive_lock:
            frame_size = self.decode_header(await self._reader.read_exactly(32))
            body = await self._reader.read_exactly(frame_size + (-frame_size % 16) + 16)
            return self.decode_frame(frame_size, body)

    def decode_header(self, header: bytes) -> int:
        """Check and decrypt a 32-byte frame header; returns the frame size, refusing one over the limit."""
        header_ciphertext, header_mac = header[:16], header[16:]
        if not hmac.compare_digest(self._update_mac(self._ingress_mac, header_ciphertext), header_mac):
            raise RLPxError("bad frame header MAC")
        frame_size = int.from_bytes(self._decryptor.update(header_ciphertext)[:3], "big")
        if frame_size > self.max_message_size:
            raise RLPxError(f"frame of {frame_size} bytes exceeds the {self.max_message_size}-byte limit")
        if frame_size == 0:
            raise RLPxError("empty frame")
        return frame_size

    def decode_frame(self, frame_size: int, body: bytes) -> tuple[int, bytes]:
        """Check and decrypt the padded frame plus its MAC that follow a header; returns (code, payload)."""
        padded = len(body) - 16
        frame_ciphertext, frame_mac = body[:padded], body[padded:]
        self._ingress_mac.update(frame_ciphertext)
        expected = self._update_mac(self._ingress_mac, self._ingress_mac.digest()[:16])
        if not hmac.compare_digest(expected, frame_mac):
            raise RLPxError("bad frame MAC")
        code, payload = _split_code(self._decryptor.update(frame_ciphertext)[:frame_size])
        if self.snappy:
            payload = _decompress(payload, self.max_message_size)
        return code, payload

    async def aclose(self) -> None:
        await self.stream.aclose()


def _decompress(payload: bytes, limit: int) -> bytes:
    """Snappy-decompress a payload, refusing one that announces more than `limit` bytes before allocating them."""
    try:
        size = cramjam.snappy.decompress_raw_len(payload)
    except Exception as exc:  # cramjam raises its own error type for a bad length varint
        raise RLPxError(f"bad snappy payload: {exc}") from exc
    if size > limit:
        raise RLPxError(f"message decompresses to {size} bytes, over the {limit}-byte limit")
    try:
        return bytes(snappy.decompress(payload))
    except Exception as exc:
        raise RLPxError(f"bad snappy payload: {exc}") from exc


def _split_code(frame: bytes) -> tuple[int, bytes]:
    """Split a frame into its RLP-encoded message code (a canonical unsigned integer) and the payload after it."""
    first = frame[0]
    if first < 0x80:
        return first, frame[1:]
    length = first - 0x80
    if length > 8 or len(frame) < 1 + length or (length == 1 and frame[1] < 0x80) or (length > 1 and frame[1] == 0):
        raise RLPxError("frame does not start with a canonical RLP message code")
    return int.from_bytes(frame[1 : 1 + length], "big"), frame[1 + length :]


class _Reader:
    """Exact-size reads over a trio stream, keeping whatever extra bytes a read brought in."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream = stream
        self.buffer = bytearray()

    async def read_exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            try:
                chunk = await self.stream.receive_some(max(size - len(self.buffer), 65536))
            except (trio.BrokenResourceError, trio.ClosedResourceError) as exc:
                raise ConnectionClosed(f"connection lost while reading: {exc}") from exc
            if not chunk:
                raise ConnectionClosed("peer closed the connection")
            self.buffer += chunk
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


# --- the handshake -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthMessage:
    """A decoded auth packet: the initiator's static key, its ephemeral key (recovered), nonce and format."""

    remote_public_key: PublicKey
    remote_ephemeral_key: PublicKey
    nonce: bytes
    version: int
    eip8: bool


@dataclass(frozen=True)
class AckMessage:
    remote_ephemeral_key: PublicKey
    nonce: bytes
    version: int
    eip8: bool


def _public_key(data: bytes) -> PublicKey:
    if len(data) != 64:
        raise RLPxError(f"public key of {len(data)} bytes, expected 64")
    try:
        return PublicKey(data)
    except Exception as exc:
        raise RLPxError(f"invalid public key: {exc}") from exc


def _decode_list(body: bytes, min_items: int) -> list[Any]:
    """Decode an EIP-8 handshake body, ignoring extra list elements and trailing padding."""
    try:
        items = rlp.decode(body, strict=False)
    except rlp.exceptions.DecodingError as exc:
        raise RLPxError(f"bad RLP in handshake body: {exc}") from exc
    if not isinstance(items, list) or len(items) < min_items:
        raise RLPxError("handshake body is not a list of the expected fields")
    if not all(isinstance(item, bytes) for item in items[:min_items]):
        raise RLPxError("handshake body is not a list of the expected fields")
    return items


def _recover_ephemeral(private_key: PrivateKey, remote: PublicKey, nonce: bytes, signature: bytes) -> PublicKey:
    if len(signature) != 65 or len(nonce) != 32:
        raise RLPxError("bad signature or nonce length in auth")
    try:
        signed = _xor(ecies.ecdh(private_key, remote), nonce)
        return Signature(signature).recover_public_key_from_msg_hash(signed)
    except Exception as exc:
        raise RLPxError(f"cannot recover the initiator's ephemeral key: {exc}") from exc


def _seal_eip8(remote_public_key: PublicKey, body: bytes) -> bytes:
    """An EIP-8 handshake packet: ``body`` padded with 100-300 random bytes, encrypted, size prefix first."""
    body += os.urandom(100 + secrets.randbelow(201))
    prefix = (len(body) + ecies.CIPHERTEXT_OVERHEAD).to_bytes(2, "big")
    return prefix + ecies.encrypt(remote_public_key, body, prefix)


def make_auth(
    private_key: PrivateKey,
    remote_public_key: PublicKey,
    ephemeral_key: PrivateKey,
    nonce: bytes,
) -> bytes:
    """An EIP-8 auth packet (size prefix included), padded with 100-300 random bytes as EIP-8 recommends."""
    signature = ephemeral_key.sign_msg_hash(_xor(ecies.ecdh(private_key, remote_public_key), nonce))
    body = rlp.encode([signature.to_bytes(), private_key.public_key.to_bytes(), nonce, HANDSHAKE_VERSION])
    return _seal_eip8(remote_public_key, body)


def make_ack(remote_public_key: PublicKey, ephemeral_key: PrivateKey, nonce: bytes, eip8: bool) -> bytes:
    """An ack packet in the format the auth came in."""
    ephemeral = ephemeral_key.public_key.to_bytes()
    if not eip8:
        return ecies.encrypt(remote_public_key, ephemeral + nonce + b"\x00")
    return _seal_eip8(remote_public_key, rlp.encode([ephemeral, nonce, HANDSHAKE_VERSION]))


def _open_handshake(private_key: PrivateKey, packet: bytes, legacy_size: int, what: str) -> tuple[bytes, bool]:
    """The plaintext of a complete handshake packet, and whether it is EIP-8 (else legacy: exactly ``legacy_size``)."""
    if len(packet) == legacy_size:
        try:
            return ecies.decrypt(private_key, packet), False
        except ecies.DecryptionError:
            pass
    try:
        return ecies.decrypt(private_key, packet[2:], packet[:2]), True
    except ecies.DecryptionError as exc:
        raise RLPxError(f"cannot decrypt {what}: {exc}") from exc


def decode_auth(private_key: PrivateKey, packet: bytes) -> AuthMessage:
    """Decode a complete auth packet in either format (legacy: exactly 307 bytes; EIP-8: size-prefixed)."""
    plain, eip8 = _open_handshake(private_key, packet, LEGACY_AUTH_SIZE, "auth")
    if not eip8:
        remote = _public_key(plain[97:161])
        nonce = plain[161:193]
        ephemeral = _recover_ephemeral(private_key, remote, nonce, plain[:65])
        if keccak256(ephemeral.to_bytes()) != plain[65:97]:
            raise RLPxError("auth ephemeral key hash mismatch")
        return AuthMessage(remote, ephemeral, nonce, HANDSHAKE_VERSION, eip8=False)
    items = _decode_list(plain, 4)
    remote = _public_key(items[1])
    nonce = items[2]
    ephemeral = _recover_ephemeral(private_key, remote, nonce, items[0])
    return AuthMessage(remote, ephemeral, nonce, int.from_bytes(items[3], "big"), eip8=True)


def decode_ack(private_key: PrivateKey, packet: bytes) -> AckMessage:
    """Decode a complete ack packet in either format."""
    plain, eip8 = _open_handshake(private_key, packet, LEGACY_ACK_SIZE, "ack")
    if not eip8:
        return AckMessage(_public_key(plain[:64]), plain[64:96], HANDSHAKE_VERSION, eip8=False)
    items = _decode_list(plain, 3)
    if len(items[1]) != 32:
        raise RLPxError("bad nonce length in ack")
    return AckMessage(_public_key(items[0]), items[1], int.from_bytes(items[2], "big"), eip8=True)


async def _read_handshake_packet(reader: _Reader, legacy_size: int, private_key: PrivateKey) -> bytes:
    """Read a legacy packet if the first `legacy_size` bytes decrypt as one, else the rest of a size-prefixed one."""
    packet = await reader.read_exactly(legacy_size)
    try:
        ecies.decrypt(private_key, packet)
    except ecies.DecryptionError:
        size = int.from_bytes(packet[:2], "big")
        if size + 2 < legacy_size:
            raise RLPxError(f"handshake packet neither legacy nor EIP-8 (size prefix {size})") from None
        packet += await reader.read_exactly(size + 2 - legacy_size)
    return packet


async def initiate(
    stream: trio.abc.Stream,
    private_key: PrivateKey,
    remote_public_key: PublicKey,
    *,
    timeout: float = 10,
) -> RLPxConnection:
    """Run the handshake as the dialer (EIP-8 auth); raises RLPxError if it fails or takes longer than `timeout`."""
    ephemeral = PrivateKey(os.urandom(32))
    nonce = os.urandom(32)
    try:
        auth = make_auth(private_key, remote_public_key, ephemeral, nonce)
    except ValueError as exc:  # coincurve refuses a remote key that is not on the curve
        raise RLPxError(f"cannot dial {remote_public_key.to_bytes().hex()[:16]}...: {exc}") from exc
    reader = _Reader(stream)
    try:
        with trio.fail_after(timeout):
            try:
                await stream.send_all(auth)
            except (trio.BrokenResourceError, trio.ClosedResourceError) as exc:
                raise ConnectionClosed(f"connection lost during the handshake: {exc}") from exc
            ack_packet = await _read_handshake_packet(reader, LEGACY_ACK_SIZE, private_key)
    except trio.TooSlowError as exc:
        raise RLPxError(f"handshake timed out after {timeout}s") from exc
    ack = decode_ack(private_key, ack_packet)
    keys_ = derive_secrets(
        initiator=True,
        ephemeral_key=ephemeral,
        remote_ephemeral_key=ack.remote_ephemeral_key,
        initiator_nonce=nonce,
        recipient_nonce=ack.nonce,
        auth_packet=auth,
        ack_packet=ack_packet,
    )
    return RLPxConnection(stream, keys_, remote_public_key, reader=reader)


async def respond(stream: trio.abc.Stream, private_key: PrivateKey, *, timeout: float = 10) -> RLPxConnection:
    """Run the handshake as the listener, accepting legacy and EIP-8 auth; raises RLPxError on failure or timeout."""
    reader = _Reader(stream)
    ephemeral = PrivateKey(os.urandom(32))
    nonce = os.urandom(32)
    try:
        with trio.fail_after(timeout):
            auth_packet = await _read_handshake_packet(reader, LEGACY_AUTH_SIZE, private_key)
            auth = decode_auth(private_key, auth_packet)
            ack_packet = make_ack(auth.remote_public_key, ephemeral, nonce, auth.eip8)
            try:
                await stream.send_all(ack_packet)
            except (trio.BrokenResourceError, trio.ClosedResourceError) as exc:
                raise ConnectionClosed(f"connection lost during the handshake: {exc}") from exc
    except trio.TooSlowError as exc:
        raise RLPxError(f"handshake timed out after {timeout}s") from exc
    keys_ = derive_secrets(
        initiator=False,
        ephemeral_key=ephemeral,
        remote_ephemeral_key=auth.remote_ephemeral_key,
        initiator_nonce=auth.nonce,
        recipient_nonce=nonce,
        auth_packet=auth_packet,
        ack_packet=ack_packet,
    )
    return RLPxConnection(stream, keys_, auth.remote_public_key, reader=reader)


async def connect(
    host: str, port: int, private_key: PrivateKey, remote_public_key: PublicKey, *, timeout: float = 10
) -> RLPxConnection:
    """Dial a peer over TCP and run the handshake; the socket is closed again if the handshake fails."""
    try:
        with trio.fail_after(timeout):
            stream = await trio.open_tcp_stream(host, port)
    except (OSError, trio.TooSlowError) as exc:
        raise ConnectionClosed(f"cannot connect to {host}:{port}: {exc}") from exc
    try:
        return await initiate(stream, private_key, remote_public_key, timeout=timeout)
    except BaseException:
        await trio.aclose_forcefully(stream)
        raise
