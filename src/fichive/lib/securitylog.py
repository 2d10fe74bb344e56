"""The `fichive.security` log: one line per security event (failed log-ins, lockouts,
password and email changes, roles granted), naming the user by id and the visitor by a short
hash of their address (lib/visitors.py), never by the address itself, and never a password."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from fichive.lib.visitors import address_hash

logger = logging.getLogger("fichive.security")


def security_event(event: str, *, request: HttpRequest | None = None,
                   user_id: int | None = None, level: int = logging.INFO,
                   **fields: Any) -> None:
    """Log `event` ("login_failed", "password_changed", …) with the user's id, the address
    hash of `request`'s visitor and any other `fields` (short values, no secrets)."""
    parts = [f"event={event}"]
    if user_id is not None:
        parts.append(f"user_id={user_id}")
    if request is not None:
        parts.append(f"address={address_hash(request.META)[:16]}")
    parts.extend(f"{name}={value}" for name, value in fields.items())
    logger.log(level, " ".join(parts))
