"""CPR numbers at rest: encrypted (Fernet) for display, keyed hash (HMAC-SHA256) for lookup.

The key comes from SAMSPIL_CPR_KEY (or SAMSPIL_CPR_KEY_FILE); without it one is generated once per
installation under var/. Losing the key makes stored CPR numbers unreadable, so production keeps it
with the database backups (docs/SECURITY.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from samspil.core.env import ConfigurationError, env_secret


@lru_cache(maxsize=1)
def _master_key() -> bytes:
    try:
        text = env_secret("SAMSPIL_CPR_KEY")
    except ConfigurationError as error:
        if "_FILE" in str(error):
            raise
        key_file = Path(settings.VAR_DIR) / "cpr_key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(32), encoding="utf-8")
            key_file.chmod(0o600)
        text = key_file.read_text(encoding="utf-8").strip()
    return hashlib.sha256(text.encode()).digest()


@lru_cache(maxsize=1)
def _fernet_key() -> bytes:
    return hmac.new(_master_key(), b"samspil-cpr-encryption", hashlib.sha256).digest()


@lru_cache(maxsize=1)
def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_fernet_key()))


@lru_cache(maxsize=1)
def _lookup_key() -> bytes:
    return hmac.new(_master_key(), b"samspil-cpr-lookup", hashlib.sha256).digest()


def cpr_lookup_hash(digits: str) -> str:
    return hmac.digest(_lookup_key(), digits.encode(), "sha256").hex()


def cpr_encrypt(digits: str) -> str:
    return _fernet().encrypt(digits.encode()).decode()


_BLOCK = 16
_FERNET_VERSION = b"\x80"


def cpr_encrypt_many(numbers: Sequence[str]) -> list[str]:
    """`cpr_encrypt` for many numbers at once: the same Fernet tokens, made in bulk.

    Why: a bulk import encrypts hundreds of thousands of numbers, and `Fernet.encrypt` sets up a
    new cipher for each (most of its time). A CPR number pads to one AES block, and AES-CBC of one
    block is AES(IV xor block); so every block, each xored with its own fresh random IV, goes
    through one block-cipher context in a single call. The tokens are byte for byte what Fernet
    makes (version, time, IV, ciphertext, HMAC-SHA256) and `cpr_decrypt` reads them; the
    protection is unchanged: AES-128-CBC, a random IV per number, an authenticated token.
    Anything longer than one block goes through Fernet itself.
    """
    key = _fernet_key()
    signing_key, encryption_key = key[:_BLOCK], key[_BLOCK:]
    plain = [number.encode() for number in numbers]
    ivs = os.urandom(_BLOCK * len(plain))
    stamp = _FERNET_VERSION + int(time.time()).to_bytes(8, "big")
    single = [i for i, data in enumerate(plain) if len(data) < _BLOCK]
    padded = b"".join(  # PKCS7
        plain[i] + bytes([_BLOCK - len(plain[i])]) * (_BLOCK - len(plain[i])) for i in single)
    chosen_ivs = b"".join(ivs[i * _BLOCK:(i + 1) * _BLOCK] for i in single)
    xored = (int.from_bytes(padded, "big") ^ int.from_bytes(chosen_ivs, "big")).to_bytes(
        len(padded), "big")
    # ECB over independent blocks = CBC of each one-block message under its own IV (see above).
    encryptor = Cipher(algorithms.AES(encryption_key), modes.ECB()).encryptor()  # noqa: S305
    blocks = encryptor.update(xored) + encryptor.finalize()
    tokens: list[str] = [""] * len(plain)
    for n, i in enumerate(single):
        body = stamp + ivs[i * _BLOCK:(i + 1) * _BLOCK] + blocks[n * _BLOCK:(n + 1) * _BLOCK]
        tokens[i] = base64.urlsafe_b64encode(
            body + hmac.digest(signing_key, body, "sha256")).decode()
    for i, data in enumerate(plain):
        if len(data) >= _BLOCK:
            tokens[i] = _fernet().encrypt(data).decode()
    return tokens


def cpr_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()
