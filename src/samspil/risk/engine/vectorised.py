"""The vectorised screening with polars, for the weekly run over millions of rows.

The shape of the work, and why:

1. The only passes over the big tables: incidents -> the window; involvements -> the rows in
   the window with a role that can matter; relations -> the caregiver relations. Nothing is
   joined against the full person table.
2. Everything after that starts from the few persons with a counted involvement in the window
   ("active" caregivers): only their children can be in a hit, so families (a group-by on
   caregiver *sets*, the expensive part) are formed for those children only, and persons are
   looked up by ``is_in`` for those ids only.

Stages are collected eagerly on purpose: a single lazy plan that reuses an intermediate result in
several branches made polars recompute it per branch (10× slower in the benchmark).

Role, category and relation columns may be String, Categorical or Enum; Categorical/Enum is ~10×
faster to filter, so the database layer should stream them that way.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from samspil.risk.engine.records import (
    COPENHAGEN,
    INCIDENT_SCHEMA,
    INVOLVEMENT_SCHEMA,
    PERSON_SCHEMA,
    RELATION_SCHEMA,
    FamilyHit,
    IncidentExplanation,
    PersonRole,
    child_cutoff,
    hit_order,
    sorted_tuple,
    unknown_categories_error,
    window_start,
)
from samspil.risk.rules import CHILD_PRESENT_ROLE, RuleSet

FrameLike = pl.DataFrame | pl.LazyFrame


def _lazy(data: FrameLike | Iterable[Any], schema: dict[str, Any], what: str) -> pl.LazyFrame:
    if isinstance(data, pl.LazyFrame):
        frame = data
    elif isinstance(data, pl.DataFrame):
        frame = data.lazy()
    else:
        frame = pl.DataFrame(list(data), schema=schema, orient="row").lazy()
    names = frame.collect_schema()
    missing = set(schema) - set(names)
    if missing:
        raise ValueError(f"{what} lacks columns {sorted(missing)}")
    casts = []
    for name, dtype in schema.items():
        actual = names[name]
        if actual == dtype:
            continue
        if dtype == pl.Date and isinstance(actual, pl.Datetime):
            if actual.time_zone is None:
                # A naive timestamp from a database driver is usually UTC, from a bundle it is
                # local time: guessing would move incidents near midnight to the wrong day.
                raise TypeError(f"{what}.{name}: give dates or time-zone-aware datetimes")
            casts.append(pl.col(name).dt.convert_time_zone(COPENHAGEN.key).dt.date())
        elif dtype == pl.String:
            # Categorical/Enum compare against strings as they are, and much faster than
            # String; they are cast to String only after the big filters.
            continue
        else:
            casts.append(pl.col(name).cast(dtype))
    return frame.with_columns(casts) if casts else frame


def _families(pairs: pl.DataFrame) -> pl.DataFrame:
    """Group children by their exact caregiver set: family, caregivers, children.

    ``pairs`` (child, caregiver) must be unique and sorted. Grouping on a list column is slow in
    polars, so the sorted caregiver list is spread over one integer column per position (null
    past its end) and grouped on those; that is exact, unlike grouping on a hash of the list.
    """
    if pairs.is_empty():
        return pl.DataFrame(
            schema={
                "family": pl.Int64,
                "caregivers": pl.List(pl.Int64),
                "children": pl.List(pl.Int64),
            }
        )
    per_child = pairs.group_by("child", maintain_order=True).agg(caregivers=pl.col("caregiver"))
    width: int = per_child["caregivers"].list.len().max()  # type: ignore[assignment]
    slots = [f"_cg{i}" for i in range(width)]
    return (
        per_child.with_columns(
            pl.col("caregivers").list.get(i, null_on_oob=True).alias(slot)
            for i, slot in enumerate(slots)
        )
        .group_by(slots)
        .agg(pl.col("caregivers").first(), children=pl.col("child"))
        # The family's smallest child id names it: unique and independent of group order
        # (children are in ascending order because the pairs were sorted).
        .select(
            family=pl.col("children").list.first(), caregivers="caregivers", children="children"
        )
    )


@dataclass(frozen=True)
class ScreenFrames:
    """The vectorised result before it becomes Python objects."""

    hits: pl.DataFrame  # family, score, clause, caregivers: list[i64], children: list[i64]
    incidents: pl.DataFrame  # one row per counted caregiver involvement of a hit: family,
    # incident_id, journal_no, occurred_on, category, weight, caregiver, role
    present: pl.DataFrame  # family, incident_id, child
    keys: pl.DataFrame  # id, key of every caregiver and child of a hit


def screen_frames(
    rule_set: RuleSet,
    as_of: date,
    persons: FrameLike | Iterable[Any],
    relations: FrameLike | Iterable[Any],
    incidents: FrameLike | Iterable[Any],
    involvements: FrameLike | Iterable[Any],
) -> ScreenFrames:
    """Columns: persons(id, key, birth_date), relations(person_id, related_person_id, relation),
    incidents(id, journal_no, occurred_on, category), involvements(incident_id, person_id, role).
    """
    P = _lazy(persons, PERSON_SCHEMA, "persons")
    R = _lazy(relations, RELATION_SCHEMA, "relations")
    I = _lazy(incidents, INCIDENT_SCHEMA, "incidents")  # noqa: E741
    V = _lazy(involvements, INVOLVEMENT_SCHEMA, "involvements")
    extra = rule_set.extra_counted_roles_by_category
    role_pool = sorted(set(rule_set.counted_roles).union(*extra.values()))

    # Stage 1: the passes over the big tables.
    window_lf = I.filter(
        pl.col("occurred_on").is_between(window_start(rule_set, as_of), as_of, closed="both")
    ).select(
        incident_id=pl.col("id"),
        journal_no=pl.col("journal_no").cast(pl.String),
        occurred_on=pl.col("occurred_on"),
        category=pl.col("category").cast(pl.String),
    )
    window, caregiver_relations = pl.collect_all(
        [
            window_lf,
            R.filter(
                pl.col("relation").is_in(sorted(rule_set.caregiver_relations))
                & (pl.col("person_id") != pl.col("related_person_id"))
            ).select(caregiver=pl.col("person_id"), child=pl.col("related_person_id")),
        ]
    )
    window = window.with_columns(
        weight=pl.col("category").replace_strict(
            dict(rule_set.category_weights), default=None, return_dtype=pl.Int64
        )
    )
    unknown = window.filter(pl.col("weight").is_null())
    if unknown.height:
        raise unknown_categories_error(rule_set, unknown["category"].to_list())
    # One pass over the involvements, integer and role tests only.
    relevant = V.filter(
        pl.col("incident_id").is_in(window["incident_id"].implode())
        & pl.col("role").is_in([*role_pool, CHILD_PRESENT_ROLE])
    ).collect()

    # Stage 2: from here on only rows that can matter. Whether a role counts depends on the
    # category only through the extra roles, so test incident ids instead of joining the
    # (string) category onto every row; the weight is joined once per family incident below.
    counts = pl.col("role").is_in(sorted(rule_set.counted_roles))
    for category, roles in sorted(extra.items()):
        ids = window.filter(pl.col("category") == category)["incident_id"]
        counts = counts | (
            pl.col("role").is_in(sorted(roles)) & pl.col("incident_id").is_in(ids.implode())
        )
    # Duplicates are left in until the few rows of the hits remain (deduplicating here cost
    # more than the rest of stage 2).
    counted = relevant.filter(counts).select(
        "incident_id", caregiver=pl.col("person_id"), role=pl.col("role")
    )
    candidate_children = caregiver_relations.filter(
        pl.col("caregiver").is_in(counted["caregiver"].implode())
    )["child"]
    # Every caregiver of those children: a family is defined by the complete caregiver set.
    pairs = caregiver_relations.filter(pl.col("child").is_in(candidate_children.implode()))
    people_ids = pl.concat([pairs["caregiver"], pairs["child"]])
    people = (
        P.filter(pl.col("id").is_in(people_ids.implode()))
        .select("id", key=pl.col("key").cast(pl.String), birth_date=pl.col("birth_date"))
        .collect()
    )
    birth = pl.col("birth_date")
    children = people.filter(
        birth.is_not_null()
        & (birth > child_cutoff(as_of, rule_set.child_age_limit))
        & (birth <= as_of)
    )["id"]
    pairs = (
        pairs.filter(
            pl.col("child").is_in(children.implode())
            & pl.col("caregiver").is_in(people["id"].implode())
        )
        .unique()
        .sort("child", "caregiver")
    )
    families = _families(pairs)
    caregiver_family = families.select("family", caregiver="caregivers").explode("caregiver")
    child_family = families.select("family", child="children").explode("child")

    family_counted = counted.join(caregiver_family, on="caregiver", how="inner")
    family_incidents = (
        family_counted.select("family", "incident_id")
        .unique()
        .join(window.select("incident_id", "weight"), on="incident_id", how="inner")
    )
    present = (
        relevant.filter(pl.col("role") == CHILD_PRESENT_ROLE)
        .select("incident_id", child=pl.col("person_id"))
        .join(child_family, on="child", how="inner")
        .join(family_incidents, on=["family", "incident_id"], how="semi")
        .unique()
    )
    stats = family_incidents.group_by("family").agg(
        n=pl.len(), score=pl.col("weight").sum(), max_weight=pl.col("weight").max()
    )
    clause_a = (pl.col("max_weight") >= rule_set.serious_weight) | pl.col("family").is_in(
        present["family"].unique().implode()
    )
    clause_b = (pl.col("n") >= rule_set.clause_b_min_incidents) & (
        pl.col("score") >= rule_set.clause_b_min_score
    )
    hits = (
        stats.filter(clause_a | clause_b)
        .select(
            "family", "score", clause=pl.when(clause_a).then(pl.lit("a")).otherwise(pl.lit("b"))
        )
        .join(families, on="family", how="inner")
    )
    hit_families = hits["family"].implode()
    hit_people = pl.concat([hits["caregivers"].explode(), hits["children"].explode()]).implode()
    return ScreenFrames(
        hits=hits,
        incidents=family_counted.filter(pl.col("family").is_in(hit_families))
        .with_columns(pl.col("role").cast(pl.String))
        .unique()
        .join(window, on="incident_id", how="inner")
        .select(
            "family",
            "incident_id",
            "journal_no",
            "occurred_on",
            "category",
            "weight",
            "caregiver",
            "role",
        ),
        present=present.filter(pl.col("family").is_in(hit_families)).select(
            "family", "incident_id", "child"
        ),
        keys=people.filter(pl.col("id").is_in(hit_people)).select("id", "key"),
    )


def materialise(rule_set: RuleSet, as_of: date, frames: ScreenFrames) -> list[FamilyHit]:
    """Turn the vectorised result into the same ``FamilyHit`` objects as the reference.

    The detail rows are sorted in polars so that Python only walks them once, in order.
    """
    with _gc_paused():
        return _materialise(rule_set, as_of, frames)


def _materialise(rule_set: RuleSet, as_of: date, frames: ScreenFrames) -> list[FamilyHit]:
    # Detail rows come sorted from polars so that Python walks them once, in order; the small
    # per-hit lists are sorted in Python (a polars group-by per list cost more than that).
    details, present_df = pl.collect_all(
        [
            frames.incidents.lazy().sort(
                "family", "occurred_on", "journal_no", "incident_id", "caregiver", "role"
            ),
            frames.present.lazy().sort("family", "incident_id", "child"),
        ]
    )
    key_of: dict[int, str] = dict(
        zip(frames.keys["id"].to_list(), frames.keys["key"].to_list(), strict=True)
    )
    present: dict[tuple[int, int], list[PersonRole]] = defaultdict(list)
    for family, incident_id, child in present_df.rows():
        present[(family, incident_id)].append(PersonRole(child, key_of[child], CHILD_PRESENT_ROLE))

    serious_weight = rule_set.serious_weight
    explanations: dict[int, list[IncidentExplanation]] = defaultdict(list)
    rows = details.rows()
    i, end = 0, len(rows)
    while i < end:
        family, incident_id, journal_no, occurred_on, category, weight, _, _ = rows[i]
        roles = []
        while i < end and rows[i][0] == family and rows[i][1] == incident_id:
            caregiver, role = rows[i][6], rows[i][7]
            roles.append(PersonRole(caregiver, key_of[caregiver], role))
            i += 1
        explanations[family].append(
            IncidentExplanation(
                incident_id=incident_id,
                journal_no=journal_no,
                occurred_on=occurred_on,
                category=category,
                weight=weight,
                serious=weight >= serious_weight,
                involvements=tuple(roles),
                children_present=tuple(present.get((family, incident_id), ())),
            )
        )

    version = rule_set.version
    result = []
    for family, score, clause, caregivers, children in frames.hits.select(
        "family", "score", "clause", "caregivers", "children"
    ).rows():
        items = explanations[family]
        # Lists from _families are already ascending; sorting a sorted short list is cheap.
        family_key = sorted_tuple(caregivers)
        child_ids = sorted_tuple(children)
        result.append(
            FamilyHit(
                family_key=family_key,
                caregiver_ids=family_key,
                child_ids=child_ids,
                caregiver_keys=sorted_tuple([key_of[c] for c in family_key]),
                child_keys=sorted_tuple([key_of[c] for c in child_ids]),
                incident_ids=sorted_tuple([item.incident_id for item in items]),
                journal_nos=sorted_tuple([item.journal_no for item in items]),
                score=int(score),
                clause=clause,
                rule_set_version=version,
                as_of=as_of,
                explanation=tuple(items),
            )
        )
    result.sort(key=hit_order)
    return result


def screen(
    rule_set: RuleSet,
    as_of: date,
    persons: FrameLike | Iterable[Any],
    relations: FrameLike | Iterable[Any],
    incidents: FrameLike | Iterable[Any],
    involvements: FrameLike | Iterable[Any],
) -> list[FamilyHit]:
    """Screen everyone on ``as_of``; hits in CLI order (by caregiver keys, then child keys).

    Accepts polars DataFrames/LazyFrames (what the database layer streams) or sequences of the
    input records; gives the same hits as ``screen_reference``.
    """
    frames = screen_frames(rule_set, as_of, persons, relations, incidents, involvements)
    return materialise(rule_set, as_of, frames)


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Building tens of thousands of small acyclic objects triggers many collections that
    # re-traverse them all (about 40 % of materialise in the benchmark); nothing here can form
    # a reference cycle, so pausing the collector loses nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
