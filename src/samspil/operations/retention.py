"""Retention: erase what the law says may no longer be kept (docs/SECURITY.md, "Retention").

The rules are data: each names a model by label, the date field that starts its clock, a default
period in days with its legal source, an optional condition, and the parts that go with a row.
A rule whose model is not installed is skipped, so this module imports no higher app.

A row is erased only when nothing outside its own parts still points at it (an incident behind a
case, a person with an involvement): such a row is not "expired" yet, whatever its date. Rows go
in batches; each batch is one transaction with one audit entry naming the rule, the count and the
ids. Access grants that pointed at an erased row (by "app.model:id") go with it.

Periods are configurable per rule: the Django setting ``SAMSPIL_RETENTION_DAYS`` (a dict, e.g.
``{"closed_cases": 1826, "closed_cases.officer_request": 365}``) or the environment variable
``SAMSPIL_RETENTION_<RULE>_DAYS`` (``SAMSPIL_RETENTION_CLOSED_CASES_OFFICER_REQUEST_DAYS``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, ForeignObjectRel, OuterRef, Q, QuerySet
from django.utils import timezone

from samspil.audit.constants import Action
from samspil.audit.services import AuditEvent, audit_record_many
from samspil.core.env import env_int

ACTOR_NAME = "samspil-retention"
BATCH_SIZE = 500
YEAR = 365
FIVE_YEARS = 5 * YEAR + 1  # a leap day in every five years


@dataclass(frozen=True)
class RetentionContext:
    as_of: datetime

    def cutoff(self, days: int) -> datetime:
        return self.as_of - timedelta(days=days)


@dataclass(frozen=True)
class RetentionRule:
    name: str
    model: str  # "app_label.modelname"
    date_field: str
    default_days: int
    legal_source: str
    # Narrows the expired rows further (e.g. only closed cases, only dismissed hits).
    condition: Callable[[QuerySet[Any], RetentionContext], QuerySet[Any]] | None = None
    # Reverse relations that are parts of the row and go with it; any other reference keeps it.
    parts: tuple[str, ...] = ()
    # A per-value period, e.g. ("case_type", {"officer_request": 365}).
    period_by: tuple[str, dict[str, int]] | None = None
    # A last look at the candidate ids (e.g. persons whose relatives stay).
    refine: Callable[[list[int], RetentionContext], list[int]] | None = None
    # Rows that are not personal data of their own and need no reference check.
    check_references: bool = True
    description: str = ""

    def days(self, key: str | None = None) -> int:
        name = f"{self.name}.{key}" if key else self.name
        configured: dict[str, int] = getattr(settings, "SAMSPIL_RETENTION_DAYS", {}) or {}
        if name in configured:
            return int(configured[name])
        default = self.default_days
        if key and self.period_by is not None:
            default = self.period_by[1].get(key, self.default_days)
            if key not in self.period_by[1] and self.name in configured:
                default = int(configured[self.name])
        variable = "SAMSPIL_RETENTION_" + name.replace(".", "_").upper() + "_DAYS"
        return env_int(variable, default, minimum=0)


    def period_values(self) -> list[str]:
        """The values of ``period_by`` with a period of their own: defaults and configured."""
        if self.period_by is None:
            return []
        values = set(self.period_by[1])
        configured: dict[str, int] = getattr(settings, "SAMSPIL_RETENTION_DAYS", {}) or {}
        values |= {key.partition(".")[2] for key in configured if key.startswith(f"{self.name}.")}
        prefix = f"SAMSPIL_RETENTION_{self.name.upper()}_"
        values |= {key[len(prefix):-len("_DAYS")].lower() for key in os.environ
                   if key.startswith(prefix) and key.endswith("_DAYS") and len(key) > len(prefix) + 5}
        return sorted(values)


@dataclass
class RuleOutcome:
    rule: str
    model: str
    erased: int = 0
    kept_referenced: int = 0
    ids: list[int] = field(default_factory=list)
    skipped: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "model": self.model, "erased": self.erased,
                "kept_referenced": self.kept_referenced, "skipped": self.skipped}


# --- Conditions -----------------------------------------------------------------------------


def _only_closed_cases(queryset: QuerySet[Any], context: RetentionContext) -> QuerySet[Any]:
    return queryset.filter(closed_at__isnull=False)


def _only_dismissed_hits(queryset: QuerySet[Any], context: RetentionContext) -> QuerySet[Any]:
    return queryset.filter(status="dismissed")


def _only_expired_grants(queryset: QuerySet[Any], context: RetentionContext) -> QuerySet[Any]:
    return queryset.filter(expires_at__isnull=False)


def _positions_outside_breaches(
    queryset: QuerySet[Any], context: RetentionContext
) -> QuerySet[Any]:
    """Positions within a day of a confirmed breach are evidence: they stay with the breach."""
    try:
        alert = apps.get_model("monitoring", "Alert")
    except LookupError:
        return queryset
    window = timedelta(days=1)
    breach = alert.objects.filter(
        Q(order__tag=OuterRef("device")) | Q(order__protected_device=OuterRef("device")),
        Q(confirmed_at__isnull=False) | Q(breach_incident__isnull=False),
        time__gte=OuterRef("time") - window,
        time__lte=OuterRef("time") + window,
    )
    return queryset.exclude(Exists(breach))


def _persons_whose_relatives_go_too(ids: list[int], context: RetentionContext) -> list[int]:
    """A person with no records of their own but a relation to someone who stays (a child of a
    parent with incidents) stays too: Socialsøg finds children through those relations."""
    relation = apps.get_model("persons", "Relation")
    candidates = set(ids)
    pairs = relation.objects.filter(
        Q(person_id__in=candidates) | Q(related_person_id__in=candidates)
    ).values_list("person_id", "related_person_id")
    links: dict[int, set[int]] = {}
    for a, b in pairs:
        links.setdefault(a, set()).add(b)
        links.setdefault(b, set()).add(a)
    changed = True
    while changed:
        staying = {pk for pk in candidates if links.get(pk, set()) - candidates}
        changed = bool(staying)
        candidates -= staying
    return sorted(candidates)


# --- The rules ------------------------------------------------------------------------------

RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        name="expired_grants",
        model="access.accessgrant",
        date_field="expires_at",
        default_days=0,
        legal_source="Rpl. § 115 (a disclosure serves its purpose for its time only); storage "
        "limitation: directive 2016/680 art. 4(1)(e) (Rhl.), GDPR art. 5(1)(e)",
        condition=_only_expired_grants,
        check_references=False,
        description="Access grants whose expiry has passed (they already stop counting then).",
    ),
    RetentionRule(
        name="disclosures",
        model="access.disclosure",
        date_field="disclosed_at",
        default_days=FIVE_YEARS,
        legal_source="the log of disclosures (directive 2016/680 art. 25, Rhl.), kept as long "
        "as the audit trail",
        parts=("grants",),
        description="The record of a disclosure (the log required by law) and its grants.",
    ),
    RetentionRule(
        name="monitoring_positions",
        model="monitoring.positionrecord",
        date_field="time",
        default_days=90,
        legal_source="directive 2016/680 art. 4(1)(e) and art. 5 (Rhl.); positions near a "
        "confirmed breach are evidence and stay with the breach",
        condition=_positions_outside_breaches,
        check_references=False,
        description="GPS positions of monitored devices, except within a day of a breach.",
    ),
    RetentionRule(
        name="dismissed_hits",
        model="risk.hit",
        date_field="decided_at",
        default_days=YEAR,
        legal_source="directive 2016/680 art. 5 (time limits for erasure or review, Rhl.); a "
        "dismissed hit serves later screenings for a year",
        condition=_only_dismissed_hits,
        parts=("persons", "incidents"),
        description="Socialsøg hits the reviewer dismissed (no social report).",
    ),
    RetentionRule(
        name="closed_cases",
        model="cases.case",
        date_field="closed_at",
        default_days=FIVE_YEARS,
        legal_source="directive 2016/680 art. 5 (Rhl.), GDPR art. 5(1)(e); after transfer to "
        "the archive where Arkivloven requires it; officer requests: 1 year",
        condition=_only_closed_cases,
        parts=("status_changes", "notes", "participants"),
        period_by=("case_type", {"officer_request": YEAR}),
        description="Closed cases with their history, notes and participants.",
    ),
    RetentionRule(
        name="incidents",
        model="incidents.incident",
        date_field="occurred_on",
        default_days=FIVE_YEARS,
        legal_source="directive 2016/680 art. 5 (Rhl.); only incidents that no case, hit or "
        "alert still needs",
        parts=("involvements",),
        description="Incidents with their involvements, once no case or hit refers to them.",
    ),
    RetentionRule(
        name="persons",
        model="persons.person",
        date_field="updated_at",
        default_days=90,
        legal_source="directive 2016/680 art. 4(1)(e) (Rhl.), GDPR art. 5(1)(e): a person "
        "with no remaining record has no purpose in the register",
        parts=("name_tokens", "relations_from", "relations_to"),
        refine=_persons_whose_relatives_go_too,
        description="Persons no incident, case, hit or order refers to any longer.",
    ),
)


# --- The engine -----------------------------------------------------------------------------


def _model(label: str) -> type[models.Model] | None:
    app_label, _, model_name = label.partition(".")
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _cutoff_value(model: type[models.Model], field_name: str, moment: datetime) -> Any:
    model_field = model._meta.get_field(field_name)
    if isinstance(model_field, models.DateTimeField):
        return moment
    if isinstance(model_field, models.DateField):
        return timezone.localtime(moment).date()
    raise TypeError(f"{model._meta.label}.{field_name} is not a date")


def _blocking_references(model: type[models.Model], parts: Sequence[str]) -> list[Any]:
    """One NOT EXISTS per reverse relation that is not a part of the row and not SET_NULL."""
    filters = []
    # include_hidden: relations named "+" (HitPerson.person, Alert.breach_incident …) count too.
    for relation in model._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue
        if not relation.hidden and relation.get_accessor_name() in parts:
            continue
        if relation.on_delete in (models.SET_NULL, models.SET_DEFAULT):
            continue
        other: Any = relation.related_model
        filters.append(~Exists(other._base_manager.filter(**{relation.field.name: OuterRef("pk")})))
    return filters


def expired(rule: RetentionRule, context: RetentionContext) -> QuerySet[Any] | None:
    model = _model(rule.model)
    if model is None:
        return None
    queryset = model._base_manager.all()
    date_field = rule.date_field
    if rule.period_by is None:
        queryset = queryset.filter(
            **{f"{date_field}__lt": _cutoff_value(model, date_field,
                                                  context.cutoff(rule.days()))}
        )
    else:
        field_name = rule.period_by[0]
        overrides = rule.period_values()
        expiry = Q(
            ~Q(**{f"{field_name}__in": list(overrides)}),
            **{f"{date_field}__lt": _cutoff_value(model, date_field,
                                                  context.cutoff(rule.days()))},
        )
        for value in overrides:
            expiry |= Q(**{field_name: value, f"{date_field}__lt": _cutoff_value(
                model, date_field, context.cutoff(rule.days(value)))})
        queryset = queryset.filter(expiry)
    if rule.condition is not None:
        queryset = rule.condition(queryset, context)
    return queryset


def _grant_cleanup(label: str, ids: Sequence[int]) -> int:
    """Grants point at records by "app.model:id" strings, not foreign keys: remove them here."""
    if label == "access.accessgrant":
        return 0
    grant = apps.get_model("access", "AccessGrant")
    deleted, _ = grant.objects.filter(
        Q(subject_type=label, subject_id__in=ids) | Q(source__in=[f"{label}:{pk}" for pk in ids])
    ).delete()
    return deleted


def _erase_batch(rule: RetentionRule, model: type[models.Model], ids: list[int],
                 context: RetentionContext) -> list[int]:
    label = model._meta.label_lower
    with transaction.atomic():
        # Re-read under the same conditions inside the transaction: a row that gained a
        # reference since we listed it is no longer expired.
        queryset = expired(rule, context)
        assert queryset is not None
        if rule.check_references:
            queryset = queryset.filter(*_blocking_references(model, rule.parts))
        present = sorted(queryset.filter(pk__in=ids).values_list("pk", flat=True))
        if not present:
            return []
        grants = _grant_cleanup(label, present)
        _count, by_model = model._base_manager.filter(pk__in=present).delete()
        audit_record_many(
            actor=None,
            actor_username=ACTOR_NAME,
            events=[AuditEvent(
                action=Action.DELETE,
                object_type=label,
                reason=f"retention: {rule.name}",
                changes={
                    "rule": rule.name,
                    "as_of": context.as_of.isoformat(),
                    "count": len(present),
                    "ids": present,
                    "deleted_rows": {k.lower(): v for k, v in sorted(by_model.items())},
                    "grants_removed": grants,
                },
            )],
        )
    return present


def retention_run(*, as_of: datetime | date | None = None, dry_run: bool = False,
                  rules: Sequence[RetentionRule] = RULES,
                  batch_size: int = BATCH_SIZE) -> list[RuleOutcome]:
    """Apply every rule once, in order (cases before the incidents and persons they hold)."""
    if as_of is None:
        moment = timezone.now()
    elif isinstance(as_of, datetime):
        moment = as_of
    else:
        # A date means "at the end of that day" in Copenhagen, as a user reads it.
        moment = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    context = RetentionContext(as_of=moment)
    outcomes = []
    for rule in rules:
        outcome = RuleOutcome(rule=rule.name, model=rule.model)
        outcomes.append(outcome)
        model = _model(rule.model)
        queryset = expired(rule, context)
        if model is None or queryset is None:
            outcome.skipped = "model not installed"
            continue
        all_ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        ids = all_ids
        if rule.check_references:
            ids = list(queryset.filter(*_blocking_references(model, rule.parts))
                       .order_by("pk").values_list("pk", flat=True))
        if rule.refine is not None:
            ids = rule.refine(ids, context)
        outcome.kept_referenced = len(all_ids) - len(ids)
        if dry_run:
            outcome.erased, outcome.ids = len(ids), ids
            continue
        for start in range(0, len(ids), batch_size):
            batch = ids[start:start + batch_size]
            erased = _erase_batch(rule, model, batch, context)
            outcome.erased += len(erased)
            outcome.ids.extend(erased)
    return outcomes


def audit_entries_past_retention(as_of: datetime | None = None) -> int:
    """Audit entries older than five years. Counted, not erased: see docs/SECURITY.md."""
    from samspil.audit.models import AuditEntry

    moment = as_of or timezone.now()
    return AuditEntry.objects.filter(at__lt=moment - timedelta(days=FIVE_YEARS)).count()
