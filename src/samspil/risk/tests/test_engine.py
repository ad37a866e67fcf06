"""Planted families for each clause and each exclusion, through both implementations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from samspil.risk.engine import (
    child_cutoff,
    is_child,
    local_date,
    screen,
    screen_reference,
    screening_report,
    window_start,
)
from samspil.risk.rules import RULE_SET_V1, RuleSetError
from samspil.risk.tests.builders import AS_OF, SCREENERS, Screener, World


@pytest.fixture(params=sorted(SCREENERS))
def screener(request: pytest.FixtureRequest) -> Screener:
    return SCREENERS[request.param]


def family(world: World, *, children: int = 1) -> tuple[int, int, list[int]]:
    """Mother and father with ``children`` children under 18."""
    mother = world.adult("mor")
    father = world.adult("far")
    kids = [world.child(f"barn{i}") for i in range(children)]
    world.parent_of(mother, *kids)
    world.parent_of(father, *kids)
    return mother, father, kids


# --- the clauses ---------------------------------------------------------------------------


def test_clause_a_by_one_serious_incident(screener: Screener) -> None:
    w = World()
    mother, father, kids = family(w)
    w.incident("sexual_offence", (father, "charged"), journal_no="4100-80001-00001-25")
    (hit,) = w.screen(screener)
    assert hit.clause == "a"
    assert hit.score == 3
    assert hit.caregiver_ids == (mother, father)
    assert hit.child_ids == tuple(kids)
    assert hit.journal_nos == ("4100-80001-00001-25",)
    assert hit.rule_set_version == "v1"
    assert hit.explanation[0].serious


def test_clause_a_by_a_child_present(screener: Screener) -> None:
    w = World()
    mother, _, (kid,) = family(w)
    w.incident("domestic_disturbance", (mother, "involved"), (kid, "child_present"))
    (hit,) = w.screen(screener)
    assert (hit.clause, hit.score) == ("a", 1)
    (item,) = hit.explanation
    assert [(r.person_key, r.role) for r in item.children_present] == [("barn0", "child_present")]
    assert not item.serious


def test_clause_b_by_two_incidents_scoring_four(screener: Screener) -> None:
    w = World()
    mother, father, _ = family(w)
    first = w.incident("violence", (father, "suspect"), days_ago=200)
    second = w.incident("drunk_driving", (mother, "charged"), days_ago=3)
    (hit,) = w.screen(screener)
    assert (hit.clause, hit.score) == ("b", 4)
    assert hit.incident_ids == (first, second)
    # The explanation reads as a timeline: who, how, what it weighs.
    assert [
        (i.category, i.weight, [(r.person_key, r.role) for r in i.involvements])
        for i in hit.explanation
    ] == [("violence", 2, [("far", "suspect")]), ("drunk_driving", 2, [("mor", "charged")])]


def test_two_incidents_scoring_three_are_no_hit(screener: Screener) -> None:
    w = World()
    mother, father, _ = family(w)
    w.incident("violence", (father, "suspect"))
    w.incident("threats", (mother, "suspect"))
    assert w.screen(screener) == []


def test_one_incident_of_weight_two_is_no_hit(screener: Screener) -> None:
    w = World()
    mother, _, _ = family(w)
    w.incident("suicide_threat", (mother, "involved"))
    assert w.screen(screener) == []


def test_four_points_in_one_incident_are_clause_a_not_b(screener: Screener) -> None:
    w = World()
    mother, father, _ = family(w)
    w.incident("violence", (father, "suspect"), (mother, "suspect"))
    w.incident("violence", (father, "suspect"))
    # One incident counts once however many caregivers are in it: 2 + 2, two incidents.
    (hit,) = w.screen(screener)
    assert (hit.clause, hit.score) == ("b", 4)
    assert len(hit.explanation[0].involvements) + len(hit.explanation[1].involvements) == 3


def test_clause_a_wins_over_b(screener: Screener) -> None:
    w = World()
    mother, father, _ = family(w)
    w.incident("domestic_violence", (father, "suspect"))
    w.incident("violence", (mother, "suspect"))
    (hit,) = w.screen(screener)
    assert (hit.clause, hit.score) == ("a", 5)


def test_weight_zero_incidents_are_listed_and_counted(screener: Screener) -> None:
    w = World()
    _, father, _ = family(w)
    w.incident("theft", (father, "suspect"))
    w.incident("drunk_driving", (father, "suspect"))
    assert w.screen(screener) == []  # 2 incidents but score 2
    w.incident("drug_driving", (father, "suspect"))
    (hit,) = w.screen(screener)
    assert (hit.clause, hit.score, len(hit.incident_ids)) == ("b", 4, 3)


def test_caregiver_of_counts_like_parent_of(screener: Screener) -> None:
    w = World()
    stepfather = w.adult("stedfar")
    kid = w.child("barn")
    w.parent_of(stepfather, kid, relation="caregiver_of")
    w.incident("domestic_violence", (stepfather, "suspect"))
    (hit,) = w.screen(screener)
    assert hit.caregiver_keys == ("stedfar",)


# --- the exclusions ------------------------------------------------------------------------


def test_no_children_no_hit(screener: Screener) -> None:
    w = World()
    loner = w.adult("alene")
    adult_son = w.person("voksen", age=25)
    w.parent_of(loner, adult_son)
    w.incident("domestic_violence", (loner, "suspect"))
    partner = w.adult("partner")
    w.parent_of(partner, w.adult("kaereste"), relation="partner")
    w.incident("domestic_violence", (partner, "suspect"))
    assert w.screen(screener) == []


def test_partner_or_sibling_relations_make_no_caregiver(screener: Screener) -> None:
    w = World()
    brother = w.adult("bror")
    kid = w.child("barn")
    w.parent_of(brother, kid, relation="sibling")
    w.incident("domestic_violence", (brother, "suspect"))
    assert w.screen(screener) == []


def test_on_the_18th_birthday_the_child_no_longer_counts(screener: Screener) -> None:
    w = World()
    mother = w.adult("mor")
    turns_18_today = w.person("atten", born=date(2007, 6, 30))
    w.parent_of(mother, turns_18_today)
    w.incident("domestic_violence", (mother, "suspect"))
    assert w.screen(screener) == []
    # The day before the birthday the child was still under 18.
    (hit,) = w.screen(screener, as_of=date(2025, 6, 29))
    assert hit.child_keys == ("atten",)


def test_a_child_born_on_29_february_comes_of_age_on_1_march() -> None:
    born = date(2008, 2, 29)
    assert is_child(born, date(2026, 2, 28), 18)
    assert not is_child(born, date(2026, 3, 1), 18)
    assert child_cutoff(date(2024, 2, 29), 18) == date(2006, 2, 28)
    assert not is_child(date(2006, 2, 28), date(2024, 2, 29), 18)
    assert is_child(date(2006, 3, 1), date(2024, 2, 29), 18)


def test_unborn_and_unknown_birth_dates_are_not_children() -> None:
    assert not is_child(AS_OF + timedelta(days=1), AS_OF, 18)
    assert not is_child(None, AS_OF, 18)
    assert is_child(AS_OF, AS_OF, 18)


@pytest.mark.parametrize(
    ("days_ago", "counted"),
    [(0, True), (364, True), (365, False), (366, False), (-1, False)],
)
def test_the_window_is_365_days_including_the_screening_date(
    screener: Screener, days_ago: int, counted: bool
) -> None:
    w = World()
    mother, _, _ = family(w)
    w.incident("domestic_violence", (mother, "suspect"), days_ago=days_ago)
    assert bool(w.screen(screener)) is counted
    assert window_start(RULE_SET_V1, AS_OF) == AS_OF - timedelta(days=364)


@pytest.mark.parametrize("role", ["witness", "reporter"])
def test_witnesses_and_reporters_never_count(screener: Screener, role: str) -> None:
    w = World()
    mother, _, _ = family(w)
    w.incident("domestic_violence", (mother, role))
    w.incident("sexual_offence", (mother, role))
    assert w.screen(screener) == []


def test_a_victim_outside_domestic_violence_does_not_count(screener: Screener) -> None:
    w = World()
    mother, _, _ = family(w)
    w.incident("violence", (mother, "victim"))
    w.incident("robbery", (mother, "victim"))
    w.incident("sexual_offence", (mother, "victim"))
    assert w.screen(screener) == []


def test_a_victim_of_domestic_violence_counts(screener: Screener) -> None:
    w = World()
    mother, _, _ = family(w)
    w.incident("domestic_violence", (mother, "victim"))
    (hit,) = w.screen(screener)
    assert hit.clause == "a"
    assert hit.explanation[0].involvements[0].role == "victim"


def test_a_child_present_without_a_counted_caregiver_is_no_hit(screener: Screener) -> None:
    w = World()
    mother, _, (kid,) = family(w)
    w.incident("domestic_disturbance", (mother, "witness"), (kid, "child_present"))
    stranger = w.adult("fremmed")
    w.incident("violence", (stranger, "suspect"), (kid, "child_present"))
    assert w.screen(screener) == []


def test_a_child_present_from_another_family_is_not_clause_a(screener: Screener) -> None:
    w = World()
    mother, _, _ = family(w)
    other_mother = w.adult("anden mor")
    other_kid = w.child("andet barn")
    w.parent_of(other_mother, other_kid)
    w.incident("threats", (mother, "suspect"), (other_kid, "child_present"))
    assert w.screen(screener) == []


# --- families ------------------------------------------------------------------------------


def test_two_children_with_the_same_caregivers_are_one_family(screener: Screener) -> None:
    w = World()
    mother, father, kids = family(w, children=2)
    w.incident("violence", (mother, "suspect"), (kids[1], "child_present"))
    (hit,) = w.screen(screener)
    # Both children are in the hit, though only one was present: the concern is the household.
    assert hit.child_ids == tuple(kids)
    assert hit.child_keys == ("barn0", "barn1")
    assert hit.family_key == (mother, father)


def test_children_with_different_caregiver_sets_are_separate_families(
    screener: Screener,
) -> None:
    w = World()
    mother, father, (shared,) = family(w)
    half_sibling = w.child("halvsoester")
    w.parent_of(mother, half_sibling)
    w.incident("domestic_violence", (mother, "suspect"), days_ago=5)
    w.incident("violence", (father, "suspect"), days_ago=4)
    hits = w.screen(screener)
    assert [(h.caregiver_keys, h.child_keys, h.score) for h in hits] == [
        (("far", "mor"), ("barn0",), 5),
        (("mor",), ("halvsoester",), 3),
    ]
    assert hits[0].child_ids == (shared,)


def test_a_teenage_parent_is_both_child_and_caregiver(screener: Screener) -> None:
    w = World()
    grandmother = w.adult("mormor")
    young_mother = w.child("ung mor", age=17)
    baby = w.child("baby", age=0)
    w.parent_of(grandmother, young_mother)
    w.parent_of(young_mother, baby)
    w.incident("domestic_violence", (young_mother, "victim"), (young_mother, "child_present"))
    hits = w.screen(screener)
    # The baby's family hits; the grandmother's family does not (the young mother is not a
    # counted caregiver there), even though the young mother was "present" at the incident.
    assert [(h.caregiver_keys, h.child_keys) for h in hits] == [(("ung mor",), ("baby",))]


def test_duplicate_rows_change_nothing(screener: Screener) -> None:
    w = World()
    mother, _, (kid,) = family(w)
    w.incident("violence", (mother, "suspect"), (mother, "suspect"), (kid, "child_present"))
    w.relations.append(w.relations[0])
    w.involvements.append(w.involvements[-1])
    (hit,) = w.screen(screener)
    assert hit.score == 2
    assert len(hit.explanation[0].involvements) == 1
    assert len(hit.explanation[0].children_present) == 1


def test_relations_to_unknown_persons_are_ignored(screener: Screener) -> None:
    w = World()
    kid = w.child("barn")
    w.parent_of(999, kid)
    w.incident("domestic_violence", (999, "suspect"))
    assert w.screen(screener) == []


def test_an_unknown_category_in_the_window_is_an_error(screener: Screener) -> None:
    w = World()
    mother, _, _ = family(w)
    w.incident("cybercrime", (mother, "suspect"))
    with pytest.raises(RuleSetError, match="cybercrime"):
        w.screen(screener)


def test_an_unknown_category_outside_the_window_is_ignored(screener: Screener) -> None:
    w = World()
    mother, _, _ = family(w)
    w.incident("cybercrime", (mother, "suspect"), days_ago=400)
    assert w.screen(screener) == []


# --- output --------------------------------------------------------------------------------


def test_the_cli_report_is_sorted_and_follows_the_contract() -> None:
    w = World()
    b_mother = w.adult("P-b")
    a_father = w.adult("P-a")
    kid_z = w.child("P-z")
    kid_y = w.child("P-y")
    w.parent_of(b_mother, kid_z)
    w.parent_of(a_father, kid_y)
    w.incident("domestic_violence", (b_mother, "suspect"), journal_no="J-2")
    w.incident("child_welfare_concern", (b_mother, "involved"), journal_no="J-1")
    w.incident("sexual_offence", (a_father, "charged"), journal_no="J-3")
    hits = w.screen(screen)
    assert screening_report(RULE_SET_V1, AS_OF, reversed(hits)) == {
        "as_of": "2025-06-30",
        "rule_set": "v1",
        "hits": [
            {
                "caregivers": ["P-a"],
                "children": ["P-y"],
                "score": 3,
                "clause": "a",
                "journal_nos": ["J-3"],
            },
            {
                "caregivers": ["P-b"],
                "children": ["P-z"],
                "score": 6,
                "clause": "a",
                "journal_nos": ["J-1", "J-2"],
            },
        ],
    }
    stored = hits[1].to_dict()
    assert stored["explanation"][0]["occurred_on"] == "2025-06-20"
    assert stored["rule_set"] == "v1"


def test_polars_frames_with_categorical_columns_give_the_same_hits() -> None:
    w = World()
    mother, father, (kid,) = family(w)
    w.incident("violence", (father, "suspect"), (kid, "child_present"))
    w.incident("drunk_driving", (mother, "charged"))
    persons = pl.DataFrame(w.persons, orient="row", schema=["id", "key", "birth_date"])
    relations = pl.DataFrame(
        w.relations, orient="row", schema=["person_id", "related_person_id", "relation"]
    ).with_columns(pl.col("relation").cast(pl.Categorical), pl.col("person_id").cast(pl.Int32))
    incidents = pl.DataFrame(
        w.incidents, orient="row", schema=["id", "journal_no", "occurred_on", "category"]
    ).with_columns(pl.col("category").cast(pl.Categorical))
    involvements = pl.DataFrame(
        w.involvements, orient="row", schema=["incident_id", "person_id", "role"]
    ).with_columns(
        pl.col("role").cast(pl.Enum(["suspect", "charged", "victim", "child_present", "witness"]))
    )
    assert screen(RULE_SET_V1, AS_OF, persons, relations, incidents, involvements) == w.screen(
        screen_reference
    )


def test_aware_timestamps_become_copenhagen_dates() -> None:
    # 23:30 UTC on 29 June is 01:30 on 30 June in Copenhagen (summer time).
    late = datetime(2025, 6, 29, 23, 30, tzinfo=UTC)
    assert local_date(late) == date(2025, 6, 30)
    assert local_date(datetime(2025, 6, 29, 23, 30)) == date(2025, 6, 29)

    w = World()
    mother, _, _ = family(w)
    w.incident("domestic_violence", (mother, "suspect"))
    incidents = pl.DataFrame(
        [(100, "J-1", datetime(2024, 6, 30, 22, 30, tzinfo=UTC), "domestic_violence")],
        orient="row",
        schema={
            "id": pl.Int64,
            "journal_no": pl.String,
            "occurred_on": pl.Datetime("us", "UTC"),
            "category": pl.String,
        },
    )
    # 22:30 UTC on 30 June 2024 is 1 July 2024 in Copenhagen: 364 days back, inside.
    (hit,) = screen(RULE_SET_V1, AS_OF, w.persons, w.relations, incidents, w.involvements)
    assert hit.explanation[0].occurred_on == date(2024, 7, 1)


def test_naive_timestamps_are_refused_by_the_frame_path() -> None:
    w = World()
    incidents = pl.DataFrame(
        {"id": [1], "journal_no": ["J"], "occurred_on": [datetime(2025, 1, 1)], "category": ["x"]}
    )
    with pytest.raises(TypeError, match="occurred_on"):
        screen(RULE_SET_V1, AS_OF, w.persons, w.relations, incidents, w.involvements)


def test_empty_inputs_give_no_hits(screener: Screener) -> None:
    assert World().screen(screener) == []
