"""Checkpoints encrypted at rest: the key, its format, and the serializer that uses it.

Checkpoints hold the whole run state — requests, tool arguments and results — so card numbers,
IBANs, emails and phones a run handled sit in them. With a key, every checkpoint and pending
write is encrypted with AES (EAX mode, authenticated) by LangGraph's ``EncryptedSerializer``;
without one they are stored as LangGraph stores them, readable by anyone who can read the file.

The key comes from ``$PLANGATE_CHECKPOINT_KEY`` (or ``key=`` in Python): 16, 24 or 32 bytes
written as hex (32, 48 or 64 hex digits) or base64 (``openssl rand -base64 32``). Several keys
separated by commas rotate the key: the first encrypts, every one of them decrypts.

Reading is explained, never a traceback: an encrypted checkpoint read without a key, or with a
key that does not open it, raises ``CheckpointKeyError`` naming the variable and the database.
A plain checkpoint is read with or without a key (LangGraph tells the two apart by the type tag
``msgpack`` vs ``msgpack+aes``), so setting a key on an existing database keeps its runs.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Sequence
from typing import Any

from langgraph.checkpoint.serde.base import CipherProtocol, SerializerProtocol
from langgraph.checkpoint.serde.encrypted import EncryptedSerializer
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from plangate.tools.errors import UsageError

__all__ = ["KEY_VAR", "CheckpointKeyError", "checkpoint_serde", "parse_keys"]

KEY_VAR = "PLANGATE_CHECKPOINT_KEY"
"""The environment variable holding the checkpoint key(s)."""

_KEY_SIZES = (16, 24, 32)
_HEX = re.compile(r"[0-9a-fA-F]+")
_FORMAT = "give 16, 24 or 32 bytes as hex or base64, e.g. the output of `openssl rand -hex 32`"


class CheckpointKeyError(UsageError):
    """The checkpoint key is malformed, missing for encrypted checkpoints, or does not open them.

    Messages name where the key came from and what is wrong, never the key itself.
    """


def _decode_one(text: str, source: str, label: str) -> bytes:
    """One key from its hex or base64 text (text of hex digits only is read as hex)."""
    if _HEX.fullmatch(text):
        if len(text) % 2:
            raise CheckpointKeyError(
                f"{source}: {label} has an odd number of hex digits; {_FORMAT}"
            )
        key, what = bytes.fromhex(text), "hex"
    else:
        try:
            padded = text + "=" * (-len(text) % 4)  # token_urlsafe() output comes unpadded
            key = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raise CheckpointKeyError(
                f"{source}: {label} is neither hex nor base64; {_FORMAT}"
            ) from None
        what = "base64"
    if len(key) not in _KEY_SIZES:
        raise CheckpointKeyError(
            f"{source}: {label} is {what} of {len(key)} bytes, not 16, 24 or 32; {_FORMAT}"
        )
    return key


def parse_keys(text: str, source: str = KEY_VAR) -> list[bytes]:
    """The AES keys written in ``text``: one, or several separated by commas (first encrypts).

    Args:
        text: hex or base64 keys, surrounding blanks ignored.
        source: where the text came from, named in errors (the variable, or ``key=``).

    Raises:
        CheckpointKeyError: ``text`` is blank, or a key is not hex/base64 of 16, 24 or 32 bytes;
            the message names ``source`` and which key, never the key.
    """
    parts = [part.strip() for part in text.split(",")]
    if not any(parts):
        raise CheckpointKeyError(
            f"{source} is empty: unset it to store checkpoints unencrypted, or {_FORMAT}"
        )
    keys: list[bytes] = []
    for index, part in enumerate(parts, start=1):
        label = f"key {index} of {len(parts)}" if len(parts) > 1 else "the key"
        if not part:
            raise CheckpointKeyError(f"{source}: {label} is empty; {_FORMAT}")
        keys.append(_decode_one(part, source, label))
    return keys


class _KeyringCipher(CipherProtocol):
    """AES under the first key; decryption tries every key, then explains the failure."""

    def __init__(self, ciphers: Sequence[CipherProtocol], source: str, where: str) -> None:
        self.ciphers = list(ciphers)
        self.source = source
        self.where = where

    def encrypt(self, plaintext: bytes) -> tuple[str, bytes]:
        return self.ciphers[0].encrypt(plaintext)

    def decrypt(self, ciphername: str, ciphertext: bytes) -> bytes:
        if ciphername != "aes":
            raise CheckpointKeyError(
                f"checkpoints in {self.where} use cipher {ciphername!r}, which plangate cannot "
                "read (it writes 'aes')"
            )
        for cipher in self.ciphers:
            try:
                return cipher.decrypt(ciphername, ciphertext)
            except ValueError:  # pycryptodome's "MAC check failed": not this key
                continue
        raise CheckpointKeyError(
            f"{self.source} does not decrypt the checkpoints in {self.where}: it is not the key "
            "they were written with (or the file was altered); set that key"
        )


class _PlainSerializer(JsonPlusSerializer):
    """LangGraph's serializer, explaining encrypted checkpoints instead of failing on them."""

    def __init__(self, where: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.where = where

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        if "+" in data[0]:  # EncryptedSerializer's tag: "<type>+<cipher>"
            raise CheckpointKeyError(
                f"checkpoints in {self.where} are encrypted: set {KEY_VAR} to the key they were "
                "written with"
            )
        return super().loads_typed(data)


def _aes_ciphers(keys: Sequence[bytes]) -> list[CipherProtocol]:
    try:
        import Crypto.Cipher.AES  # noqa: F401  (probe: LangGraph's import error names the wrong package)
    except ImportError:
        raise CheckpointKeyError(
            f"encrypted checkpoints ({KEY_VAR} or key=) need pycryptodome: "
            "pip install 'plangate[encryption]'"
        ) from None
    return [EncryptedSerializer.from_pycryptodome_aes(key=key).cipher for key in keys]


def checkpoint_serde(
    key: str | bytes | None = None, *, where: str = "the checkpointer"
) -> SerializerProtocol:
    """The serializer a checkpointer should use: encrypted when a key is given or set.

    Pass it to any LangGraph saver, e.g. ``PostgresSaver(conn, serde=checkpoint_serde())``.

    Args:
        key: raw key bytes (16, 24 or 32), or their hex/base64 text (commas separate rotated
            keys, first encrypts); ``None`` reads ``$PLANGATE_CHECKPOINT_KEY``, and when that
            is unset too the checkpoints are stored unencrypted.
        where: the store named in errors, e.g. the database file.

    Raises:
        CheckpointKeyError: the key is malformed, or pycryptodome is missing (the message gives
            ``pip install 'plangate[encryption]'``).
    """
    if isinstance(key, bytes):
        if len(key) not in _KEY_SIZES:
            raise CheckpointKeyError(f"key=: {len(key)} bytes, not 16, 24 or 32")
        keys, source = [key], "key="
    elif key is not None:
        keys, source = parse_keys(key, "key="), "key="
    elif (text := os.environ.get(KEY_VAR)) is not None:
        keys, source = parse_keys(text), KEY_VAR
    else:
        return _PlainSerializer(where)
    # The inner serializer is LangGraph's own, so compiled graphs can still narrow its msgpack
    # allow-list (BaseCheckpointSaver.with_allowlist keeps the cipher when it clones).
    return EncryptedSerializer(
        _KeyringCipher(_aes_ciphers(keys), source, where), JsonPlusSerializer()
    )
