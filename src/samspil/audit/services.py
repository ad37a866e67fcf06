"""Appending to the audit trail. The only writer of AuditEntry.

An entry is written inside the caller's transaction, so a change and its entry commit together or
not at all: a crash can never leave a change without its audit entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from samspil.audit.chain import entry_hash
from samspil.audit.models import AuditChainHead, AuditEntry


class Actor(Protocol):
    pk: Any
    username: str
    organisation_id: int | None


def _plain(value: Any) -> Any:
    """Round-trip through JSON so that what is hashed is exactly what the database returns."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def object_label(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


@dataclass(frozen=True)
class AuditEvent:
    action: str
    object_type: str = ""
    object_id: str = ""
    purpose: str = ""
    reason: str = ""
    changes: Mapping[str, Any] | None = None
    # A read of many records of one type in one entry (see log_reads); empty for one record.
    object_ids: tuple[str, ...] = ()


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    purpose: str = "",
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEntry:
    if obj is not None:
        object_type = object_label(obj)
        object_id = obj.pk
    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose,
        reason=reason,
        changes=changes,
    )
    return audit_record_many(actor=actor, events=[event], actor_username=actor_username)[0]


def audit_record_many(
    *, actor: Actor | None, events: Iterable[AuditEvent], actor_username: str = ""
) -> list[AuditEntry]:
    """Append several entries under one lock (a search result, a bulk action)."""
    events = list(events)
    if not events:
        # Nothing to write: do not take (and so serialise on) the chain head's lock.
        return []
    actor_id = int(actor.pk) if actor is not None and actor.pk is not None else None
    username = actor.username if actor is not None else actor_username
    organisation_id = actor.organisation_id if actor is not None else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        now = timezone.now()
        entries = []
        seq, prev_hash = head.seq, head.last_hash
        for event in events:
            seq += 1
            changes = _plain(dict(event.changes or {}))
            fields: dict[str, Any] = {
                "seq": seq,
                "at": now,
                "actor_id": actor_id,
                "actor_username": username,
                "organisation_id": organisation_id,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "purpose": event.purpose,
                "reason": event.reason,
                "changes": changes,
                "object_ids": list(event.object_ids),
            }
            digest = entry_hash(prev_hash=prev_hash, **fields)
            entries.append(AuditEntry(prev_hash=prev_hash, hash=digest, **fields))
            prev_hash = digest
        AuditEntry.objects.bulk_create(entries)
        head.seq, head.last_hash = seq, prev_hash
        head.save(update_fields=["seq", "last_hash"])
    return entries


def changes_between(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that differ; a created record has old = None."""
    before = before or {}
    after = after or {}
    changed: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changed[key] = [old, new]
    return _plain(changed)


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a model instance, by attribute name (FKs as ids)."""
    names = (
        list(fields)
        if fields is not None
        else [f.attname for f in instance._meta.concrete_fields if not f.primary_key]
    )
    return {name: getattr(instance, name) for name in names}
