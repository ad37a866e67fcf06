"""Socialsøg rule sets: the thresholds and weights of the screening, as versioned data.

A rule set is stored in the database as JSON (``to_dict`` / ``from_dict``) and every hit records
the version that produced it, so that a reviewer can always tell which rules flagged a family even
after the rules have changed. A published version is never edited; a change is a new version.

No Django here: the engine and its tests run without a settings module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# The involvement roles and relations of the interchange format (docs: interchange.md). A rule set
# may only name these, so that a typo in stored JSON cannot silently make a role "never count".
KNOWN_ROLES: frozenset[str] = frozenset(
    {"suspect", "charged", "victim", "witness", "reporter", "involved", "child_present"}
)
KNOWN_RELATIONS: frozenset[str] = frozenset(
    {"parent_of", "caregiver_of", "partner", "former_partner", "sibling", "cohabitant"}
)
# The role that marks a child as present at an incident; clause (a) looks for it.
CHILD_PRESENT_ROLE = "child_present"

# risk_weight per category, copied exactly from the category table of interchange.md (a contract
# with other systems). test_rules pins it so that a drift is a failing test, not a silent change.
INTERCHANGE_RISK_WEIGHTS_V1: Mapping[str, int] = MappingProxyType(
    {
        "domestic_violence": 3,
        "violence": 2,
        "robbery": 2,
        "sexual_offence": 3,
        "threats": 1,
        "stalking": 1,
        "restraining_order_breach": 1,
        "burglary": 0,
        "arson": 0,
        "weapons": 1,
        "drug_dealing": 1,
        "drug_possession": 1,
        "theft": 0,
        "vandalism": 0,
        "drunk_driving": 2,
        "drug_driving": 2,
        "domestic_disturbance": 1,
        "suicide_threat": 2,
        "mental_health_concern": 1,
        "forced_admission_assist": 1,
        "missing_person": 0,
        "child_welfare_concern": 3,
        "public_order": 0,
        "traffic": 0,
        "other": 0,
    }
)


class RuleSetError(ValueError):
    """A rule set (usually one read back from JSON) is malformed."""


def _roles(value: Iterable[str], what: str) -> frozenset[str]:
    if isinstance(value, str):
        # A bare string would be iterated character by character; refuse it loudly.
        raise RuleSetError(f"{what} must be a list of roles, not a string")
    roles = frozenset(value)
    unknown = roles - KNOWN_ROLES
    if unknown:
        raise RuleSetError(f"{what}: unknown roles {sorted(unknown)}")
    return roles


@dataclass(frozen=True)
class RuleSet:
    """One version of the Socialsøg rules.

    Mapping and set fields are frozen in ``__post_init__`` so that a shared rule set (such as
    ``RULE_SET_V1``) cannot be changed by accident at run time.
    """

    version: str
    counted_roles: frozenset[str]
    category_weights: Mapping[str, int]
    extra_counted_roles_by_category: Mapping[str, frozenset[str]] = field(default_factory=dict)
    caregiver_relations: frozenset[str] = frozenset({"parent_of", "caregiver_of"})
    window_days: int = 365
    serious_weight: int = 3
    clause_b_min_incidents: int = 2
    clause_b_min_score: int = 4
    reopen_min_new_weight: int = 2
    # "Under 18 on the screening date"; the 18th birthday itself is no longer under 18.
    child_age_limit: int = 18

    def __post_init__(self) -> None:
        if not self.version or not isinstance(self.version, str):
            raise RuleSetError("version must be a non-empty string")
        object.__setattr__(self, "counted_roles", _roles(self.counted_roles, "counted_roles"))
        if CHILD_PRESENT_ROLE in self.counted_roles:
            # child_present marks the child, not a caregiver's behaviour (clause a handles it).
            raise RuleSetError("child_present cannot be a counted role")
        weights: dict[str, int] = {}
        for category, weight in dict(self.category_weights).items():
            if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
                raise RuleSetError(f"weight of {category!r} must be an integer ≥ 0")
            weights[str(category)] = weight
        object.__setattr__(self, "category_weights", MappingProxyType(weights))
        extra: dict[str, frozenset[str]] = {}
        for category, roles in dict(self.extra_counted_roles_by_category).items():
            if category not in weights:
                raise RuleSetError(f"extra roles given for unknown category {category!r}")
            extra[category] = _roles(roles, f"extra_counted_roles_by_category[{category}]")
            if CHILD_PRESENT_ROLE in extra[category]:
                raise RuleSetError("child_present cannot be a counted role")
        object.__setattr__(self, "extra_counted_roles_by_category", MappingProxyType(extra))
        if isinstance(self.caregiver_relations, str):
            raise RuleSetError("caregiver_relations must be a list, not a string")
        relations = frozenset(self.caregiver_relations)
        if not relations or relations - KNOWN_RELATIONS:
            raise RuleSetError(
                f"caregiver_relations: unknown {sorted(relations - KNOWN_RELATIONS)}"
            )
        object.__setattr__(self, "caregiver_relations", relations)
        for name in (
            "window_days",
            "serious_weight",
            "clause_b_min_incidents",
            "clause_b_min_score",
            "reopen_min_new_weight",
            "child_age_limit",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise RuleSetError(f"{name} must be a positive integer")

    # The engine asks these two questions for every involvement row; keep them in one place.
    def weight(self, category: str) -> int:
        try:
            return self.category_weights[category]
        except KeyError:
            raise RuleSetError(
                f"rule set {self.version} has no weight for category {category!r}"
            ) from None

    def counts(self, role: str, category: str) -> bool:
        """Whether a caregiver's involvement with this role in this category counts."""
        if role in self.counted_roles:
            return True
        return role in self.extra_counted_roles_by_category.get(category, frozenset())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with sorted lists, so equal rule sets serialise identically."""
        return {
            "version": self.version,
            "counted_roles": sorted(self.counted_roles),
            "extra_counted_roles_by_category": {
                category: sorted(roles)
                for category, roles in sorted(self.extra_counted_roles_by_category.items())
            },
            "category_weights": dict(sorted(self.category_weights.items())),
            "caregiver_relations": sorted(self.caregiver_relations),
            "window_days": self.window_days,
            "serious_weight": self.serious_weight,
            "clause_b_min_incidents": self.clause_b_min_incidents,
            "clause_b_min_score": self.clause_b_min_score,
            "reopen_min_new_weight": self.reopen_min_new_weight,
            "child_age_limit": self.child_age_limit,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleSet:
        # Unknown keys are an error for the same reason as in the interchange format: a misspelt
        # threshold must not silently fall back to its default.
        allowed = set(cls.__dataclass_fields__)
        unknown = set(data) - allowed
        if unknown:
            raise RuleSetError(f"unknown rule set keys {sorted(unknown)}")
        for required in ("version", "counted_roles", "category_weights"):
            if required not in data:
                raise RuleSetError(f"rule set is missing {required!r}")
        kwargs: dict[str, Any] = dict(data)
        kwargs["extra_counted_roles_by_category"] = {
            category: frozenset(_roles(roles, f"extra_counted_roles_by_category[{category}]"))
            for category, roles in dict(data.get("extra_counted_roles_by_category", {})).items()
        }
        if "caregiver_relations" in data:
            kwargs["caregiver_relations"] = data["caregiver_relations"]
        return cls(**kwargs)


RULE_SET_V1 = RuleSet(
    version="v1",
    counted_roles=frozenset({"suspect", "charged", "involved"}),
    category_weights=INTERCHANGE_RISK_WEIGHTS_V1,
    # A caregiver who is the victim of domestic violence still means the child lives with it.
    extra_counted_roles_by_category={"domestic_violence": frozenset({"victim"})},
    caregiver_relations=frozenset({"parent_of", "caregiver_of"}),
    window_days=365,
    serious_weight=3,
    clause_b_min_incidents=2,
    clause_b_min_score=4,
    reopen_min_new_weight=2,
    child_age_limit=18,
)

RULE_SETS: Mapping[str, RuleSet] = MappingProxyType({RULE_SET_V1.version: RULE_SET_V1})
DEFAULT_RULE_SET = RULE_SET_V1
