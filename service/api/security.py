"""API keys: stored as SHA-256 hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Literal

Role = Literal["anonymous", "staff", "admin"]


def hash_key(key: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A fresh random API key."""
    return "cited_" + secrets.token_urlsafe(32)


def _matches(digest: str, hashes: list[str]) -> bool:
    found = False
    for h in hashes:  # no early exit: timing does not reveal which entry matched
        found |= hmac.compare_digest(digest, h.strip().lower().removeprefix("sha256:"))
    return found


def role_for(key: str | None, staff_hashes: list[str], admin_hashes: list[str]) -> Role | None:
    """The role a key grants: None for an unknown key, 'anonymous' without one."""
    if not key:
        return "anonymous"
    digest = hash_key(key)
    if _matches(digest, admin_hashes):
        return "admin"
    if _matches(digest, staff_hashes):
        return "staff"
    return None
