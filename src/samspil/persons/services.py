"""Writes to persons and relations: registration, changes, relations, merges. Each one audited.

The CPR number is never written in clear: not to the person row (a keyed hash finds it, a
ciphertext shows it) and not to the audit trail (a change is recorded as "cpr": "changed").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import Confidentiality, Purpose
from samspil.access.models import AccessGrant
from samspil.access.policy import readable
from samspil.access.services import record_access_grant
from samspil.audit.constants import Action
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.persons.constants import (
    CARE_KINDS,
    SYMMETRIC_KINDS,
    Gender,
    RecordSource,
    RelationKind,
)
from samspil.persons.cpr import Cpr, CprError, parse_cpr
from samspil.persons.folding import duplicate_key, fold, name_tokens
from samspil.persons.models import NameToken, Person, PersonMerge, Relation
from samspil.persons.protection import cpr_decrypt, cpr_encrypt, cpr_lookup_hash
from samspil.persons.registry import person_movers
from samspil.persons.roles import MERGE_ROLES, REGISTER_ROLES

# What the audit trail records of a person: everything but the CPR columns (recorded as
# "cpr": "changed") and the derived search columns.
AUDITED_FIELDS = (
    "person_key", "given_name", "family_name", "birth_date", "gender", "municipality_id",
    "address", "postal_code", "source", "is_synthetic", "merged_into_id", "owner_organisation_id",
    "confidentiality",
)
RELATION_FIELDS = ("person_id", "related_person_id", "kind", "owner_organisation_id")
_TOKEN_MAX = NameToken._meta.get_field("token").max_length or 60
_UNSET: Any = object()

# PersonMerge.moved keys written by the merge itself (the rest name registered person movers).
MOVED_RELATION_PERSON = "persons.relation.person"
MOVED_RELATION_RELATED = "persons.relation.related_person"
MOVED_CPR = "persons.person.cpr"
MOVED_GRANTS = "access.accessgrant"
_OWN_MOVED_KEYS = frozenset({MOVED_RELATION_PERSON, MOVED_RELATION_RELATED, MOVED_CPR,
                             MOVED_GRANTS})


class DuplicateCprError(ValidationError):
    """A person with this CPR number exists already; `person_key` names it."""

    def __init__(self, existing: Person) -> None:
        self.existing = existing
        self.person_key = existing.person_key
        super().__init__(
            {"cpr": [_("A person with this CPR number is already registered (person key "
                       "%(key)s).") % {"key": existing.person_key}]}
        )


class MergeError(ValidationError):
    pass


# --- name index ----------------------------------------------------------------------------

def name_index_values(given_name: str, family_name: str) -> tuple[str, str, list[str]]:
    """(name_folded, duplicate_key, tokens) for a name. Pure; the importer uses it too."""
    folded = fold(f"{given_name} {family_name}")[:250]
    tokens = sorted({token[:_TOKEN_MAX] for token in name_tokens(given_name, family_name)})
    return folded, duplicate_key(given_name, family_name)[:120], tokens


def persons_name_index(persons: Sequence[Person]) -> int:
    """Bring name_folded, duplicate_key and the NameToken rows of saved persons up to date.

    One query per kind of write whatever the batch size, so the bulk importer can call it per
    batch. Returns the number of tokens written.
    """
    if not persons:
        return 0
    changed: list[Person] = []
    tokens: list[NameToken] = []
    for person in persons:
        folded, key, words = name_index_values(person.given_name, person.family_name)
        if (person.name_folded, person.duplicate_key) != (folded, key):
            person.name_folded, person.duplicate_key = folded, key
            changed.append(person)
        tokens.extend(NameToken(person_id=person.pk, token=word) for word in words)
    if changed:
        Person.objects.bulk_update(changed, ["name_folded", "duplicate_key"], batch_size=1000)
    NameToken.objects.filter(person_id__in=[p.pk for p in persons]).delete()
    NameToken.objects.bulk_create(tokens, batch_size=2000)
    return len(tokens)


def person_name_index(person: Person) -> None:
    persons_name_index([person])


# --- identity ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    cpr: Cpr | None
    birth_date: date | None
    gender: str


def _cpr_message(code: str) -> str:
    if code == "date":
        return _("The first six digits of the CPR number are not a real date.")
    return _("A CPR number has 10 digits: DDMMYYSSSS or DDMMYY-SSSS.")


def identity_check(*, cpr: str | None, birth_date: date | None, gender: str | None) -> Identity:
    """Validate CPR, birth date and gender together; derive what the CPR number gives.

    Numbers issued since 2007 need not pass modulus 11, so that check is never applied.
    """
    parsed: Cpr | None = None
    if cpr is not None and cpr.strip():
        try:
            parsed = parse_cpr(cpr)
        except CprError as error:
            raise ValidationError({"cpr": [_cpr_message(error.code)]}) from None
        if birth_date is not None and birth_date != parsed.birth_date:
            raise ValidationError({"birth_date": [
                _("The birth date does not agree with the CPR number (%(date)s).")
                % {"date": parsed.birth_date.strftime("%d.%m.%Y")}
            ]})
        birth_date = parsed.birth_date
    elif birth_date is None:
        raise ValidationError({"birth_date": [_("Give a birth date when there is no CPR number.")]})
    if birth_date > timezone.localdate():
        raise ValidationError({"birth_date": [_("The birth date is in the future.")]})
    gender = (gender or "").strip().upper()
    if gender and gender not in Gender.values:
        raise ValidationError({"gender": [_("Gender is M, F or X.")]})
    if not gender and parsed is not None:
        gender = parsed.gender
    return Identity(parsed, birth_date, gender)


def _require_organisation(actor: Any) -> None:
    if actor is None or getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(_("Only a member of an organisation can register persons."))


def _require_register_role(actor: Any) -> None:
    _require_organisation(actor)
    if not actor.role_codes & REGISTER_ROLES:
        raise PermissionDenied(_("Your role does not allow registering persons."))


def _person_audit(person: Person) -> dict[str, Any]:
    return snapshot(person, AUDITED_FIELDS)


def _cpr_change(before: str | None, after: str | None) -> dict[str, str]:
    # The hash alone would let anyone holding the key test guesses; record only the fact.
    return {"cpr": "changed"} if before != after else {}


# --- registration --------------------------------------------------------------------------

@transaction.atomic
def person_register(
    *,
    actor: Any,
    given_name: str,
    family_name: str,
    municipality: Any,
    cpr: str | None = None,
    birth_date: date | None = None,
    gender: str | None = None,
    address: str = "",
    postal_code: str = "",
    person_key: str | None = None,
    source: str = RecordSource.MANUAL,
    is_synthetic: bool = False,
    confidentiality: str = Confidentiality.NORMAL,
) -> Person:
    """Register a person owned by the actor's organisation. The same CPR is the same person:
    a second registration raises DuplicateCprError naming the existing person key."""
    _require_register_role(actor)
    identity = identity_check(cpr=cpr, birth_date=birth_date, gender=gender)
    given_name, family_name = given_name.strip(), family_name.strip()
    if not given_name and not family_name:
        raise ValidationError({"family_name": [_("Give the person's name.")]})
    cpr_hash = cpr_lookup_hash(identity.cpr.digits) if identity.cpr else None
    if cpr_hash:
        existing = Person.objects.filter(cpr_hash=cpr_hash).first()
        if existing is not None:
            raise DuplicateCprError(existing)
    if person_key and Person.objects.filter(person_key=person_key).exists():
        raise ValidationError({"person_key": [_("This person key is in use.")]})
    if source not in RecordSource.values:
        raise ValidationError({"source": [_("Unknown source.")]})
    folded, key, _tokens = name_index_values(given_name, family_name)
    person = Person(
        owner_organisation_id=actor.organisation_id,
        created_by=actor,
        confidentiality=confidentiality,
        cpr_hash=cpr_hash,
        cpr_encrypted=cpr_encrypt(identity.cpr.digits) if identity.cpr else "",
        given_name=given_name,
        family_name=family_name,
        name_folded=folded,
        duplicate_key=key,
        birth_date=identity.birth_date,
        gender=identity.gender,
        municipality=municipality,
        address=address.strip(),
        postal_code=postal_code.strip(),
        source=source,
        is_synthetic=is_synthetic,
    )
    if person_key:
        person.person_key = person_key
    person.full_clean(exclude=["cpr_hash", "created_by", "owner_organisation", "municipality"])
    person.save()
    person_name_index(person)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=person,
        changes={**changes_between(None, _person_audit(person)), **_cpr_change(None, cpr_hash)},
    )
    return person


def person_get_or_register(*, actor: Any, cpr: str | None = None, **fields: Any) -> tuple[Person, bool]:
    """The person with this CPR number if there is one, else a newly registered one.

    The existing person may belong to another organisation: a caller that then creates its own
    record about the person gives its organisation access with record_access_grant().
    """
    try:
        return person_register(actor=actor, cpr=cpr, **fields), True
    except DuplicateCprError as error:
        return error.existing, False


@transaction.atomic
def person_update(
    *,
    actor: Any,
    person: Person,
    given_name: str = _UNSET,
    family_name: str = _UNSET,
    cpr: str | None = _UNSET,
    birth_date: date | None = _UNSET,
    gender: str = _UNSET,
    municipality: Any = _UNSET,
    address: str = _UNSET,
    postal_code: str = _UNSET,
    confidentiality: str = _UNSET,
) -> Person:
    """Change the fields given. Only the owning organisation changes a person.

    `cpr=None` or "" removes the CPR number; leaving it out keeps it.
    """
    _require_register_role(actor)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.owner_organisation_id != actor.organisation_id:
        raise PermissionDenied(_("Only the organisation that owns the person can change it."))
    if person.merged_into_id is not None:
        raise ValidationError(_("This person was merged into another; change that one."))
    before = _person_audit(person)
    before_hash = person.cpr_hash
    if cpr is not _UNSET or birth_date is not _UNSET or gender is not _UNSET:
        current_cpr = _current_cpr(person)
        new_cpr = current_cpr if cpr is _UNSET else cpr
        new_birth = (
            (None if new_cpr and cpr is not _UNSET else person.birth_date)
            if birth_date is _UNSET else birth_date
        )
        new_gender = (
            ("" if new_cpr and cpr is not _UNSET else person.gender)
            if gender is _UNSET else gender
        )
        identity = identity_check(cpr=new_cpr, birth_date=new_birth, gender=new_gender)
        new_hash = cpr_lookup_hash(identity.cpr.digits) if identity.cpr else None
        if new_hash != person.cpr_hash:
            existing = Person.objects.filter(cpr_hash=new_hash).exclude(pk=person.pk).first()
            if new_hash and existing is not None:
                raise DuplicateCprError(existing)
            person.cpr_hash = new_hash
            person.cpr_encrypted = cpr_encrypt(identity.cpr.digits) if identity.cpr else ""
        person.birth_date = identity.birth_date
        person.gender = identity.gender
    for name, value in (("given_name", given_name), ("family_name", family_name),
                        ("address", address), ("postal_code", postal_code)):
        if value is not _UNSET:
            setattr(person, name, value.strip())
    if not person.given_name and not person.family_name:
        raise ValidationError({"family_name": [_("Give the person's name.")]})
    if municipality is not _UNSET:
        person.municipality = municipality
    if confidentiality is not _UNSET:
        if confidentiality not in Confidentiality.values:
            raise ValidationError({"confidentiality": [_("Unknown confidentiality.")]})
        person.confidentiality = confidentiality
    person.save()
    person_name_index(person)
    changes = {**changes_between(before, _person_audit(person)),
               **_cpr_change(before_hash, person.cpr_hash)}
    if changes:
        audit_record(actor=actor, action=Action.UPDATE, obj=person, changes=changes)
    return person


def _current_cpr(person: Person) -> str | None:
    return cpr_decrypt(person.cpr_encrypted) if person.cpr_encrypted else None


# --- relations -----------------------------------------------------------------------------

def relation_warnings(*, person: Person, related_person: Person, kind: str) -> list[str]:
    """Things worth a second look that do not block the relation (a 30-year-old "child")."""
    warnings: list[str] = []
    if (kind in CARE_KINDS and person.birth_date and related_person.birth_date
            and related_person.birth_date <= person.birth_date):
        warnings.append(
            _("%(child)s is not younger than %(parent)s. Check the direction of the relation.")
            % {"child": related_person, "parent": person}
        )
    return warnings


def _relation_exists(person_id: int, related_id: int, kind: str) -> bool:
    same = Q(person_id=person_id, related_person_id=related_id, kind=kind)
    if kind in SYMMETRIC_KINDS:
        same |= Q(person_id=related_id, related_person_id=person_id, kind=kind)
    return Relation.objects.filter(same).exists()


def _purpose_for(actor: Any) -> str:
    from samspil.persons.selectors import person_purpose

    return person_purpose(actor)


@transaction.atomic
def relation_add(*, actor: Any, person: Person, related_person: Person, kind: str) -> Relation:
    """Record that `person` is `kind` of `related_person`; the actor must be able to read both.

    An unusual age order for parent_of/caregiver_of is allowed (relation_warnings says so) and
    noted in the audit entry."""
    _require_register_role(actor)
    if kind not in RelationKind.values:
        raise ValidationError({"kind": [_("Unknown relation.")]})
    if person.pk == related_person.pk:
        raise ValidationError({"related_person": [_("A person cannot be related to themselves.")]})
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(
        pk__in=[person.pk, related_person.pk])}
    visible = set(
        readable(actor, Person.objects.filter(pk__in=list(locked)), purpose=_purpose_for(actor))
        .values_list("pk", flat=True)
    )
    if visible != set(locked) or len(locked) != 2:
        raise PermissionDenied(_("You do not have access to both persons."))
    if any(p.merged_into_id for p in locked.values()):
        raise ValidationError(_("A merged person cannot get new relations."))
    if _relation_exists(person.pk, related_person.pk, kind):
        raise ValidationError({"kind": [_("This relation is already registered.")]})
    warnings = relation_warnings(person=locked[person.pk], related_person=locked[related_person.pk],
                                 kind=kind)
    relation = Relation.objects.create(
        person_id=person.pk, related_person_id=related_person.pk, kind=kind,
        owner_organisation_id=actor.organisation_id, created_by=actor,
    )
    audit_record(
        actor=actor, action=Action.CREATE, obj=relation, reason=" ".join(warnings),
        changes=changes_between(None, snapshot(relation, RELATION_FIELDS)),
    )
    return relation


@transaction.atomic
def relation_remove(*, actor: Any, relation: Relation) -> None:
    """Remove a relation the actor's organisation registered."""
    _require_register_role(actor)
    relation = Relation.objects.select_for_update().get(pk=relation.pk)
    if relation.owner_organisation_id != actor.organisation_id:
        raise PermissionDenied(_("Only the organisation that registered the relation can remove it."))
    before = snapshot(relation, RELATION_FIELDS)
    pk = relation.pk
    relation.delete()
    audit_record(actor=actor, action=Action.DELETE, object_type="persons.relation", object_id=pk,
                 changes=changes_between(before, None))


# --- merge ---------------------------------------------------------------------------------

def _require_merge_role(actor: Any) -> None:
    _require_organisation(actor)
    if not actor.role_codes & MERGE_ROLES:
        raise PermissionDenied(_("Only an administrator can merge persons."))


def _merge_readable(actor: Any, ids: Iterable[int]) -> set[int]:
    wanted = list(ids)
    return set(
        readable(actor, Person.objects.filter(pk__in=wanted), purpose=Purpose.ADMINISTRATION)
        .values_list("pk", flat=True)
    )


def _relations_to_move(merged: Person, survivor: Person) -> tuple[list[int], list[int]]:
    """Relations of the merged person that can be re-pointed to the survivor.

    A relation the survivor already has (or one between the two persons) stays with the merged
    record: nothing is lost, and the undo finds it where it was.
    """
    existing = {
        (r.person_id, r.related_person_id, r.kind)
        for r in Relation.objects.filter(Q(person=survivor) | Q(related_person=survivor))
    }

    def clash(a: int, b: int, kind: str) -> bool:
        return (a, b, kind) in existing or (kind in SYMMETRIC_KINDS and (b, a, kind) in existing)

    from_ids, to_ids = [], []
    for relation in Relation.objects.filter(person=merged).order_by("pk"):
        other = relation.related_person_id
        if other != survivor.pk and not clash(survivor.pk, other, relation.kind):
            from_ids.append(relation.pk)
            existing.add((survivor.pk, other, relation.kind))
    for relation in Relation.objects.filter(related_person=merged).order_by("pk"):
        other = relation.person_id
        if other != survivor.pk and not clash(other, survivor.pk, relation.kind):
            to_ids.append(relation.pk)
            existing.add((other, survivor.pk, relation.kind))
    return from_ids, to_ids


@transaction.atomic
def person_merge(*, actor: Any, survivor: Person, merged: Person) -> PersonMerge:
    """Merge a duplicate into the surviving person: every app moves its rows (the registered
    person movers), relations move here, and the merged record points to the survivor.

    Everything moved is listed in PersonMerge.moved, so person_merge_undo can reverse it exactly.
    """
    _require_merge_role(actor)
    if survivor.pk == merged.pk:
        raise MergeError(_("A person cannot be merged into itself."))
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(
        pk__in=[survivor.pk, merged.pk])}
    if _merge_readable(actor, locked) != {survivor.pk, merged.pk}:
        raise PermissionDenied(_("You do not have access to both persons."))
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if survivor.merged_into_id or merged.merged_into_id:
        raise MergeError(_("One of the persons has already been merged into another."))
    if survivor.cpr_hash and merged.cpr_hash:
        # Two CPR numbers are two persons (the hashes differ: the same CPR cannot exist twice).
        raise MergeError(_("Both persons have a CPR number, so they are not the same person."))
    merged_before = _person_audit(merged)
    moved: dict[str, list[int]] = {}
    for name, mover in sorted(person_movers().items()):
        ids = list(mover(source=merged, target=survivor))
        if ids:
            moved[name] = ids
    from_ids, to_ids = _relations_to_move(merged, survivor)
    Relation.objects.filter(pk__in=from_ids).update(person=survivor)
    Relation.objects.filter(pk__in=to_ids).update(related_person=survivor)
    if from_ids:
        moved[MOVED_RELATION_PERSON] = from_ids
    if to_ids:
        moved[MOVED_RELATION_RELATED] = to_ids
    if merged.cpr_hash and not survivor.cpr_hash:
        # The CPR number identifies the surviving record from now on (search finds it).
        survivor.cpr_hash, survivor.cpr_encrypted = merged.cpr_hash, merged.cpr_encrypted
        merged.cpr_hash, merged.cpr_encrypted = None, ""
        merged.save(update_fields=["cpr_hash", "cpr_encrypted", "updated_at"])
        survivor.save(update_fields=["cpr_hash", "cpr_encrypted", "updated_at"])
        moved[MOVED_CPR] = [merged.pk]
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    merge = PersonMerge.objects.create(survivor=survivor, merged=merged, moved=moved,
                                       merged_by=actor)
    # Whoever could read the merged record keeps reading the person: the survivor inherits
    # the merged record's owner and grantees (with their expiry) for as long as the merge stands.
    now = timezone.now()
    expiry: dict[int, Any] = {merged.owner_organisation_id: None}
    for grant in AccessGrant.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        subject_type="persons.person", subject_id=merged.pk,
    ):
        if grant.organisation_id not in expiry or grant.expires_at is None:
            expiry[grant.organisation_id] = grant.expires_at
    expiry.pop(survivor.owner_organisation_id, None)
    grant_ids = []
    for organisation_id, expires_at in sorted(expiry.items()):
        grant = record_access_grant(organisation_id=organisation_id, subject=survivor,
                                    source=merge)
        if expires_at is not None:
            grant.expires_at = expires_at
            grant.save(update_fields=["expires_at"])
        grant_ids.append(grant.pk)
    if grant_ids:
        moved[MOVED_GRANTS] = grant_ids
        merge.moved = moved
        merge.save(update_fields=["moved"])
    counts = {name: len(ids) for name, ids in moved.items()}
    audit_record(actor=actor, action=Action.MERGE, obj=survivor,
                 reason=_("Merged %(key)s into this person.") % {"key": merged.person_key},
                 changes={"merged": merged.pk, "merged_person_key": merged.person_key,
                          "merge": merge.pk, "moved": counts,
                          **_cpr_change(None, "moved" if MOVED_CPR in moved else None)})
    audit_record(actor=actor, action=Action.UPDATE, obj=merged,
                 changes={**changes_between(merged_before, _person_audit(merged)),
                          **_cpr_change(None, "moved" if MOVED_CPR in moved else None)})
    return merge


@transaction.atomic
def person_merge_undo(*, actor: Any, merge: PersonMerge) -> PersonMerge:
    """Reverse a merge exactly: the same rows go back, the merged record stands alone again."""
    _require_merge_role(actor)
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise MergeError(_("This merge has already been undone."))
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(
        pk__in=[merge.survivor_id, merge.merged_id])}
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    if not _merge_readable(actor, [survivor.pk]):
        raise PermissionDenied(_("You do not have access to the surviving person."))
    if survivor.merged_into_id is not None:
        raise MergeError(_("The surviving person has since been merged into another; undo that "
                           "merge first."))
    movers = person_movers()
    missing = sorted(set(merge.moved) - set(movers) - _OWN_MOVED_KEYS)
    if missing:
        raise MergeError(_("Cannot undo: nothing can move back %(names)s.")
                         % {"names": ", ".join(missing)})
    for name, ids in sorted(merge.moved.items()):
        if name in movers:
            movers[name](source=survivor, target=merged, ids=list(ids))
    Relation.objects.filter(pk__in=merge.moved.get(MOVED_RELATION_PERSON, [])).update(
        person=merged)
    Relation.objects.filter(pk__in=merge.moved.get(MOVED_RELATION_RELATED, [])).update(
        related_person=merged)
    AccessGrant.objects.filter(
        pk__in=merge.moved.get(MOVED_GRANTS, []), source=f"persons.personmerge:{merge.pk}"
    ).delete()
    merged_before = _person_audit(merged)
    if MOVED_CPR in merge.moved:
        merged.cpr_hash, merged.cpr_encrypted = survivor.cpr_hash, survivor.cpr_encrypted
        survivor.cpr_hash, survivor.cpr_encrypted = None, ""
        survivor.save(update_fields=["cpr_hash", "cpr_encrypted", "updated_at"])
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "cpr_hash", "cpr_encrypted", "updated_at"])
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    counts = {name: len(ids) for name, ids in merge.moved.items()}
    audit_record(actor=actor, action=Action.MERGE, obj=survivor,
                 reason=_("Undid the merge of %(key)s into this person.")
                 % {"key": merged.person_key},
                 changes={"undone_merge": merge.pk, "merged": merged.pk, "moved_back": counts})
    audit_record(actor=actor, action=Action.UPDATE, obj=merged,
                 changes={**changes_between(merged_before, _person_audit(merged)),
                          **_cpr_change(None, "moved" if MOVED_CPR in merge.moved else None)})
    return merge
