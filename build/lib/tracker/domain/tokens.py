"""Secrets handed out in links and headers (update links, API tokens, session cookies) are kept only as hashes."""

from __future__ import annotations

import hashlib


def hash_token(token: str) -> str:
    """The SHA-256 of a random token, as stored: the token itself is never kept. A random 256-bit token needs no
    salt or slow hash (there is no dictionary to try), and a lookup by hash stays one indexed query."""
    return hashlib.sha256(token.encode()).hexdigest()
