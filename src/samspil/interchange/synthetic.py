"""A deterministic, fictitious bundle of any size, for tests and the import benchmark.

Every name is drawn from short lists of common Danish names (so no combination points at a real
person on purpose), and every CPR number is made so that it cannot be real: it fails the
modulus-11 check and its birth date is never 1 January, so none falls on the dates for which the
CPR office issues numbers without modulus 11 (persons.cpr.DATES_WITHOUT_MODULUS_11).

Shape per involvement: 0.4 incidents, 0.3 persons, 0.1 relations (1,000,000 involvements ≈
400,000 incidents and 300,000 persons). One person in ten has no CPR number, only a birth date.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from samspil.persons.cpr import DATES_WITHOUT_MODULUS_11, parse_cpr

GIVEN_NAMES = (
    "Anders", "Anne", "Birgitte", "Bo", "Camilla", "Christian", "Dorthe", "Emil", "Freja", "Frederik",
    "Gitte", "Hans", "Ida", "Jens", "Jonas", "Karen", "Kirsten", "Lars", "Laura", "Mads", "Maja",
    "Mette", "Niels", "Nanna", "Ole", "Pia", "Rasmus", "Sofie", "Søren", "Trine", "Ulla", "Åse",
)  # fmt: skip
FAMILY_NAMES = (
    "Andersen", "Christensen", "Hansen", "Jensen", "Johansen", "Jørgensen", "Knudsen", "Larsen",
    "Madsen", "Mikkelsen", "Møller", "Nielsen", "Olsen", "Pedersen", "Petersen", "Rasmussen",
    "Sørensen", "Thomsen", "Kristiansen", "Poulsen", "Østergaard", "Bæk",
)  # fmt: skip
# Midt- og Vestsjælland, where the demo district lives.
MUNICIPALITY_CODES = ("253", "316", "326", "259", "350", "306", "329", "265", "269", "336")
CATEGORIES = (
    "domestic_violence", "violence", "robbery", "sexual_offence", "threats", "stalking",
    "restraining_order_breach", "burglary", "arson", "weapons", "drug_dealing", "drug_possession",
    "theft", "vandalism", "drunk_driving", "drug_driving", "domestic_disturbance", "suicide_threat",
    "mental_health_concern", "forced_admission_assist", "missing_person", "child_welfare_concern",
    "public_order", "traffic", "other",
)  # fmt: skip
ROLES = ("suspect", "charged", "victim", "witness", "reporter", "involved", "child_present")
RELATIONS = ("parent_of", "caregiver_of", "partner", "former_partner", "sibling", "cohabitant")
NARRATIVES = (
    "",
    "Anmelder hørte råb fra nabolejligheden.",
    'Forurettede sagde: "Han truede mig", og gik.',
    "Patrulje kørte til stedet.\nIngen personer på adressen ved ankomst.",
    "Genstand fundet, afleveret på stationen; ejer ukendt.",
)
_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def fictitious_cpr(rng: random.Random, birth: date) -> str:
    """A CPR number with this birth date that fails modulus 11 (so it cannot have been issued)."""
    assert birth not in DATES_WITHOUT_MODULUS_11 and (birth.month, birth.day) != (1, 1)
    if birth.year < 2000:
        century_digit = rng.choice("0123")
    else:
        century_digit = rng.choice("49") if birth.year % 100 <= 36 else "5"
    digits = f"{birth:%d%m%y}{century_digit}{rng.randrange(1000):03d}"
    if sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11 == 0:
        digits = digits[:9] + str((int(digits[9]) + 1) % 10)  # changes the sum by one
    assert parse_cpr(digits).birth_date == birth
    return digits


def _birth_date(rng: random.Random) -> date:
    while True:
        birth = date(1935, 1, 1) + timedelta(days=rng.randrange(85 * 365))
        if (birth.month, birth.day) != (1, 1):
            return birth


def _writer(path: Path, header: tuple[str, ...]) -> tuple[Any, IO[str]]:
    handle = path.open("w", encoding="utf-8", newline="")
    out = csv.writer(handle, lineterminator="\r\n")
    out.writerow(header)
    return out, handle


def write_synthetic_bundle(folder: Path, *, involvements: int, seed: int = 2025) -> dict[str, int]:
    """Write persons/relations/incidents/involvements.csv to `folder`; return the row counts."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n_persons = max(2, int(involvements * 0.3))
    n_incidents = max(1, int(involvements * 0.4))
    n_relations = int(involvements * 0.1)
    counts: dict[str, int] = {}

    out, handle = _writer(folder / "persons.csv", (
        "person_key", "cpr", "given_name", "family_name", "birth_date", "gender",
        "municipality_code", "address", "postal_code"))
    used: set[str] = set()
    with handle:
        for n in range(n_persons):
            birth = _birth_date(rng)
            given = rng.choice(GIVEN_NAMES)
            if rng.random() < 0.2:
                given += " " + rng.choice(GIVEN_NAMES)
            family = rng.choice(FAMILY_NAMES)
            if rng.random() < 0.9:
                cpr = fictitious_cpr(rng, birth)
                while cpr in used:
                    cpr = fictitious_cpr(rng, birth)
                used.add(cpr)
                # Some sources send the hyphen, some the birth date too; both are allowed.
                row = (f"SYN-P{n:07d}", cpr if n % 3 else f"{cpr[:6]}-{cpr[6:]}", given, family,
                       birth.isoformat() if n % 5 == 0 else "", "", rng.choice(MUNICIPALITY_CODES),
                       f"Fiktivvej {rng.randrange(1, 200)}", f"{rng.randrange(4000, 4800)}")
            else:
                row = (f"SYN-P{n:07d}", "", given, family, birth.isoformat(), rng.choice("MFX"),
                       rng.choice(MUNICIPALITY_CODES), "", "")
            out.writerow(row)
    counts["persons.csv"] = n_persons

    out, handle = _writer(folder / "relations.csv", ("person_key", "related_person_key",
                                                      "relation"))
    pairs: set[tuple[int, int, int]] = set()
    with handle:
        while len(pairs) < n_relations:
            a, b, kind = rng.randrange(n_persons), rng.randrange(n_persons), rng.randrange(6)
            if a != b and (a, b, kind) not in pairs:
                pairs.add((a, b, kind))
                out.writerow((f"SYN-P{a:07d}", f"SYN-P{b:07d}", RELATIONS[kind]))
    counts["relations.csv"] = n_relations

    out, handle = _writer(folder / "incidents.csv", (
        "journal_no", "occurred_at", "reported_at", "category", "municipality_code", "lat", "lon",
        "narrative"))
    start = date(2021, 1, 1)
    with handle:
        for n in range(n_incidents):
            day = start + timedelta(days=rng.randrange(5 * 365))
            hour, minute = rng.randrange(24), rng.randrange(60)
            occurred = f"{day.isoformat()}T{hour:02d}:{minute:02d}:00"
            if n % 7 == 0:
                occurred += "+01:00"  # most sources send local time, some an offset
            reported = "" if n % 2 else f"{day.isoformat()}T{hour:02d}:{minute:02d}:30"
            located = rng.random() < 0.5
            out.writerow((
                f"SYN-J{n:07d}", occurred, reported, rng.choice(CATEGORIES),
                rng.choice(MUNICIPALITY_CODES),
                f"{rng.uniform(55.2, 55.9):.6f}" if located else "",
                f"{rng.uniform(11.0, 12.4):.6f}" if located else "",
                rng.choice(NARRATIVES),
            ))
    counts["incidents.csv"] = n_incidents

    out, handle = _writer(folder / "involvements.csv", ("journal_no", "person_key", "role"))
    seen: set[int] = set()
    with handle:
        n = 0
        while n < involvements:
            incident = n % n_incidents  # every incident has at least one person
            person, role = rng.randrange(n_persons), rng.randrange(len(ROLES))
            packed = (incident * n_persons + person) * len(ROLES) + role
            if packed in seen:
                continue
            seen.add(packed)
            out.writerow((f"SYN-J{incident:07d}", f"SYN-P{person:07d}", ROLES[role]))
            n += 1
    counts["involvements.csv"] = involvements
    return counts
