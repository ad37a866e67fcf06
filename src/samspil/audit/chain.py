"""The hash of an audit entry: pure, so `verify` recomputes exactly what `record` wrote."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any


def canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_username: str,
    organisation_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    purpose: str,
    reason: str,
    changes: Any,
    object_ids: Sequence[str] = (),
) -> str:
    # The id list of a list read joins the hashed content only when present, so every entry
    # written before the column existed still hashes exactly as it did.
    extra = [list(object_ids)] if object_ids else []
    body = json.dumps(
        [
            seq,
            canonical_time(at),
            actor_id,
            actor_username,
            organisation_id,
            action,
            object_type,
            object_id,
            purpose,
            reason,
            changes,
            *extra,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()
