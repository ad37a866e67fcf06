"""A small builder for planted populations: persons, relations, incidents and involvements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from samspil.risk.engine import (
    FamilyHit,
    Incident,
    Involvement,
    Person,
    Relation,
    screen,
    screen_reference,
)
from samspil.risk.rules import RULE_SET_V1, RuleSet

AS_OF = date(2025, 6, 30)

Screener = Callable[..., list[FamilyHit]]
# Every planted scenario runs through both implementations.
SCREENERS: dict[str, Screener] = {"polars": screen, "reference": screen_reference}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 2, 28)


@dataclass
class World:
    as_of: date = AS_OF
    persons: list[Person] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)

    def person(self, key: str, *, age: int | None = None, born: date | None = None) -> int:
        if born is None:
            assert age is not None
            # Born a month after the birthday of that age: safely that age on as_of.
            born = years_before(self.as_of, age) - timedelta(days=30)
        pid = len(self.persons) + 1
        self.persons.append(Person(pid, key, born))
        return pid

    def adult(self, key: str) -> int:
        return self.person(key, age=35)

    def child(self, key: str, *, age: int = 8) -> int:
        return self.person(key, age=age)

    def parent_of(self, parent: int, *children: int, relation: str = "parent_of") -> None:
        for child in children:
            self.relations.append(Relation(parent, child, relation))

    def incident(
        self,
        category: str,
        *roles: tuple[int, str],
        days_ago: int = 10,
        journal_no: str | None = None,
    ) -> int:
        iid = len(self.incidents) + 100
        self.incidents.append(
            Incident(
                iid,
                journal_no or f"J-{iid}",
                self.as_of - timedelta(days=days_ago),
                category,
            )
        )
        for person_id, role in roles:
            self.involvements.append(Involvement(iid, person_id, role))
        return iid

    def key(self, person_id: int) -> str:
        return self.persons[person_id - 1].key

    def screen(
        self, screener: Screener, rule_set: RuleSet = RULE_SET_V1, **kwargs: Any
    ) -> list[FamilyHit]:
        return screener(
            rule_set,
            kwargs.get("as_of", self.as_of),
            self.persons,
            self.relations,
            self.incidents,
            self.involvements,
        )
