"""JSON Web Tokens: RS256-signed access and refresh tokens, and the public JWKS.

The private key comes from ``JWT_PRIVATE_KEY`` (PEM); without it one is generated on
first use and kept in ``MERCATO_HOME/jwt_private_key.pem`` (mode 0600).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
import secrets
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.utils import timezone

ACCESS = "access"
REFRESH = "refresh"
ALGORITHM = "RS256"


class TokenError(Exception):
    """A token that cannot be used; ``code`` is an ``AccountErrorCode``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _generate_key_file(path: Any) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return pem


@cache
def private_key() -> rsa.RSAPrivateKey:
    pem: str | bytes | None = settings.JWT_PRIVATE_KEY
    if not pem:
        path = settings.MERCATO_HOME / "jwt_private_key.pem"
        try:
            pem = path.read_bytes()
        except FileNotFoundError:
            try:
                pem = _generate_key_file(path)
            except FileExistsError:  # another process won the race
                pem = path.read_bytes()
    raw = pem.encode() if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(raw, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("JWT_PRIVATE_KEY must be an RSA private key")
    return key


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@cache
def key_id() -> str:
    numbers = private_key().public_key().public_numbers()
    return hashlib.sha256(f"{numbers.n}:{numbers.e}".encode()).hexdigest()[:16]


def jwks() -> dict[str, Any]:
    """The public key set that verifies mercato's tokens."""
    numbers = private_key().public_key().public_numbers()
    return {
        "keys": [
            {
                "kty": "RSA",
                "use": "sig",
                "alg": ALGORITHM,
                "kid": key_id(),
                "n": _b64(numbers.n),
                "e": _b64(numbers.e),
            }
        ]
    }


def encode(payload: dict[str, Any], lifetime: datetime.timedelta) -> str:
    now = timezone.now()
    claims = {
        "iss": settings.JWT_ISSUER,
        "iat": now,
        "exp": now + lifetime,
        **payload,
    }
    return jwt.encode(
        claims, private_key(), algorithm=ALGORITHM, headers={"kid": key_id()}
    )


def decode(token: str, expected_type: str) -> dict[str, Any]:
    """Verify signature, expiry, issuer and type; raise ``TokenError`` otherwise.

    Only RS256 with mercato's own public key is accepted, so ``alg: none`` and HS256
    signed with the public key are rejected.
    """
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            private_key().public_key(),
            algorithms=[ALGORITHM],
            issuer=settings.JWT_ISSUER,
            options={"require": ["exp", "iat", "iss", "type"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("JWT_SIGNATURE_EXPIRED", "Signature has expired") from exc
    except jwt.DecodeError as exc:
        raise TokenError("JWT_DECODE_ERROR", "Error decoding signature") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError("JWT_INVALID_TOKEN", "Invalid token") from exc
    if payload.get("type") != expected_type:
        raise TokenError("JWT_INVALID_TOKEN", "Invalid token type")
    return payload


def new_id() -> str:
    return secrets.token_urlsafe(24)
