"""Persons and their relations. Every row is owned by an organisation (access.OwnedRecord)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.access.models import OwnedRecord
from samspil.persons.constants import Gender, RecordSource, RelationKind
from samspil.persons.cpr import mask


def new_person_key() -> str:
    return f"S-{uuid.uuid4().hex[:16]}"


class Person(OwnedRecord):
    person_key = models.CharField(_("person key"), max_length=64, unique=True,
                                  default=new_person_key)
    # The CPR number is never stored in clear: a keyed hash finds it, a ciphertext shows it.
    cpr_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    cpr_encrypted = models.TextField(blank=True)
    given_name = models.CharField(_("given name"), max_length=120, blank=True)
    family_name = models.CharField(_("family name"), max_length=120, blank=True)
    name_folded = models.CharField(max_length=250, blank=True, db_index=True)
    duplicate_key = models.CharField(max_length=120, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("home municipality"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    source = models.CharField(max_length=10, choices=RecordSource.choices,
                              default=RecordSource.MANUAL)
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_persons",
        verbose_name=_("merged into"),
    )

    class Meta:
        indexes = [
            models.Index(fields=["birth_date", "duplicate_key"]),
            models.Index(fields=["municipality", "birth_date"]),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.full_name or self.person_key

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def cpr_masked(self) -> str:
        return mask(self.birth_date) if self.cpr_hash else ""


class NameToken(models.Model):
    """One folded word of a person's name, for fast prefix search on large registers."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=60)

    class Meta:
        indexes = [
            models.Index(fields=["token", "person"]),
            # Prefix search (LIKE 'abc%') on PostgreSQL whatever the database collation; other
            # databases ignore the operator classes and search the plain index by range.
            models.Index(fields=["token", "person"], name="persons_nametoken_prefix",
                         opclasses=["varchar_pattern_ops", "int8_ops"]),
        ]

    def __str__(self) -> str:
        return self.token


class Relation(OwnedRecord):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_from")
    related_person = models.ForeignKey(Person, on_delete=models.CASCADE,
                                       related_name="relations_to")
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "related_person", "kind"],
                                    name="relation_unique"),
            models.CheckConstraint(condition=~models.Q(person=models.F("related_person")),
                                   name="relation_not_self"),
        ]
        indexes = [models.Index(fields=["related_person", "kind"])]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.related_person_id}"


class PersonMerge(models.Model):
    """A merge of a duplicate into a surviving person: what moved, so it can be undone."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    moved = models.JSONField(default=dict)  # {"involvements": [ids], "relations": [ids], …}
    merged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
