"""Random small populations: the polars path, the reference and the per-incident re-screening
must agree exactly, for v1 and for other rule sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samspil.risk.engine import (
    FamilyHit,
    Incident,
    Involvement,
    Person,
    Relation,
    families_touched,
    is_child,
    screen,
    screen_families_touched,
    screen_reference,
    window_start,
)
from samspil.risk.rules import (
    CHILD_PRESENT_ROLE,
    KNOWN_RELATIONS,
    KNOWN_ROLES,
    RULE_SET_V1,
    RuleSet,
)
from samspil.risk.tests.builders import years_before

# Leap days, month ends and an ordinary date: the boundaries of age and window arithmetic.
AS_OFS = [date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2025, 6, 30)]
CATEGORIES = sorted(RULE_SET_V1.category_weights)
ROLES = sorted(KNOWN_ROLES)
RELATIONS = sorted(KNOWN_RELATIONS)
PROFILE = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Population:
    rule_set: RuleSet
    as_of: date
    persons: list[Person]
    relations: list[Relation]
    incidents: list[Incident]
    involvements: list[Involvement]

    def args(self) -> tuple[object, ...]:
        return (
            self.rule_set,
            self.as_of,
            self.persons,
            self.relations,
            self.incidents,
            self.involvements,
        )


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    if draw(st.booleans()):
        return RULE_SET_V1
    counted = draw(st.sets(st.sampled_from(sorted(KNOWN_ROLES - {CHILD_PRESENT_ROLE}))))
    extra_category = draw(st.sampled_from(CATEGORIES))
    extra_roles = draw(st.sets(st.sampled_from(sorted(KNOWN_ROLES - {CHILD_PRESENT_ROLE}))))
    return RuleSet.from_dict(
        {
            "version": "test",
            "counted_roles": sorted(counted),
            "extra_counted_roles_by_category": {extra_category: sorted(extra_roles)},
            "category_weights": {c: draw(st.integers(0, 4)) for c in CATEGORIES},
            "caregiver_relations": sorted(
                draw(st.sets(st.sampled_from(RELATIONS), min_size=1, max_size=3))
            ),
            "window_days": draw(st.sampled_from([1, 30, 365, 366])),
            "serious_weight": draw(st.integers(1, 5)),
            "clause_b_min_incidents": draw(st.integers(1, 3)),
            "clause_b_min_score": draw(st.integers(1, 6)),
            "child_age_limit": draw(st.sampled_from([15, 18])),
        }
    )


def birth_dates(as_of: date, kind: str) -> st.SearchStrategy[date | None]:
    if kind == "adult":
        return st.integers(19 * 366, 70 * 365).map(lambda d: as_of - timedelta(days=d))
    return st.one_of(
        # A child, or not yet born.
        st.integers(-2, 18 * 365).map(lambda d: as_of - timedelta(days=d)),
        # Around the 15th and 18th birthdays (the age limits the rule sets use).
        st.tuples(st.sampled_from([15, 18]), st.integers(-2, 2)).map(
            lambda t: years_before(as_of, t[0]) + timedelta(days=t[1])
        ),
        st.sampled_from([date(2008, 2, 29), date(2007, 2, 28), None]),
    )


@st.composite
def populations(draw: st.DrawFn) -> Population:
    """Households (one or two caregivers, some children), sometimes sharing a caregiver, plus
    noise: strangers, other relations, a relation to a person missing from the table."""
    rule_set = draw(rule_sets())
    as_of = draw(st.sampled_from(AS_OFS))
    born: list[date | None] = []
    relations: list[Relation] = []

    def new_person(kind: str) -> int:
        born.append(draw(birth_dates(as_of, kind)))
        return len(born)

    adults: list[int] = []
    children: list[int] = []
    for _ in range(draw(st.integers(1, 3))):
        carers = [
            draw(st.sampled_from(adults)) if adults and draw(st.booleans()) else new_person("adult")
            for _ in range(draw(st.integers(1, 2)))
        ]
        adults.extend(carers)
        kids = [new_person("child") for _ in range(draw(st.integers(0, 3)))]
        children.extend(kids)
        for carer in carers:
            for kid in kids:
                relation = draw(
                    st.sampled_from(["parent_of"] * 4 + ["caregiver_of"] * 2 + RELATIONS)
                )
                relations.append(Relation(carer, kid, relation))
    for _ in range(draw(st.integers(0, 2))):
        new_person(draw(st.sampled_from(["adult", "child"])))  # strangers
    n = len(born)
    anyone = st.integers(1, n + 1)  # n + 1: a person missing from the table
    relations += draw(
        st.lists(st.builds(Relation, anyone, anyone, st.sampled_from(RELATIONS)), max_size=3)
    )
    # Keys in another order than ids, so that sorting by key and by id are both exercised.
    keys = draw(st.permutations([f"p{i:02d}" for i in range(1, n + 1)]))
    persons = [Person(i + 1, keys[i], born[i]) for i in range(n)]

    incidents: list[Incident] = []
    involvements: list[Involvement] = []
    roles = [*ROLES, "suspect", "charged", "victim"]
    for i in range(draw(st.integers(1, 8))):
        iid = 100 + i
        days_ago = draw(
            st.one_of(st.sampled_from([-1, 0, 29, 30, 364, 365, 366]), st.integers(0, 400))
        )
        incidents.append(
            Incident(
                iid,
                draw(st.sampled_from([f"J-{iid}", f"A-{i:03d}"])),
                as_of - timedelta(days=days_ago),
                draw(st.sampled_from(CATEGORIES)),
            )
        )
        for _ in range(draw(st.integers(1, 3))):
            involvements.append(
                Involvement(
                    iid,
                    draw(st.sampled_from(adults) if draw(st.integers(0, 3)) else anyone),
                    draw(st.sampled_from(roles)),
                )
            )
        if children and draw(st.booleans()):
            involvements.append(
                Involvement(iid, draw(st.sampled_from(children)), CHILD_PRESENT_ROLE)
            )
    return Population(rule_set, as_of, persons, relations, incidents, involvements)


@PROFILE
@given(populations())
def test_polars_and_reference_give_identical_hits(population: Population) -> None:
    expected = screen_reference(*population.args())  # type: ignore[arg-type]
    assert screen(*population.args()) == expected  # type: ignore[arg-type]
    check_invariants(population, expected)


def check_invariants(population: Population, hits: list[FamilyHit]) -> None:
    rule_set, as_of = population.rule_set, population.as_of
    birth = {p.id: p.birth_date for p in population.persons}
    for hit in hits:
        assert hit.child_ids
        assert all(is_child(birth[c], as_of, rule_set.child_age_limit) for c in hit.child_ids)
        assert hit.score == sum(item.weight for item in hit.explanation)
        for item in hit.explanation:
            assert window_start(rule_set, as_of) <= item.occurred_on <= as_of
            assert item.involvements
            for involvement in item.involvements:
                assert involvement.person_id in hit.caregiver_ids
                assert rule_set.counts(involvement.role, item.category)
            assert {c.person_id for c in item.children_present} <= set(hit.child_ids)
    assert [(h.caregiver_keys, h.child_keys) for h in hits] == sorted(
        (h.caregiver_keys, h.child_keys) for h in hits
    )
    assert len({h.family_key for h in hits}) == len(hits)


def load_subset(population: Population, incident_id: int) -> Population:
    """What the database layer loads for one new incident, per screen_families_touched."""
    rule_set, as_of = population.rule_set, population.as_of
    caregiving = [r for r in population.relations if r.relation in rule_set.caregiver_relations]
    x = {v.person_id for v in population.involvements if v.incident_id == incident_id}
    c = x | {r.related_person_id for r in caregiving if r.person_id in x}
    g = {r.person_id for r in caregiving if r.related_person_id in c}
    s = {r.related_person_id for r in caregiving if r.person_id in g}
    relations = [r for r in caregiving if r.related_person_id in c | s]
    wanted = x | c | g | s | {r.person_id for r in relations}
    start = window_start(rule_set, as_of)
    window_ids = {i.id for i in population.incidents if start <= i.occurred_on <= as_of}
    involvements = [
        v
        for v in population.involvements
        if (v.person_id in g | s and v.incident_id in window_ids) or v.incident_id == incident_id
    ]
    used = {v.incident_id for v in involvements}
    return Population(
        rule_set,
        as_of,
        [p for p in population.persons if p.id in wanted],
        relations,
        [i for i in population.incidents if i.id in used],
        involvements,
    )


@PROFILE
@given(populations(), st.data())
def test_rescreening_one_incident_matches_the_full_screening(
    population: Population, data: st.DataObject
) -> None:
    if not population.incidents:
        return
    incident_id = data.draw(st.sampled_from([i.id for i in population.incidents]))
    rule_set, as_of = population.rule_set, population.as_of
    touched = families_touched(
        rule_set,
        as_of,
        incident_id,
        population.persons,
        population.relations,
        population.involvements,
    )
    expected = [h for h in screen_reference(*population.args()) if h.family_key in touched]  # type: ignore[arg-type]
    subset = load_subset(population, incident_id)
    assert (
        screen_families_touched(
            rule_set,
            as_of,
            incident_id,
            subset.persons,
            subset.relations,
            subset.incidents,
            subset.involvements,
        )
        == expected
    )
