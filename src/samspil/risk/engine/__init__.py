"""The Socialsøg screening engine: which families with children should a social worker look at.

Pure and ORM-free on purpose: the weekly full screening, the per-incident re-screening and the
tests all share this code, and the database layer only has to hand it plain rows or columns.

The rules (v1, see ``rules.py``) and the decisions taken where the issue left room:

* A *child* is a person with a known birth date, born on or before the screening date, whose
  18th birthday is after it (on the birthday itself they are no longer a child). A 29 February
  birth comes of age on 1 March in common years (see ``child_cutoff``).
  Unknown birth date = not a child: the interchange format always gives one (birth_date or CPR).
* A *caregiver* is a person with a ``parent_of``/``caregiver_of`` relation to a child. Relations
  naming a person missing from ``persons`` and relations to oneself are ignored.
* The *window* is the ``window_days`` calendar days ending on and including the screening date:
  ``as_of - (window_days - 1) <= occurred_on <= as_of``. For v1 the incident 364 days back (the
  365th day) is in, 365 days back (the 366th day) is out; incidents after as_of are out.
  ``occurred_on`` is the Europe/Copenhagen date (see ``local_date``).
* A *family* is the set of children with exactly the same caregiver set; its identity
  (``family_key``) is the sorted tuple of caregiver ids. All children of a family share the
  same incidents, so the family's incidents are the distinct window incidents in which any of
  its caregivers has a counted involvement, score = sum of their weights (weight-0 incidents
  are listed and counted towards the clause (b) minimum: the rule says "at least 2 of them").
* Clause "a" if any incident weighs >= serious_weight or any child of the family is
  ``child_present`` at one of the family's incidents; otherwise "b" if there are at least
  clause_b_min_incidents incidents and score >= clause_b_min_score. A hit lists all children of
  the family, also a sibling who was not present: the concern is the household.
* An incident in the window whose category has no weight in the rule set is an error
  (``RuleSetError``) rather than weight 0: a new category must be weighed by a person.
* Output order is deterministic: hits by (caregiver keys, child keys); lists inside a hit sorted.

Two implementations with identical results: ``screen_reference`` (plain Python, readable, used to
cross-check and for small subsets, module ``reference``) and ``screen`` / ``screen_frames``
(vectorised with polars, for the weekly run over millions of rows, module ``vectorised``).
``screen_families_touched`` re-screens the families around one new incident.
"""

from __future__ import annotations

from samspil.risk.engine.records import (
    COPENHAGEN,
    RELATION_ENUM,
    ROLE_ENUM,
    Clause,
    FamilyHit,
    FamilyKey,
    Incident,
    IncidentExplanation,
    Involvement,
    Person,
    PersonRole,
    Relation,
    child_cutoff,
    is_child,
    local_date,
    screening_report,
    window_start,
)
from samspil.risk.engine.reference import (
    families_touched,
    screen_families_touched,
    screen_reference,
)
from samspil.risk.engine.vectorised import ScreenFrames, materialise, screen, screen_frames

__all__ = [
    "COPENHAGEN",
    "RELATION_ENUM",
    "ROLE_ENUM",
    "Clause",
    "FamilyHit",
    "FamilyKey",
    "Incident",
    "IncidentExplanation",
    "Involvement",
    "Person",
    "PersonRole",
    "Relation",
    "ScreenFrames",
    "child_cutoff",
    "families_touched",
    "is_child",
    "local_date",
    "materialise",
    "screen",
    "screen_families_touched",
    "screen_frames",
    "screen_reference",
    "screening_report",
    "window_start",
]
