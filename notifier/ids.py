"""Stable delivery ids: the same outbox row always goes out under the same id, so receivers can
drop duplicates after a crash or a retry.

The row's creation time is mixed in with its dedupe key because dedupe keys restart at
change-1 in every new database; two installations must not collide at one receiver.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

PREFIX = "rw-"


def delivery_id(dedupe_key: str, created_at: str) -> str:
    digest = hashlib.sha256(f"{dedupe_key}\n{created_at}".encode()).hexdigest()
    return PREFIX + digest[:32]


def bundle_delivery_id(route: str, channel: str, bundle: str, created_at: str, part: int, parts: int) -> str:
    """One id for (one part of) the changes one document version made, for one route and
    channel: derived from that version and the bundle's creation, never from which rows a
    pass happened to claim, so a resend carries the same id."""
    seed = f"bundle\n{route}\n{channel}\n{bundle}\n{created_at}\n{part}/{parts}"
    return PREFIX + "bundle-" + hashlib.sha256(seed.encode()).hexdigest()[:32]


def digest_delivery_id(member_ids: Iterable[str]) -> str:
    """One id for a bundle, derived from the set of its members (order does not matter)."""
    joined = "\n".join(sorted(set(member_ids)))
    return PREFIX + "digest-" + hashlib.sha256(f"digest\n{joined}".encode()).hexdigest()[:32]
