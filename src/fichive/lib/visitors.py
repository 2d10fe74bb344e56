"""Who a guest is, without keeping who they are: a salted hash of their address.

Kudos (one per guest per work) and hits (one per visitor per work per day) recognise guests
by `address_hash`, an HMAC of the client address under a key derived from the archive's
secret key; the address itself is never stored. Behind a TLS proxy
(FICHIVE_BEHIND_TLS_PROXY) the address is the last hop of X-Forwarded-For, which the proxy
sets (README, "nginx in front"); otherwise REMOTE_ADDR.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(b"fichive visitor address\0" + secret.encode()).digest()


def client_address(meta: Mapping[str, Any]) -> str:
    """The visitor's address from a request's META (or a WSGI environ)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")[-1].strip()
        if forwarded:
            return forwarded
    return str(meta.get("REMOTE_ADDR", "") or "")


def address_hash(meta: Mapping[str, Any]) -> str:
    """64 hex digits standing for the visitor's address; the same address, the same hash."""
    return hmac.new(_key(settings.SECRET_KEY), client_address(meta).encode(),
                    hashlib.sha256).hexdigest()
