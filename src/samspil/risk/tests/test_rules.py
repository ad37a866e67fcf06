from __future__ import annotations

import json

import pytest

from samspil.risk.rules import RULE_SET_V1, RULE_SETS, RuleSet, RuleSetError

# The category table of interchange.md, version 1 (a contract): code -> risk_weight.
INTERCHANGE_TABLE = """
domestic_violence 3
violence 2
robbery 2
sexual_offence 3
threats 1
stalking 1
restraining_order_breach 1
burglary 0
arson 0
weapons 1
drug_dealing 1
drug_possession 1
theft 0
vandalism 0
drunk_driving 2
drug_driving 2
domestic_disturbance 1
suicide_threat 2
mental_health_concern 1
forced_admission_assist 1
missing_person 0
child_welfare_concern 3
public_order 0
traffic 0
other 0
"""


def test_v1_weights_are_exactly_the_interchange_table() -> None:
    expected = {
        code: int(weight)
        for code, weight in (line.split() for line in INTERCHANGE_TABLE.strip().splitlines())
    }
    assert dict(RULE_SET_V1.category_weights) == expected


def test_v1_thresholds_are_those_of_the_issue() -> None:
    assert RULE_SET_V1.version == "v1"
    assert RULE_SET_V1.counted_roles == {"suspect", "charged", "involved"}
    assert dict(RULE_SET_V1.extra_counted_roles_by_category) == {"domestic_violence": {"victim"}}
    assert RULE_SET_V1.caregiver_relations == {"parent_of", "caregiver_of"}
    assert RULE_SET_V1.window_days == 365
    assert RULE_SET_V1.serious_weight == 3
    assert RULE_SET_V1.clause_b_min_incidents == 2
    assert RULE_SET_V1.clause_b_min_score == 4
    assert RULE_SET_V1.reopen_min_new_weight == 2
    assert RULE_SETS["v1"] is RULE_SET_V1


def test_it_round_trips_through_json() -> None:
    stored = json.dumps(RULE_SET_V1.to_dict())
    assert RuleSet.from_dict(json.loads(stored)) == RULE_SET_V1


def test_to_dict_is_stable_and_sorted() -> None:
    data = RULE_SET_V1.to_dict()
    assert data["counted_roles"] == ["charged", "involved", "suspect"]
    assert list(data["category_weights"]) == sorted(data["category_weights"])
    assert json.dumps(data) == json.dumps(RuleSet.from_dict(data).to_dict())


def test_it_refuses_unknown_keys() -> None:
    data = RULE_SET_V1.to_dict() | {"window_dayz": 30}
    with pytest.raises(RuleSetError, match="window_dayz"):
        RuleSet.from_dict(data)


def test_it_refuses_unknown_roles_and_relations() -> None:
    with pytest.raises(RuleSetError, match="suspekt"):
        RuleSet.from_dict(RULE_SET_V1.to_dict() | {"counted_roles": ["suspekt"]})
    with pytest.raises(RuleSetError, match="uncle_of"):
        RuleSet.from_dict(RULE_SET_V1.to_dict() | {"caregiver_relations": ["uncle_of"]})
    with pytest.raises(RuleSetError, match="string"):
        RuleSet.from_dict(RULE_SET_V1.to_dict() | {"counted_roles": "suspect"})


def test_child_present_cannot_be_a_counted_role() -> None:
    with pytest.raises(RuleSetError):
        RuleSet.from_dict(RULE_SET_V1.to_dict() | {"counted_roles": ["child_present"]})


def test_it_refuses_bad_thresholds_and_weights() -> None:
    with pytest.raises(RuleSetError, match="window_days"):
        RuleSet.from_dict(RULE_SET_V1.to_dict() | {"window_days": 0})
    with pytest.raises(RuleSetError, match="theft"):
        RuleSet.from_dict(
            RULE_SET_V1.to_dict() | {"category_weights": {"theft": -1, "domestic_violence": 3}}
        )


def test_the_shared_rule_set_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        RULE_SET_V1.category_weights["theft"] = 5  # type: ignore[index]
    with pytest.raises(AttributeError):
        RULE_SET_V1.window_days = 30  # type: ignore[misc]


def test_counts_knows_the_domestic_violence_victim() -> None:
    assert RULE_SET_V1.counts("victim", "domestic_violence")
    assert not RULE_SET_V1.counts("victim", "violence")
    assert RULE_SET_V1.counts("suspect", "theft")
    assert not RULE_SET_V1.counts("witness", "domestic_violence")
    assert not RULE_SET_V1.counts("reporter", "domestic_violence")
