"""The hash of an audit entry: pure, so `verify` recomputes exactly what `record` wrote."""

from __future__ import annotations

import hashlib
import json
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
) -> str:
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
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()
