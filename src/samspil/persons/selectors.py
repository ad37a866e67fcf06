"""Reads of persons, scoped by the access policy and logged in the audit trail.

Search is built for large registers (300,000 persons): a name query is answered from the
NameToken table (one row per folded word of a name) with an index-backed prefix match, a CPR
number from the keyed hash, a birth date from the indexed column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.access.constants import Purpose
from samspil.access.policy import AccessDenied, log_reads, purposes_of, read_one, readable
from samspil.accounts.constants import Role
from samspil.persons.constants import CARE_KINDS, CHILD_AGE_LIMIT, HOUSEHOLD_KINDS, RelationKind
from samspil.persons.cpr import CprError, parse_cpr
from samspil.persons.folding import name_tokens
from samspil.persons.models import NameToken, Person, PersonMerge, Relation
from samspil.persons.protection import cpr_decrypt, cpr_lookup_hash
from samspil.persons.roles import FULL_CPR_ROLES, MERGE_ROLES

# The order in which a person page picks its purpose among those the user's roles allow.
PURPOSE_PREFERENCE = (Purpose.CASEWORK, Purpose.SCREENING, Purpose.REGISTRATION,
                      Purpose.ADMINISTRATION, Purpose.STATISTICS)

_CPR_QUERY = re.compile(r"^\d{6}-?\d{4}$")
_CPR_ANYWHERE = re.compile(r"(?<!\d)(\d{6})-?\d{4}(?!\d)")
_DATE_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_SHORT = re.compile(r"^(\d{2})(\d{2})(\d{2})$")


def person_purpose(user: Any) -> str:
    """The purpose a person page reads for: a Socialsøg reviewer screens; others do casework
    when their role allows it, then the first allowed purpose in PURPOSE_PREFERENCE."""
    allowed = purposes_of(user)
    if getattr(user, "has_role", None) and user.has_role(Role.SOCIALSOEG_REVIEWER) \
            and Purpose.SCREENING in allowed:
        return Purpose.SCREENING
    for purpose in PURPOSE_PREFERENCE:
        if purpose in allowed:
            return purpose
    return Purpose.CASEWORK  # refused by the policy, which logs the refusal


def identifies(purpose: str) -> bool:
    """Whether a purpose may show names and CPR numbers (statistics sees pseudonyms only)."""
    return purpose != Purpose.STATISTICS


def mask_cpr_in(text: str) -> str:
    """Replace any CPR number in free text by DDMMYY-xxxx (search terms go to the audit trail)."""
    return _CPR_ANYWHERE.sub(lambda match: f"{match.group(1)}-xxxx", text)


def _persons() -> QuerySet[Person]:
    return Person.objects.select_related("municipality", "owner_organisation", "merged_into")


def person_get(*, user: Any, pk: Any, purpose: str) -> Person:
    """One person the user may read for `purpose`; the read (or the refusal) is logged."""
    return read_one(user, _persons(), pk=pk, purpose=purpose)


# --- search --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchTerms:
    kind: str  # "name", "cpr", "birth_date", "empty", "invalid"
    tokens: tuple[str, ...] = ()
    cpr_hash: str = ""
    birth_dates: tuple[date, ...] = ()


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_search(query: str) -> SearchTerms:
    """What a search box text means: a CPR number, a birth date, or words of a name."""
    text = query.strip()
    if not text:
        return SearchTerms("empty")
    if _CPR_QUERY.match(text):
        try:
            cpr = parse_cpr(text)
        except CprError:
            return SearchTerms("invalid")
        return SearchTerms("cpr", cpr_hash=cpr_lookup_hash(cpr.digits))
    for pattern, order in ((_DATE_DOTTED, "dmy"), (_DATE_ISO, "ymd")):
        match = pattern.match(text)
        if match:
            a, b, c = (int(part) for part in match.groups())
            found = _safe_date(c, b, a) if order == "dmy" else _safe_date(a, b, c)
            return SearchTerms("birth_date", birth_dates=(found,)) if found else SearchTerms(
                "invalid")
    match = _DATE_SHORT.match(text)
    if match:
        # ddmmyy has no century: try both that are not in the future.
        day, month, year2 = (int(part) for part in match.groups())
        today = timezone.localdate()
        found_dates = tuple(
            found for century in (2000, 1900)
            if (found := _safe_date(century + year2, month, day)) and found <= today
        )
        return SearchTerms("birth_date", birth_dates=found_dates) if found_dates else SearchTerms(
            "invalid")
    tokens = tuple(dict.fromkeys(name_tokens(text)))
    return SearchTerms("name", tokens=tokens) if tokens else SearchTerms("empty")


def _token_prefix(token: str) -> Q:
    if connection.vendor == "postgresql":
        # LIKE 'abc%' is served by the varchar_pattern_ops index on NameToken.token whatever
        # the database collation; a range query would depend on the collation's order.
        return Q(token__startswith=token)
    # SQLite compares strings by code point, so a range on the plain btree is an exact prefix
    # match (its LIKE is case-insensitive and cannot use the index).
    return Q(token__gte=token, token__lt=token + "\U0010ffff")


# Above this many name matches the ids are not sent back as a list (SQLite allows 999
# parameters); the query keeps them in a subquery instead, which is slower but still right.
_ID_LIST_LIMIT = 30_000


def _name_matches(tokens: tuple[str, ...]) -> QuerySet[NameToken, int]:
    """Ids of persons of whom every query word begins one of their name words.

    Driven by the longest (most selective) word, each further word a semi-join; all of it is
    answered from the (token, person) index without touching the person rows.
    """
    ordered = sorted(tokens, key=len, reverse=True)
    matches = NameToken.objects.filter(_token_prefix(ordered[0]))
    for token in ordered[1:]:
        matches = matches.filter(
            person_id__in=NameToken.objects.filter(_token_prefix(token)).values("person_id"))
    return matches.values_list("person_id", flat=True).distinct()


def _match(terms: SearchTerms) -> QuerySet[Person]:
    persons = Person.objects.filter(merged_into__isnull=True)
    if terms.kind == "cpr":
        return persons.filter(cpr_hash=terms.cpr_hash)
    if terms.kind == "birth_date":
        return persons.filter(birth_date__in=terms.birth_dates)
    if terms.kind != "name":
        return persons.none()
    matches = _name_matches(terms.tokens)
    limit = min(_ID_LIST_LIMIT, (connection.features.max_query_params or _ID_LIST_LIMIT) - 50)
    ids = list(matches[: limit + 1])
    if len(ids) <= limit:
        # A literal id list lets the planner fetch exactly these rows by primary key; given
        # the subquery it may scan the whole person table for a common family name.
        if connection.vendor == "postgresql":
            # One array parameter instead of thousands of placeholders ("hansen").
            # The SQL is a constant (the table name comes from the model); ids are a parameter.
            condition = f"{Person._meta.db_table}.id = ANY(%s)"
            return persons.alias(
                _hit=RawSQL(condition, (ids,), output_field=BooleanField())  # noqa: S611
            ).filter(_hit=True)
        return persons.filter(pk__in=ids)
    return persons.filter(pk__in=matches)


def person_search(*, user: Any, query: str, purpose: str, limit: int = 50) -> list[Person]:
    """Persons the user may read that match `query` (name words, CPR number or birth date).

    The shown results are logged as a search; a CPR number in the query is masked in the log.
    """
    if not identifies(purpose):
        raise AccessDenied(_("Searching for named persons is not allowed for statistics."))
    terms = parse_search(query)
    candidates = readable(user, _match(terms), purpose=purpose)
    results = list(
        candidates.select_related("municipality")
        .order_by("family_name", "given_name", "birth_date", "pk")[: max(0, limit)]
    )
    log_reads(user, results, purpose=purpose, query=mask_cpr_in(query.strip()) or "-")
    return results


# --- presentation --------------------------------------------------------------------------

def age_on(birth_date: date | None, day: date | None = None) -> int | None:
    if birth_date is None:
        return None
    day = day or timezone.localdate()
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def cpr_display(user: Any, person: Person) -> str:
    """The CPR number as the user's role may see it: full, DDMMYY-xxxx, or nothing (analysts)."""
    if not person.cpr_encrypted and not person.cpr_hash:
        return ""
    roles: frozenset[str] = getattr(user, "role_codes", frozenset())
    if roles & FULL_CPR_ROLES and person.cpr_encrypted:
        digits = cpr_decrypt(person.cpr_encrypted)
        return f"{digits[:6]}-{digits[6:]}"
    if not any(identifies(p) for p in purposes_of(user)):
        return ""
    return person.cpr_masked


@dataclass(frozen=True)
class PersonView:
    """A person as this user may see them: statistics shows the pseudonym only."""

    person: Person
    pk: int
    person_key: str
    name: str
    cpr: str
    birth_date: date | None
    age: int | None
    is_child: bool
    gender: str
    municipality: str
    municipality_code: str
    address: str
    postal_code: str
    identifying: bool


def person_view(user: Any, person: Person, *, purpose: str) -> PersonView:
    age = age_on(person.birth_date)
    identifying = identifies(purpose)
    return PersonView(
        person=person,
        pk=person.pk,
        person_key=person.person_key,
        name=person.full_name if identifying else person.person_key,
        cpr=cpr_display(user, person) if identifying else "",
        birth_date=person.birth_date if identifying else None,
        age=age,
        is_child=age is not None and age < CHILD_AGE_LIMIT,
        gender=person.gender,
        municipality=person.municipality.name,
        municipality_code=person.municipality.code,
        address=person.address if identifying else "",
        postal_code=person.postal_code if identifying else "",
        identifying=identifying,
    )


# --- household and relations ---------------------------------------------------------------

_LABELS_OUTGOING: dict[str, Any] = {
    RelationKind.PARENT_OF: gettext_lazy("child"),
    RelationKind.CAREGIVER_OF: gettext_lazy("child in care"),
}
_LABELS_INCOMING: dict[str, Any] = {
    RelationKind.PARENT_OF: gettext_lazy("parent"),
    RelationKind.CAREGIVER_OF: gettext_lazy("caregiver"),
}


def relation_label(kind: str, *, outgoing: bool) -> str:
    """What the related person is to the page's person ("child", "parent", "partner" …)."""
    labels = _LABELS_OUTGOING if outgoing else _LABELS_INCOMING
    if kind in labels:
        return str(labels[kind])
    return str(RelationKind(kind).label)


@dataclass(frozen=True)
class HouseholdMember:
    relation: Relation
    view: PersonView
    label: str
    outgoing: bool

    @property
    def is_child(self) -> bool:
        return self.view.is_child

    @property
    def age(self) -> int | None:
        return self.view.age


@dataclass(frozen=True)
class Household:
    members: list[HouseholdMember]
    hidden: int  # related persons the user has no access to

    @property
    def children(self) -> list[HouseholdMember]:
        return [m for m in self.members if m.is_child]


def household(*, user: Any, person: Person, purpose: str | None = None,
              kinds: Iterable[str] = HOUSEHOLD_KINDS) -> Household:
    """Persons related to `person` by `kinds` (both directions), each with age and is_child.

    Only persons the user may read are shown (and logged as read); the rest are counted.
    """
    purpose = purpose or person_purpose(user)
    kinds = list(kinds)
    relations = list(
        Relation.objects.filter(Q(person=person) | Q(related_person=person), kind__in=kinds)
        .order_by("kind", "pk")
    )
    other_ids = {r.related_person_id if r.person_id == person.pk else r.person_id
                 for r in relations}
    live = Person.objects.filter(pk__in=other_ids, merged_into__isnull=True)
    visible = {p.pk: p for p in readable(user, _persons().filter(pk__in=live.values("pk")),
                                         purpose=purpose)}
    hidden = live.exclude(pk__in=list(visible)).count()
    members: list[HouseholdMember] = []
    seen: set[tuple[int, str, bool]] = set()
    for relation in relations:
        outgoing = relation.person_id == person.pk
        other_id = relation.related_person_id if outgoing else relation.person_id
        other = visible.get(other_id)
        if other is None or (other_id, relation.kind, outgoing) in seen:
            continue
        seen.add((other_id, relation.kind, outgoing))
        if relation.kind in CARE_KINDS or outgoing:
            label = relation_label(relation.kind, outgoing=outgoing)
        else:
            label = relation_label(relation.kind, outgoing=True)
        members.append(HouseholdMember(relation, person_view(user, other, purpose=purpose),
                                       label, outgoing))
    members.sort(key=lambda m: (not m.is_child, m.view.birth_date or date.min))
    log_reads(user, {m.view.person.pk: m.view.person for m in members}.values(), purpose=purpose)
    return Household(members, hidden)


def person_find(*, user: Any, text: str, purpose: str) -> Person | None:
    """One readable, unmerged person by person key or CPR number (choosing a related person)."""
    text = text.strip()
    if not text:
        return None
    persons = Person.objects.filter(merged_into__isnull=True)
    if _CPR_QUERY.match(text):
        try:
            persons = persons.filter(cpr_hash=cpr_lookup_hash(parse_cpr(text).digits))
        except CprError:
            return None
    else:
        persons = persons.filter(person_key=text)
    found = readable(user, persons, purpose=purpose).first()
    if found is not None:
        log_reads(user, [found], purpose=purpose, query=mask_cpr_in(text))
    return found


# --- duplicates and merges -----------------------------------------------------------------

@dataclass(frozen=True)
class DuplicateSuggestion:
    birth_date: date
    duplicate_key: str
    persons: list[Person]


def _require_merge_role(user: Any) -> None:
    roles: frozenset[str] = getattr(user, "role_codes", frozenset())
    if not roles & MERGE_ROLES:
        raise AccessDenied(_("Only an administrator can merge persons."))


def duplicate_suggestions(*, user: Any, limit: int = 50) -> list[DuplicateSuggestion]:
    """Groups of unmerged persons with the same birth date and the same folded first given name
    and last family name, among those the administrator may read. Groups in which every person
    has a different CPR number are left out: two CPR numbers are two persons."""
    _require_merge_role(user)
    scope = readable(user, Person.objects.filter(merged_into__isnull=True)
                     .exclude(duplicate_key="").exclude(birth_date__isnull=True),
                     purpose=Purpose.ADMINISTRATION)
    groups = (
        scope.values("birth_date", "duplicate_key")
        .annotate(n=Count("pk"), with_cpr=Count("cpr_hash"))
        .filter(n__gt=1)
        .exclude(with_cpr=F("n"))
        .order_by("birth_date", "duplicate_key")[: max(0, limit)]
    )
    wanted = [(g["birth_date"], g["duplicate_key"]) for g in groups]
    if not wanted:
        return []
    condition = Q()
    for birth, key in wanted:
        condition |= Q(birth_date=birth, duplicate_key=key)
    members: dict[tuple[date, str], list[Person]] = {key: [] for key in wanted}
    for person in scope.filter(condition).select_related("municipality", "owner_organisation") \
            .order_by("pk"):
        members[(person.birth_date, person.duplicate_key)].append(person)  # type: ignore[index]
    suggestions = [DuplicateSuggestion(birth, key, members[(birth, key)]) for birth, key in wanted]
    log_reads(user, [p for s in suggestions for p in s.persons], purpose=Purpose.ADMINISTRATION)
    return suggestions


def merge_pair_get(*, user: Any, survivor_pk: Any, merged_pk: Any) -> tuple[Person, Person]:
    """The two persons of a proposed merge, each read (and logged) for administration."""
    _require_merge_role(user)
    survivor = person_get(user=user, pk=survivor_pk, purpose=Purpose.ADMINISTRATION)
    merged = person_get(user=user, pk=merged_pk, purpose=Purpose.ADMINISTRATION)
    return survivor, merged


def merge_history(*, user: Any) -> QuerySet[PersonMerge]:
    """Merges of persons the administrator may read, newest first."""
    _require_merge_role(user)
    survivors = readable(user, Person.objects.all(), purpose=Purpose.ADMINISTRATION)
    return (
        PersonMerge.objects.filter(survivor__in=survivors.values("pk"))
        .select_related("survivor", "merged", "merged_by", "undone_by")
        .order_by("-merged_at", "-pk")
    )


def merge_get(*, user: Any, pk: Any) -> PersonMerge:
    merge = merge_history(user=user).filter(pk=pk).first()
    if merge is None:
        raise AccessDenied(_("You do not have access to this merge."))
    return merge
