"""CPR numbers at rest: encrypted (Fernet) for display, keyed hash (HMAC-SHA256) for lookup.

The key comes from SAMSPIL_CPR_KEY (or SAMSPIL_CPR_KEY_FILE); without it one is generated once per
installation under var/. Losing the key makes stored CPR numbers unreadable, so production keeps it
with the database backups (docs/SECURITY.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet
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
def _fernet() -> Fernet:
    derived = hmac.new(_master_key(), b"samspil-cpr-encryption", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


@lru_cache(maxsize=1)
def _lookup_key() -> bytes:
    return hmac.new(_master_key(), b"samspil-cpr-lookup", hashlib.sha256).digest()


def cpr_lookup_hash(digits: str) -> str:
    return hmac.new(_lookup_key(), digits.encode(), hashlib.sha256).hexdigest()


def cpr_encrypt(digits: str) -> str:
    return _fernet().encrypt(digits.encode()).decode()


def cpr_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()
