"""Cache keys built from client-supplied text.

An email or a search string can hold spaces, control characters or hundreds of
bytes; Django warns (and memcached would fail) on such keys. Hash the parts.
"""

from __future__ import annotations

import hashlib


def hashed_key(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass"))
    return f"mercato:{prefix}:{digest.hexdigest()}"
