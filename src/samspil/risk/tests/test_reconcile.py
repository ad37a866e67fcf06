from __future__ import annotations

from datetime import timedelta

import pytest

from samspil.risk.engine import FamilyHit, screen_reference
from samspil.risk.reconcile import Action, ExistingHit, HitStatus, Reason, reconcile
from samspil.risk.rules import RULE_SET_V1
from samspil.risk.tests.builders import World


def stored(hit: FamilyHit, status: HitStatus, hit_id: int = 1) -> ExistingHit:
    """What the database keeps of a hit."""
    return ExistingHit(
        hit_id=hit_id,
        family_key=hit.family_key,
        status=status,
        incident_ids=frozenset(hit.incident_ids),
        child_ids=frozenset(hit.child_ids),
        score=hit.score,
        clause=hit.clause,
        rule_set_version=hit.rule_set_version,
    )


@pytest.fixture
def world() -> World:
    w = World()
    mother = w.adult("mor")
    kid = w.child("barn")
    w.parent_of(mother, kid)
    w.incident("domestic_violence", (mother, "suspect"), days_ago=30)
    return w


MOTHER, KID = 1, 2  # the fixture's persons


def test_a_new_family_creates_a_hit(world: World) -> None:
    (hit,) = world.screen(screen_reference)
    (decision,) = reconcile(RULE_SET_V1, [], [hit])
    assert (decision.action, decision.reason) == (Action.CREATE, Reason.NEW_FAMILY)
    assert decision.hit is hit
    assert decision.new_weight == 3


def test_an_open_hit_is_left_when_nothing_changed(world: World) -> None:
    (hit,) = world.screen(screen_reference)
    (decision,) = reconcile(RULE_SET_V1, [stored(hit, HitStatus.OPEN)], [hit])
    assert (decision.action, decision.reason) == (Action.LEAVE, Reason.UNCHANGED)


def test_an_open_hit_is_updated_not_duplicated(world: World) -> None:
    (first,) = world.screen(screen_reference)
    new = world.incident("threats", (MOTHER, "suspect"), days_ago=1)
    (second,) = world.screen(screen_reference)
    decisions = reconcile(RULE_SET_V1, [stored(first, HitStatus.OPEN, hit_id=7)], [second])
    assert [(d.action, d.existing_hit_id, d.new_incident_ids) for d in decisions] == [
        (Action.UPDATE, 7, (new,))
    ]


def test_a_new_child_updates_the_same_hit(world: World) -> None:
    (first,) = world.screen(screen_reference)
    baby = world.child("baby", age=0)
    world.parent_of(MOTHER, baby)
    (second,) = world.screen(screen_reference)
    (decision,) = reconcile(RULE_SET_V1, [stored(first, HitStatus.OPEN)], [second])
    assert decision.action == Action.UPDATE
    assert decision.new_weight == 0


def test_a_dismissed_hit_stays_dismissed_without_enough_new_weight(world: World) -> None:
    (first,) = world.screen(screen_reference)
    world.incident("threats", (MOTHER, "suspect"), days_ago=1)
    (second,) = world.screen(screen_reference)
    (decision,) = reconcile(RULE_SET_V1, [stored(first, HitStatus.DISMISSED)], [second])
    assert (decision.action, decision.reason) == (
        Action.LEAVE,
        Reason.DISMISSED_NOT_ENOUGH_NEW_WEIGHT,
    )
    assert decision.new_weight == 1


def test_a_dismissed_hit_reopens_with_enough_new_weight(world: World) -> None:
    (first,) = world.screen(screen_reference)
    new = world.incident("drunk_driving", (MOTHER, "charged"), days_ago=1)
    (second,) = world.screen(screen_reference)
    (decision,) = reconcile(RULE_SET_V1, [stored(first, HitStatus.DISMISSED, 4)], [second])
    assert (decision.action, decision.reason) == (Action.REOPEN, Reason.DISMISSED_NEW_WEIGHT)
    assert (decision.existing_hit_id, decision.new_incident_ids, decision.new_weight) == (
        4,
        (new,),
        2,
    )


def test_small_new_incidents_add_up_since_the_dismissal(world: World) -> None:
    (first,) = world.screen(screen_reference)
    dismissed = stored(first, HitStatus.DISMISSED)
    world.incident("threats", (MOTHER, "suspect"), days_ago=8)
    (week_1,) = world.screen(screen_reference)
    assert reconcile(RULE_SET_V1, [dismissed], [week_1])[0].action == Action.LEAVE
    # A "leave" does not touch the stored incident set, so next week both count as new.
    world.incident("stalking", (MOTHER, "suspect"), days_ago=1)
    (week_2,) = world.screen(screen_reference)
    (decision,) = reconcile(RULE_SET_V1, [dismissed], [week_2])
    assert (decision.action, decision.new_weight) == (Action.REOPEN, 2)


def test_a_weight_zero_incident_does_not_reopen(world: World) -> None:
    (first,) = world.screen(screen_reference)
    world.incident("theft", (MOTHER, "suspect"), days_ago=1)
    world.incident("threats", (MOTHER, "suspect"), days_ago=1)
    (second,) = world.screen(screen_reference)
    (decision,) = reconcile(RULE_SET_V1, [stored(first, HitStatus.DISMISSED)], [second])
    assert (decision.action, decision.new_weight) == (Action.LEAVE, 1)


def test_a_reported_hit_is_followed_by_a_new_hit_not_reopened(world: World) -> None:
    (first,) = world.screen(screen_reference)
    reported = stored(first, HitStatus.REPORTED, hit_id=3)
    world.incident("threats", (MOTHER, "suspect"), days_ago=2)
    (second,) = world.screen(screen_reference)
    (decision,) = reconcile(RULE_SET_V1, [reported], [second])
    assert (decision.action, decision.reason) == (
        Action.LEAVE,
        Reason.REPORTED_NOT_ENOUGH_NEW_WEIGHT,
    )
    world.incident("violence", (MOTHER, "suspect"), days_ago=1)
    (third,) = world.screen(screen_reference)
    (decision,) = reconcile(RULE_SET_V1, [reported], [third])
    assert (decision.action, decision.reason, decision.existing_hit_id) == (
        Action.CREATE,
        Reason.REPORTED_NEW_WEIGHT,
        3,
    )


def test_the_open_hit_governs_over_older_closed_ones(world: World) -> None:
    (hit,) = world.screen(screen_reference)
    history = [
        stored(hit, HitStatus.REPORTED, hit_id=1),
        stored(hit, HitStatus.OPEN, hit_id=2),
    ]
    (decision,) = reconcile(RULE_SET_V1, history, [hit])
    assert (decision.action, decision.existing_hit_id) == (Action.LEAVE, 2)


def test_the_newest_closed_hit_governs(world: World) -> None:
    (first,) = world.screen(screen_reference)
    older = ExistingHit(1, first.family_key, HitStatus.DISMISSED, frozenset())
    newer = stored(first, HitStatus.DISMISSED, hit_id=2)
    (decision,) = reconcile(RULE_SET_V1, [newer, older], [first])
    assert (decision.action, decision.existing_hit_id) == (Action.LEAVE, 2)


def test_two_open_hits_for_one_family_are_an_error(world: World) -> None:
    (hit,) = world.screen(screen_reference)
    with pytest.raises(ValueError, match="several open hits"):
        reconcile(
            RULE_SET_V1, [stored(hit, HitStatus.OPEN, 1), stored(hit, HitStatus.OPEN, 2)], [hit]
        )


def test_an_open_hit_that_no_longer_meets_the_rules_is_left_for_the_reviewer(
    world: World,
) -> None:
    (hit,) = world.screen(screen_reference)
    later = world.as_of + timedelta(days=400)
    assert (
        screen_reference(
            RULE_SET_V1, later, world.persons, world.relations, world.incidents, world.involvements
        )
        == []
    )
    decisions = reconcile(RULE_SET_V1, [stored(hit, HitStatus.OPEN, 9)], [])
    assert [(d.action, d.reason, d.existing_hit_id, d.hit) for d in decisions] == [
        (Action.LEAVE, Reason.NO_LONGER_MEETS_RULES, 9, None)
    ]
    # A partial re-screening of other families says nothing about this one.
    assert reconcile(RULE_SET_V1, [stored(hit, HitStatus.OPEN)], [], screened_families=[]) == []
    # Closed hits without a result need no decision.
    assert reconcile(RULE_SET_V1, [stored(hit, HitStatus.DISMISSED)], []) == []


def test_a_changed_caregiver_set_is_a_new_family(world: World) -> None:
    (first,) = world.screen(screen_reference)
    stepfather = world.adult("stedfar")
    world.parent_of(stepfather, KID, relation="caregiver_of")
    (second,) = world.screen(screen_reference)
    decisions = reconcile(RULE_SET_V1, [stored(first, HitStatus.OPEN, 1)], [second])
    assert [(d.action, d.family_key) for d in decisions] == [
        (Action.LEAVE, first.family_key),
        (Action.CREATE, second.family_key),
    ]
