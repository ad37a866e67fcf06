"""Checking the chain: recompute every hash in order and report the first entry that differs."""

from __future__ import annotations

from dataclasses import dataclass

from samspil.audit.chain import entry_hash
from samspil.audit.constants import GENESIS_HASH
from samspil.audit.models import AuditChainHead, AuditEntry


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""


def audit_verify(*, batch_size: int = 5000) -> ChainVerification:
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size)
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainVerification(
                False, checked, expected_seq, f"entry #{expected_seq} is missing"
            )
        if entry.prev_hash != prev_hash:
            return ChainVerification(
                False, checked, entry.seq, f"entry #{entry.seq} does not follow its predecessor"
            )
        digest = entry_hash(
            prev_hash=entry.prev_hash,
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_username=entry.actor_username,
            organisation_id=entry.organisation_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            purpose=entry.purpose,
            reason=entry.reason,
            changes=entry.changes,
            object_ids=entry.object_ids,
        )
        if digest != entry.hash:
            return ChainVerification(
                False, checked, entry.seq, f"entry #{entry.seq} was altered after it was written"
            )
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.seq != checked:
        return ChainVerification(
            False, checked, checked + 1, f"entries after #{checked} are missing"
        )
    return ChainVerification(True, checked)
