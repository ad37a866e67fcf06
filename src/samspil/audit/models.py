"""The append-only, hash-chained audit trail.

Every entry carries the hash of the previous one, so changing or deleting a row breaks the chain
from that row on (`samspil audit verify`). Actor and organisation are copied as plain values, not
foreign keys: the trail must never change or block when a user or organisation does.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.audit.constants import GENESIS_HASH, Action
from samspil.audit.fields import IdListField


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("user id"), null=True, db_index=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    organisation_id = models.BigIntegerField(_("organisation id"), null=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=60, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    # One entry for a list of records of one type (a queue page, a search result): their ids.
    object_ids = IdListField(_("record ids"), default=list, blank=True)
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """One row: the last number and hash. Locking it serialises appends to the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"#{self.seq} {self.last_hash[:12]}"
