"""Every write of Socialsøg: screening runs, the per-incident re-screening, the reviewer's
decisions and rule-set versions. Each one validated, locked and audited.

The screening itself is the pure engine (``engine``); what a result means for the stored hits is
the pure ``reconcile``. This module loads the data (``loading``), applies the decisions in bulk
and writes one audit entry per run with the counts (a bulk writer, house rules).

Concurrency: every write of hits takes a lock on the district's row first, so the weekly run and
a re-screening after an incident never reconcile against the same hits at once (the unique
"one open hit per family" constraint is the last line of defence). The re-screening after an
incident takes it as soon as a touched family meets the rules, before reading that family's
stored hits, and holds it until the registering transaction commits. The weekly run reads its
data before it takes the lock, so an incident registered while it computes can have its own
re-screening overwritten by the run's (older) result; the next run sets it right.
"""

from __future__ import annotations

import logging
import operator
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import Confidentiality, LegalBasis, Purpose
from samspil.access.policy import readable
from samspil.access.services import disclosure_create, record_access_grant
from samspil.accounts.constants import Role
from samspil.accounts.models import User, UserRole
from samspil.audit.constants import Action
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.incidents.models import Incident
from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import District, Organisation
from samspil.persons.models import Person
from samspil.risk import loading, touched
from samspil.risk.constants import (
    ACTIVATE_ROLES,
    BACKTEST_ROLES,
    BULK_INCIDENT_LIMIT,
    REVIEW_ROLES,
    HitPersonRole,
    HitStatus,
    Trigger,
)
from samspil.risk.engine import (
    FamilyHit,
    FamilyKey,
    families_touched,
    materialise,
    screen_frames,
    screen_reference,
    screening_report,
)
from samspil.risk.models import Hit, HitIncident, HitPerson, RuleSetVersion, ScreeningRun
from samspil.risk.reconcile import Action as Decide
from samspil.risk.reconcile import Decision, ExistingHit, reconcile
from samspil.risk.reconcile import HitStatus as PureStatus
from samspil.risk.rules import RuleSet, RuleSetError

logger = logging.getLogger(__name__)

SCHEDULE_ACTOR = "socialsoeg-schedule"
_BATCH = 2000
_IN_CHUNK = 5000
HIT_FIELDS = (
    "status", "rule_set_version_id", "clause", "score", "child_count", "as_of", "family_key",
    "decided_by_id", "decided_at", "decision_reason", "social_report_case_id", "reopened_at",
    "owner_organisation_id", "confidentiality",
)  # fmt: skip


class ScreeningError(ValidationError):
    """A screening cannot run (no rules, no police organisation, a category without weight)."""


# --- helpers ---------------------------------------------------------------------------------


def family_key_text(key: FamilyKey) -> str:
    return ",".join(str(i) for i in key)


def family_key_of(text: str) -> FamilyKey:
    return tuple(int(x) for x in text.split(",") if x)


def _require_roles(actor: Any, roles: frozenset[str], message: str) -> None:
    if actor is None or getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(_("Only a member of an organisation can do this."))
    if not actor.role_codes & roles:
        raise PermissionDenied(message)


def require_reviewer(actor: Any) -> None:
    _require_roles(actor, REVIEW_ROLES, _("Only a Socialsøg reviewer may do this."))


def _require_own_district(actor: Any, district: District) -> None:
    if actor.organisation.district_id != district.pk:
        raise PermissionDenied(_("You can screen only your own police district."))


def active_rule_set_version(
    *, district: District | None, district_id: int | None = None
) -> RuleSetVersion:
    """The district's own active version, else the national active one (one query)."""
    district_id = district.pk if district is not None else district_id
    scope = Q(district__isnull=True)
    if district_id is not None:
        scope |= Q(district_id=district_id)
    version = (
        RuleSetVersion.objects.filter(scope, is_active=True)
        .order_by(F("district_id").asc(nulls_last=True))
        .first()
    )
    if version is None:
        raise ScreeningError(_("No active Socialsøg rule set."))
    return version


def rule_set_version_for(*, code: str, district: District | None) -> RuleSetVersion:
    """A version the district may use: a national one or one of its own."""
    version = RuleSetVersion.objects.filter(version=code).first()
    if version is None or (version.district_id is not None and version.district != district):
        raise ScreeningError(
            _("Unknown rule set version %(version)s.") % {"version": code}, code="unknown"
        )
    return version


def _police_owners(district: Any) -> QuerySet[Organisation]:
    """The district's police organisations, the hits' owner first (``district`` may be an
    ``OuterRef``)."""
    reviewers = UserRole.objects.filter(
        user__organisation=OuterRef("pk"), role=Role.SOCIALSOEG_REVIEWER
    )
    return (
        Organisation.objects.filter(district=district, kind=OrganisationKind.POLICE)
        .annotate(has_reviewer=Exists(reviewers))
        .order_by("-has_reviewer", "pk")
    )


def district_police_organisation(district: District) -> Organisation:
    """The police organisation that owns the district's hits: the one whose users review them,
    else the first police organisation of the district."""
    owner = _police_owners(district).first()
    if owner is None:
        raise ScreeningError(
            _("The district %(district)s has no police organisation to own its hits.")
            % {"district": district.name}
        )
    return owner


def districts_with_data() -> list[District]:
    ids = Incident.objects.values_list("owner_organisation__district_id", flat=True).distinct()
    return list(District.objects.filter(pk__in=ids).order_by("slug"))


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- existing hits and applying decisions ------------------------------------------------------


def _existing_hits(district_id: int, family_keys: Collection[str] | None) -> list[ExistingHit]:
    """The governing stored hit per family (the open one, else the newest), as reconcile sees it.

    ``family_keys`` None = every family of the district (a full run).
    """
    hits = Hit.objects.filter(district_id=district_id)
    if family_keys is not None:
        if not family_keys:
            return []
        hits = hits.filter(family_key__in=list(family_keys))
    governing: dict[str, tuple[Any, ...]] = {}
    rows = hits.values_list(
        "id", "family_key", "status", "score", "clause", "rule_set_version__version"
    )
    # A few families (the per-incident path): one plain query, no server-side cursor round trips.
    for row in rows if family_keys is not None else rows.iterator(chunk_size=_BATCH):
        current = governing.get(row[1])
        if (
            current is None
            or row[2] == HitStatus.OPEN
            or (current[2] != HitStatus.OPEN and row[0] > current[0])
        ):
            governing[row[1]] = row
    if not governing:
        return []
    ids = {row[0] for row in governing.values()}
    incidents: dict[int, set[int]] = defaultdict(set)
    children: dict[int, set[int]] = defaultdict(set)
    incident_rows: QuerySet[HitIncident]
    child_rows: QuerySet[HitPerson]
    if len(ids) <= _IN_CHUNK:
        incident_rows = HitIncident.objects.filter(hit_id__in=ids)
        child_rows = HitPerson.objects.filter(hit_id__in=ids, role=HitPersonRole.CHILD)
    else:
        incident_rows = HitIncident.objects.filter(hit__district_id=district_id)
        child_rows = HitPerson.objects.filter(
            hit__district_id=district_id, role=HitPersonRole.CHILD
        )
    small = len(ids) <= _IN_CHUNK
    pairs = incident_rows.values_list("hit_id", "incident_id")
    for hit_id, incident_id in pairs if small else pairs.iterator(chunk_size=_BATCH * 5):
        if hit_id in ids:
            incidents[hit_id].add(incident_id)
    people = child_rows.values_list("hit_id", "person_id")
    for hit_id, person_id in people if small else people.iterator(chunk_size=_BATCH * 5):
        if hit_id in ids:
            children[hit_id].add(person_id)
    return [
        ExistingHit(
            hit_id=row[0],
            family_key=family_key_of(row[1]),
            status=PureStatus(row[2]),
            incident_ids=frozenset(incidents[row[0]]),
            child_ids=frozenset(children[row[0]]),
            score=row[3],
            clause=row[4],
            rule_set_version=row[5],
        )
        for row in governing.values()
    ]


def _members(hit_id: int, result: FamilyHit) -> tuple[list[HitPerson], list[HitIncident]]:
    persons = [HitPerson(hit_id=hit_id, person_id=p, role=HitPersonRole.CAREGIVER)
               for p in result.caregiver_ids]
    persons += [HitPerson(hit_id=hit_id, person_id=p, role=HitPersonRole.CHILD)
                for p in result.child_ids]
    incidents = [HitIncident(hit_id=hit_id, incident_id=item.incident_id, weight=item.weight)
                 for item in result.explanation]
    return persons, incidents


def _fill(hit: Hit, result: FamilyHit, version: RuleSetVersion, run: ScreeningRun | None) -> None:
    hit.rule_set_version = version
    hit.clause = result.clause
    hit.score = result.score
    hit.child_count = len(result.child_ids)
    hit.as_of = result.as_of
    hit.explanation = result.to_dict()
    hit.last_run = run


def _apply(
    *,
    decisions: Sequence[Decision],
    district: District,
    owner: Organisation,
    version: RuleSetVersion,
    run: ScreeningRun | None,
    existing: Mapping[int, ExistingHit],
) -> Counter[str]:
    """Write the create/update/reopen decisions in bulk; leaves write nothing. ``existing``:
    the stored hits the decisions were taken on, by id (their members as stored)."""
    counts = _decision_counts(decisions)
    now = timezone.now()
    creates = [d for d in decisions if d.action == Decide.CREATE]
    changes = [d for d in decisions if d.action in (Decide.UPDATE, Decide.REOPEN)]
    persons: list[HitPerson] = []
    incidents: list[HitIncident] = []

    new_hits: list[Hit] = []
    for decision in creates:
        assert decision.hit is not None
        hit = Hit(
            owner_organisation=owner,
            confidentiality=Confidentiality.SENSITIVE,
            district=district,
            family_key=family_key_text(decision.family_key),
            status=HitStatus.OPEN,
            first_run=run,
            follows_id=decision.existing_hit_id,
        )
        _fill(hit, decision.hit, version, run)
        new_hits.append(hit)
    Hit.objects.bulk_create(new_hits, batch_size=_BATCH)
    for hit, decision in zip(new_hits, creates, strict=True):
        assert decision.hit is not None
        more_persons, more_incidents = _members(hit.pk, decision.hit)
        persons += more_persons
        incidents += more_incidents

    # An update changes only the result: written on stand-ins, without loading the hit first.
    # A reopening also sets the decision aside, so it loads the hit (under a row lock).
    updated: list[Hit] = []
    reopened: list[Hit] = []
    ids = [d.existing_hit_id for d in changes if d.action == Decide.REOPEN]
    locked: dict[int, Hit] = {}
    for chunk in _chunks(ids):
        locked.update(Hit.objects.select_for_update().in_bulk(list(chunk)))
    stale_children: list[Q] = []
    stale_incidents: list[Q] = []
    for decision in changes:
        assert decision.hit is not None and decision.existing_hit_id is not None
        if decision.action == Decide.REOPEN:
            hit = locked[decision.existing_hit_id]
            hit.previous_decision = {
                "status": hit.status,
                "decided_by": hit.decided_by_id,
                "decided_at": hit.decided_at.isoformat() if hit.decided_at else None,
                "reason": hit.decision_reason,
                "new_incident_ids": list(decision.new_incident_ids),
                "new_weight": decision.new_weight,
            }
            hit.status = HitStatus.OPEN
            hit.decided_by = None
            hit.decided_at = None
            hit.decision_reason = ""
            hit.reopened_at = now
            reopened.append(hit)
        else:
            hit = Hit(pk=decision.existing_hit_id)
            updated.append(hit)
        _fill(hit, decision.hit, version, run)
        hit.updated_at = now  # bulk_update does not touch auto_now fields
        # The members change by difference (usually one new incident): the caregivers are the
        # family's identity and never change; children and incidents that left are deleted,
        # the rest written (an incident's weight may differ under another rule set).
        before = existing[decision.existing_hit_id]
        gone_children = before.child_ids - set(decision.hit.child_ids)
        if gone_children:
            stale_children.append(Q(hit_id=hit.pk, person_id__in=sorted(gone_children)))
        gone_incidents = before.incident_ids - set(decision.hit.incident_ids)
        if gone_incidents:
            stale_incidents.append(Q(hit_id=hit.pk, incident_id__in=sorted(gone_incidents)))
        persons += [
            HitPerson(hit_id=hit.pk, person_id=p, role=HitPersonRole.CHILD)
            for p in decision.hit.child_ids
            if p not in before.child_ids
        ]
        incidents += [
            HitIncident(hit_id=hit.pk, incident_id=item.incident_id, weight=item.weight)
            for item in decision.hit.explanation
        ]
    result_fields = ["rule_set_version", "clause", "score", "child_count", "as_of",
                     "explanation", "last_run", "updated_at"]
    if updated:
        Hit.objects.bulk_update(updated, result_fields, batch_size=500)
    if reopened:
        Hit.objects.bulk_update(
            reopened,
            ["status", "decided_by", "decided_at", "decision_reason", "reopened_at",
             "previous_decision", *result_fields],
            batch_size=500,
        )
    for stale in _chunks(stale_children, 500):
        HitPerson.objects.filter(reduce(operator.or_, stale), role=HitPersonRole.CHILD).delete()
    for stale in _chunks(stale_incidents, 500):
        HitIncident.objects.filter(reduce(operator.or_, stale)).delete()
    HitPerson.objects.bulk_create(persons, batch_size=_BATCH * 2)
    HitIncident.objects.bulk_create(
        incidents, batch_size=_BATCH * 2, update_conflicts=True,
        unique_fields=["hit", "incident"], update_fields=["weight"],
    )
    return counts


def _decision_counts(decisions: Sequence[Decision]) -> Counter[str]:
    """What ``_apply`` writes, known before it writes: the reasons and the actions."""
    counts: Counter[str] = Counter(str(d.reason) for d in decisions)
    counts["created"] = sum(1 for d in decisions if d.action == Decide.CREATE)
    counts["updated"] = sum(1 for d in decisions if d.action == Decide.UPDATE)
    counts["reopened"] = sum(1 for d in decisions if d.action == Decide.REOPEN)
    return counts


# --- the screening run -----------------------------------------------------------------------


@dataclass
class ScreeningOutcome:
    """What a run found and did; ``run`` is None for a dry run."""

    district: District
    as_of: date
    version: RuleSetVersion
    rule_set: RuleSet
    hits: list[FamilyHit]
    counts: dict[str, Any] = field(default_factory=dict)
    run: ScreeningRun | None = None

    def report(self) -> dict[str, Any]:
        """The command's JSON (engine.screening_report: the contract)."""
        return screening_report(self.rule_set, self.as_of, self.hits)


def screen_district(
    *, district: District, rule_set: RuleSet, as_of: date
) -> tuple[list[FamilyHit], dict[str, float]]:
    """Load the district's columns and run the vectorised engine. Reads only; no audit here
    (the callers audit the run or the backtest that used it)."""
    started = time.perf_counter()
    frames = loading.district_frames(district_id=district.pk, rule_set=rule_set, as_of=as_of)
    loaded = time.perf_counter()
    hits = materialise(rule_set, as_of, screen_frames(rule_set, as_of, **frames.as_kwargs()))
    return hits, {
        "load_seconds": round(loaded - started, 4),
        "screen_seconds": round(time.perf_counter() - loaded, 4),
        "rows_loaded": frames.rows,
    }


@transaction.atomic
def screening_run(
    *,
    as_of: date,
    district: District,
    rule_set_version: RuleSetVersion | None = None,
    actor: Any | None = None,
    trigger: str = Trigger.COMMAND,
    dry_run: bool = False,
) -> ScreeningOutcome:
    """Screen a district on ``as_of`` and reconcile the result with the stored hits.

    ``actor`` None = the schedule or the command line (no user); a user must be a reviewer of the
    district. A dry run writes no run and no hit (it still audits the read).
    """
    if actor is not None:
        require_reviewer(actor)
        _require_own_district(actor, district)
    if trigger not in Trigger.values:
        raise ScreeningError(_("Unknown trigger %(trigger)s.") % {"trigger": trigger})
    version = rule_set_version or active_rule_set_version(district=district)
    if version.district_id is not None and version.district_id != district.pk:
        raise ScreeningError(_("This rule set belongs to another district."))
    rule_set = version.rule_set
    started_at = timezone.now()
    try:
        hits, timings = screen_district(district=district, rule_set=rule_set, as_of=as_of)
    except RuleSetError as error:
        raise ScreeningError(str(error), code="rule_set") from None
    outcome = ScreeningOutcome(district, as_of, version, rule_set, hits)
    base_counts: dict[str, Any] = {"families_found": len(hits), **timings}
    actor_arg = actor if actor is not None and getattr(actor, "pk", None) else None
    username = "" if actor_arg is not None else SCHEDULE_ACTOR
    if dry_run:
        existing = _existing_hits(district.pk, None)
        decisions = reconcile(rule_set, existing, hits)
        outcome.counts = {**base_counts, **Counter(str(d.action) for d in decisions)}
        audit_record(
            actor=actor_arg, actor_username=username, action=Action.READ,
            object_type="risk.screening", object_id=district.slug, purpose=Purpose.SCREENING,
            reason=f"dry run {as_of.isoformat()} {version.version}", changes=outcome.counts,
        )
        return outcome

    owner = district_police_organisation(district)
    District.objects.select_for_update().filter(pk=district.pk).first()
    written = time.perf_counter()
    existing = _existing_hits(district.pk, None)
    decisions = reconcile(rule_set, existing, hits)
    run = ScreeningRun.objects.create(
        as_of=as_of, rule_set_version=version, district=district, trigger=trigger,
        triggered_by=actor_arg, started_at=started_at,
    )
    counts = _apply(decisions=decisions, district=district, owner=owner, version=version,
                    run=run, existing={h.hit_id: h for h in existing})
    run.families_found = len(hits)
    run.hits_created = counts["created"]
    run.hits_updated = counts["updated"]
    run.hits_reopened = counts["reopened"]
    run.counts = {**base_counts, **counts,
                  "write_seconds": round(time.perf_counter() - written, 4)}
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        actor=actor_arg, actor_username=username, action=Action.CREATE, obj=run,
        purpose=Purpose.SCREENING,
        reason=f"{trigger} {as_of.isoformat()} {version.version}",
        changes=run.counts,
    )
    outcome.run = run
    outcome.counts = run.counts
    return outcome


# --- re-screening after new incidents --------------------------------------------------------


def screen_after_incident(*, incident_ids: Sequence[int], actor: Any | None) -> None:
    """The incident rule (incidents.rules): re-screen only the families the new incidents touch.

    Runs inside the registering transaction, so a hit and the incident that raised it commit
    together. Bulk imports of more than BULK_INCIDENT_LIMIT incidents are skipped on purpose:
    re-screening thousands of households inside the import's single transaction would hold it
    open for minutes, and the weekly run screens every family anyway. A rule set that lacks a
    weight for a new category does not block registering the incident either: it is logged,
    and the weekly run reports it as an error until a person weighs the category.
    """
    if not incident_ids or len(incident_ids) > BULK_INCIDENT_LIMIT:
        return
    scope = touched.incident_scope(sorted(set(incident_ids)))
    for district_id, ids in sorted(scope.incidents_by_district.items()):
        version = scope.version_for(district_id)
        if version is None:
            logger.warning("Socialsøg re-screening skipped for district %s: no active rule set",
                           district_id)
            continue
        _rescreen(district_id=district_id, incident_ids=ids, version=version, actor=actor)


def _rescreen(
    *,
    district_id: int,
    incident_ids: Sequence[int],
    version: touched.ActiveVersion,
    actor: Any | None,
) -> None:
    # Round trips are the cost at national scale (goal < 10 ms; a household is a few dozen
    # rows): two reads when no touched family meets the rules (the scope and the households),
    # two more when one does (the district lock with the hits' owner, then the stored hits),
    # and the writes only when a hit changes. With no result there is nothing to write, since
    # the engine never closes a hit, so the stored hits are not even read. With a result the
    # lock comes before reading the hits, so what is decided is what is written.
    rule_set = version.rule_set
    as_of = timezone.localdate()
    subset = touched.touched_subset(
        district_id=district_id, rule_set=rule_set, as_of=as_of, incident_ids=incident_ids
    )
    families = families_touched(
        rule_set, as_of, incident_ids, subset.persons, subset.relations, subset.involvements
    )
    if not families:
        return
    try:
        results = screen_reference(
            rule_set, as_of, subset.persons, subset.relations, subset.incidents,
            subset.involvements, only_families=families,
        )
    except RuleSetError as error:
        logger.warning("Socialsøg re-screening skipped for district %s: %s", district_id, error)
        return
    if not results:
        return
    district, owner_id = _lock_district(district_id)
    keys = [family_key_text(k) for k in families]
    existing = touched.touched_hits(district_id, keys)
    decisions = reconcile(rule_set, existing, results, screened_families=families)
    if not any(d.action != Decide.LEAVE for d in decisions):
        return
    if owner_id is None:
        logger.warning("Socialsøg re-screening skipped for district %s: no police organisation",
                       district_id)
        return
    actor_arg = actor if actor is not None and getattr(actor, "pk", None) else None
    now = timezone.now()
    model = version.as_model()
    counts = _decision_counts(decisions)
    # Created finished, with its counts (known from the decisions): one write less than
    # creating it and saving it again after the hits.
    run = ScreeningRun.objects.create(
        as_of=as_of, rule_set_version=model, district=district, trigger=Trigger.INCIDENT,
        triggered_by=actor_arg, started_at=now, finished_at=now, families_found=len(results),
        hits_created=counts["created"], hits_updated=counts["updated"],
        hits_reopened=counts["reopened"],
        counts={"families_touched": len(families), "incident_ids": list(incident_ids),
                **counts},
    )
    _apply(decisions=decisions, district=district, owner=Organisation(pk=owner_id),
           version=model, run=run, existing={h.hit_id: h for h in existing})
    audit_record(
        actor=actor_arg, actor_username="" if actor_arg else SCHEDULE_ACTOR,
        action=Action.CREATE, obj=run, purpose=Purpose.SCREENING,
        reason=f"incident {as_of.isoformat()} {version.version}", changes=run.counts,
    )


_LOCK_SQL = """
SELECT (SELECT o.id FROM {organisation} o
         WHERE o.district_id = d.id AND o.kind = %s
         ORDER BY EXISTS (SELECT 1 FROM {role} r JOIN {user} u ON u.id = r.user_id
                           WHERE u.organisation_id = o.id AND r.role = %s) DESC, o.id
         LIMIT 1)
  FROM {district} d WHERE d.id = %s
"""


def _lock_district(district_id: int) -> tuple[District, int | None]:
    """Lock the district's row (the hits' writers take turns) and name the hits' owner as
    ``district_police_organisation`` does, in one statement. Hand-written: the ORM takes
    longer to compile this query than PostgreSQL takes to run it."""
    sql = _LOCK_SQL.format(
        organisation=Organisation._meta.db_table,
        role=UserRole._meta.db_table,
        user=User._meta.db_table,
        district=District._meta.db_table,
    )
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF d"
    elif connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [OrganisationKind.POLICE, Role.SOCIALSOEG_REVIEWER, district_id])
        row = cursor.fetchone()
    if row is None:
        raise District.DoesNotExist(district_id)
    return District(pk=district_id), row[0]


# --- the reviewer's decisions ------------------------------------------------------------------


def _hit_for_decision(actor: Any, hit: Hit) -> Hit:
    require_reviewer(actor)
    visible = readable(actor, Hit.objects.filter(pk=hit.pk), purpose=Purpose.SCREENING)
    if not visible.exists():
        raise PermissionDenied(_("You do not have access to this hit."))
    locked = Hit.objects.select_for_update().get(pk=hit.pk)
    if locked.status != HitStatus.OPEN:
        raise ValidationError(_("The hit has already been decided."), code="decided")
    return locked


@transaction.atomic
def hit_dismiss(*, actor: Any, hit: Hit, reason: str, at: datetime | None = None) -> Hit:
    """No action: the reviewer's reason is required and audited. The hit reopens by itself when
    new incidents add enough weight (reconcile.py). ``at``: when the decision was made, if it is
    registered afterwards."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for taking no action.")]})
    locked = _hit_for_decision(actor, hit)
    before = snapshot(locked, HIT_FIELDS)
    locked.status = HitStatus.DISMISSED
    locked.decided_by = actor
    locked.decided_at = at or timezone.now()
    locked.decision_reason = reason
    locked.save()
    audit_record(
        actor=actor, action=Action.TRANSITION, obj=locked, purpose=Purpose.SCREENING,
        reason=reason, changes=changes_between(before, snapshot(locked, HIT_FIELDS)),
    )
    return locked


def _children_of(hit: Hit) -> list[Person]:
    ids = HitPerson.objects.filter(hit=hit, role=HitPersonRole.CHILD).values("person_id")
    # The youngest first: the case is about the most vulnerable child, the rest are named.
    return list(
        Person.objects.filter(pk__in=ids).select_related("municipality")
        .order_by("-birth_date", "pk")
    )


@transaction.atomic
def hit_send_social_report(
    *, actor: Any, hit: Hit, concern_text: str, at: datetime | None = None
) -> Hit:
    """Send a socialrapport (Barnets lov § 133) for the hit's children.

    Opens a ``social_report`` case with origin ``socialsoeg`` through the cases service, in the
    children's home municipality, and sends it (``case_transition``). The cases service makes the
    municipality's organisation a participant and grants it the case and the case's child; this
    service grants it the other children of the hit too, and records the disclosure with its
    legal basis. Children living in different municipalities get one case per municipality.
    """
    from samspil.cases.services import case_open, case_transition

    concern_text = (concern_text or "").strip()
    if not concern_text:
        raise ValidationError({"concern_text": [_("Describe the concern.")]})
    locked = _hit_for_decision(actor, hit)
    children = _children_of(locked)
    if not children:
        raise ValidationError(_("The hit has no children to report about."))
    by_municipality: dict[int, list[Person]] = defaultdict(list)
    for child in children:
        by_municipality[child.municipality_id].append(child)
    cases = []
    for group in by_municipality.values():
        municipality = group[0].municipality
        case = case_open(
            actor=actor, case_type="social_report", municipality=municipality, person=group[0],
            origin="socialsoeg", title=_("Social report (Socialsøg)"), summary=concern_text,
            note=_("From Socialsøg hit %(hit)s.") % {"hit": locked.pk}, opened_at=at,
            is_synthetic=group[0].is_synthetic,
        )
        case = case_transition(
            actor=actor, case=case, action="send", outcome="sent",
            fields={"recipient_municipality_code": municipality.code}, at=at,
        )
        receivers = Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY, municipality=municipality
        ).order_by("pk")
        for organisation in receivers[:1]:
            for child in group[1:]:
                record_access_grant(organisation_id=organisation.pk, subject=child, source=case)
            disclosure_create(
                actor=actor, subject=case, to_organisation=organisation,
                legal_basis=LegalBasis.BARNETS_LOV_133,
                purpose=_("Social report from Socialsøg (duty to notify)"),
                shared=concern_text, context=f"risk.hit:{locked.pk}",
            )
        cases.append(case)
    before = snapshot(locked, HIT_FIELDS)
    locked.status = HitStatus.REPORTED
    locked.decided_by = actor
    locked.decided_at = at or timezone.now()
    locked.decision_reason = concern_text
    locked.social_report_case = cases[0]
    locked.save()
    audit_record(
        actor=actor, action=Action.TRANSITION, obj=locked, purpose=Purpose.SCREENING,
        reason=_("Social report sent"),
        changes={**changes_between(before, snapshot(locked, HIT_FIELDS)),
                 "cases": [c.case_ref for c in cases]},
    )
    return locked


# --- rule set versions -------------------------------------------------------------------------


@transaction.atomic
def rule_set_version_create(
    *, actor: Any, version: str, rule_set: RuleSet, description: str = ""
) -> RuleSetVersion:
    """A new version for the actor's district, inactive until a reviewer activates it."""
    _require_roles(actor, BACKTEST_ROLES, _("Your role does not allow changing the rules."))
    version = (version or "").strip()
    if not version:
        raise ValidationError({"version": [_("Give the version a name.")]})
    if RuleSetVersion.objects.filter(version=version).exists():
        raise ValidationError({"version": [_("This version name is in use.")]})
    if rule_set.version != version:
        rule_set = RuleSet.from_dict({**rule_set.to_dict(), "version": version})
    created = RuleSetVersion.objects.create(
        version=version, definition=rule_set.to_dict(), description=description.strip(),
        district_id=actor.organisation.district_id, created_by=actor,
    )
    audit_record(
        actor=actor, action=Action.CREATE, obj=created, purpose=Purpose.SCREENING,
        changes=changes_between(None, {"version": version, "definition": created.definition,
                                       "district_id": created.district_id}),
    )
    return created


@transaction.atomic
def rule_set_version_activate(*, actor: Any, version: RuleSetVersion) -> RuleSetVersion:
    """Make ``version`` the one the actor's district screens with from the next run on.

    A national version activated by a district means "back to the national rules": the district's
    own active version is deactivated.
    """
    _require_roles(actor, ACTIVATE_ROLES, _("Only a Socialsøg reviewer may activate rules."))
    district_id = actor.organisation.district_id
    version = RuleSetVersion.objects.select_for_update().get(pk=version.pk)
    if version.district_id not in (None, district_id):
        raise PermissionDenied(_("This rule set belongs to another district."))
    previous = RuleSetVersion.objects.select_for_update().filter(
        district_id=district_id, is_active=True
    ).first()
    if previous is not None and previous.pk != version.pk:
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    if version.district_id is not None and not version.is_active:
        version.is_active = True
        version.activated_at = timezone.now()
        version.activated_by = actor
        version.save(update_fields=["is_active", "activated_at", "activated_by"])
    audit_record(
        actor=actor, action=Action.UPDATE, obj=version, purpose=Purpose.SCREENING,
        reason=_("Rule set activated"),
        changes={"district_id": district_id,
                 "active": [previous.version if previous else None, version.version]},
    )
    return version
