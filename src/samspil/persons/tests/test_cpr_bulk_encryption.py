"""CPR numbers encrypted in bulk are ordinary Fernet tokens: same protection, same reading."""

from __future__ import annotations

import base64

from samspil.persons.protection import cpr_decrypt, cpr_encrypt_many


def test_numbers_encrypted_in_bulk_decrypt_to_themselves():
    numbers = ["1203104234", "1203104234", "0101700000", "", "a" * 40]
    tokens = cpr_encrypt_many(numbers)
    assert [cpr_decrypt(token) for token in tokens] == numbers


def test_every_token_has_its_own_random_iv():
    tokens = cpr_encrypt_many(["1203104234"] * 50)
    ivs = {base64.urlsafe_b64decode(token)[9:25] for token in tokens}
    assert len(ivs) == 50


def test_a_token_is_a_fernet_token():
    raw = base64.urlsafe_b64decode(cpr_encrypt_many(["1203104234"])[0])
    # version, 8-byte time, 16-byte IV, one AES block, 32-byte HMAC
    assert raw[0] == 0x80 and len(raw) == 1 + 8 + 16 + 16 + 32


def test_nothing_to_encrypt_is_nothing():
    assert cpr_encrypt_many([]) == []
