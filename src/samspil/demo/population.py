"""The demo district's fictitious population and its 2024–2025 incidents, as bundle rows.

Everything here is invented and deterministic for a seed: names from Faker's da_DK lists, CPR
numbers that fail modulus 11 and avoid the dates the CPR office issues without it (so none can be
real; see interchange.synthetic.fictitious_cpr), addresses on invented house numbers.

The volumes follow a real district (the published 2025 figures of Midt- og Vestsjælland): about
11,400 PSP incidents on 4,280 persons, 407 forced admissions, some 1,450 domestic-violence victims,
682 youth-crime screenings on 142 young persons, and some twenty thousand other incidents. The
rows are imported through the normal bundle import, which runs the same automatic rules as
registration by hand (UKN screenings, victim follow-ups). Nothing here writes a report figure: the
calibration is of the raw events (how many, when, who); the cases that follow are walked through
the case services by demo.cases.
"""

from __future__ import annotations

import csv
import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from faker import Faker

from samspil.interchange.synthetic import fictitious_cpr

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# Home municipalities of the district, weighted by population (rounded, thousands).
MUNICIPALITY_WEIGHTS: dict[str, int] = {
    "265": 90, "316": 72, "259": 62, "253": 51, "326": 49,
    "329": 36, "306": 33, "350": 28, "269": 24, "336": 23,
}  # fmt: skip
POSTAL_CODES: dict[str, tuple[str, ...]] = {
    "265": ("4000",), "316": ("4300", "4340"), "259": ("4600",), "253": ("2670", "2690"),
    "326": ("4400",), "329": ("4100",), "306": ("4500", "4550"), "350": ("4320", "4330"),
    "269": ("2680",), "336": ("4660",),
}  # fmt: skip
# A municipality outside the district, for young people from other districts.
OTHER_DISTRICT_MUNICIPALITIES = ("370", "330", "575")

# The volume of a year, per category (besides the calibrated PSP, DV and UKN incidents).
OTHER_CATEGORY_VOLUMES: dict[str, int] = {
    "theft": 5200, "traffic": 4100, "burglary": 2400, "vandalism": 2000, "public_order": 1500,
    "violence": 900, "domestic_disturbance": 900, "drug_possession": 800, "other": 800,
    "drunk_driving": 700, "threats": 600, "drug_driving": 400, "child_welfare_concern": 250,
    "weapons": 200, "drug_dealing": 150, "stalking": 150, "sexual_offence": 120, "robbery": 80,
    "arson": 60,
}  # fmt: skip
# Categories whose suspect is typically a caregiver at home (Socialsøg material).
HOME_CATEGORIES = ("drunk_driving", "drug_driving", "domestic_disturbance", "violence", "threats")


@dataclass(frozen=True)
class Person:
    key: str
    cpr: str
    given_name: str
    family_name: str
    birth_date: date
    gender: str
    municipality_code: str
    address: str
    postal_code: str

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


@dataclass
class Household:
    caregivers: list[Person]
    children: list[Person]
    municipality_code: str


@dataclass(frozen=True)
class IncidentRow:
    journal_no: str
    occurred_at: datetime
    category: str
    municipality_code: str
    narrative: str
    involvements: tuple[tuple[str, str], ...]  # (person key, role)


@dataclass(frozen=True)
class UknYouth:
    person: Person
    year_cases: dict[int, int]  # year -> number of screenings that year


@dataclass
class Population:
    persons: dict[str, Person] = field(default_factory=dict)
    households: list[Household] = field(default_factory=list)
    singles: list[Person] = field(default_factory=list)
    youths: list[UknYouth] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.faker = Faker("da_DK")
        self.faker.seed_instance(seed)
        self.population = Population()
        self._cprs: set[str] = set()
        self._journal = 0

    # --- persons ------------------------------------------------------------------------------
    def municipality(self) -> str:
        codes = list(MUNICIPALITY_WEIGHTS)
        return self.rng.choices(codes, weights=list(MUNICIPALITY_WEIGHTS.values()))[0]

    def birth_date(self, earliest: date, latest: date) -> date:
        while True:
            day = earliest + timedelta(days=self.rng.randrange((latest - earliest).days + 1))
            if (day.month, day.day) != (1, 1):
                return day

    def person(
        self,
        *,
        born_from: date,
        born_to: date,
        gender: str | None = None,
        municipality: str | None = None,
        family_name: str | None = None,
        address: str | None = None,
    ) -> Person:
        gender = gender or self.rng.choice("MF")
        birth = self.birth_date(born_from, born_to)
        cpr = fictitious_cpr(self.rng, birth)
        # The last digit's parity is the gender; fictitious_cpr fixes only modulus 11.
        while cpr in self._cprs or (int(cpr[9]) % 2 == 1) != (gender == "M"):
            cpr = fictitious_cpr(self.rng, birth)
        self._cprs.add(cpr)
        code = municipality or self.municipality()
        given = (
            self.faker.first_name_male() if gender == "M" else self.faker.first_name_female()
        )
        person = Person(
            key=f"DEMO-P{len(self.population.persons) + 1:06d}",
            cpr=cpr,
            given_name=given,
            family_name=family_name or self.faker.last_name(),
            birth_date=birth,
            gender=gender,
            municipality_code=code,
            address=address or f"{self.faker.street_name()} {self.rng.randrange(1, 180)}",
            postal_code=self.rng.choice(POSTAL_CODES.get(code, ("4000",))),
        )
        self.population.persons[person.key] = person
        return person

    def households(self, count: int) -> None:
        for _ in range(count):
            code = self.municipality()
            family = self.faker.last_name()
            address = f"{self.faker.street_name()} {self.rng.randrange(1, 180)}"
            first = self.person(born_from=date(1968, 1, 1), born_to=date(2000, 12, 31),
                                municipality=code, family_name=family, address=address)
            caregivers = [first]
            if self.rng.random() < 0.72:
                partner = self.person(
                    born_from=first.birth_date - timedelta(days=2200),
                    born_to=min(first.birth_date + timedelta(days=2200), date(2001, 12, 31)),
                    gender="F" if first.gender == "M" else "M",
                    municipality=code, family_name=family, address=address,
                )
                caregivers.append(partner)
                kind = "partner" if self.rng.random() < 0.8 else "cohabitant"
                self.population.relations.append((first.key, partner.key, kind))
            youngest_parent = max(c.birth_date for c in caregivers)
            children = [
                self.person(born_from=max(youngest_parent + timedelta(days=7300), date(2008, 1, 2)),
                            born_to=date(2025, 6, 30), municipality=code, family_name=family,
                            address=address)
                for _ in range(self.rng.choice((1, 1, 2, 2, 2, 3)))
            ]
            for child in children:
                for caregiver in caregivers:
                    relation = "parent_of" if self.rng.random() < 0.93 else "caregiver_of"
                    self.population.relations.append((caregiver.key, child.key, relation))
            for older, younger in itertools.pairwise(children):
                self.population.relations.append((older.key, younger.key, "sibling"))
            self.population.households.append(Household(caregivers, children, code))

    def singles(self, count: int) -> None:
        for _ in range(count):
            self.population.singles.append(
                self.person(born_from=date(1945, 1, 2), born_to=date(2004, 12, 31))
            )

    # --- incidents ----------------------------------------------------------------------------
    def journal_no(self, day: date) -> str:
        self._journal += 1
        return f"0900-{self._journal:05d}-{day:%m%d}-{day:%y}"

    def moment(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randrange(24), self.rng.randrange(60)),
                                COPENHAGEN)

    def day_in(self, year: int, *, first: date | None = None, last: date | None = None) -> date:
        start = first or date(year, 1, 1)
        end = last or date(year, 12, 31)
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def incident(self, *, day: date, category: str, municipality: str, narrative: str,
                 involvements: Iterable[tuple[str, str]]) -> IncidentRow:
        row = IncidentRow(self.journal_no(day), self.moment(day), category, municipality,
                          narrative, tuple(involvements))
        self.population.incidents.append(row)
        return row


# --- the calibrated parts ------------------------------------------------------------------------

PSP_INCIDENTS = {2024: 11_050, 2025: 11_400}
PSP_PERSONS_2025 = 4_280
FORCED_ADMISSIONS = {2024: 384, 2025: 407}
# Domestic-violence victims per year: each opens a victim follow-up automatically. In 2025 the
# last 64 (by date) are still being followed up at the year's end (1,416 closed in 2025).
DV_INCIDENTS = {2024: 1_390, 2025: 1_480}
DV_OPEN_AT_YEAR_END_2025 = 64

# Young people screened for the youth-crime board (UKN). Per year and age group: persons and the
# number of screenings each. 2025 reproduces the published 682 screenings of 127 boys (578) and
# 15 girls (104): 204 of under-15s, 478 of 15–17-year-olds.
UKN_2025 = (
    # (gender, age group, persons, screenings)
    ("M", "under_15", 45, 170),
    ("M", "15_17", 82, 408),
    ("F", "under_15", 5, 34),
    ("F", "15_17", 10, 70),
)
UKN_2024 = (
    ("M", "under_15", 40, 160),
    ("M", "15_17", 70, 355),
    ("F", "under_15", 6, 30),
    ("F", "15_17", 12, 65),
)
UKN_CATEGORIES = {
    "personfarlig": ("violence", "robbery", "threats"),
    "anden_alvorlig": ("burglary", "weapons", "drug_dealing", "arson"),
    "anden": ("theft", "vandalism", "drug_possession"),
}
UKN_CLASS_WEIGHTS = {"personfarlig": 35, "anden_alvorlig": 40, "anden": 25}
# The 15–17 screenings of 2024 opened after this date are finished only in 2025 (109 of them).
UKN_2024_LATE_START = date(2024, 10, 1)
UKN_2024_LATE_COUNT = 109


def _spread(rng: random.Random, total: int, persons: int) -> list[int]:
    """Split `total` screenings over `persons` persons, at least one each, unevenly."""
    counts = [1] * persons
    for _ in range(total - persons):
        counts[min(int(rng.expovariate(1 / (persons / 3))), persons - 1)] += 1
    rng.shuffle(counts)
    return counts


def _youth_birth_window(group: str, year: int) -> tuple[date, date]:
    """Birth dates that keep the person in the age group for the whole year."""
    if group == "under_15":  # 11–13 all year
        return date(year - 14, 1, 2), date(year - 12, 12, 31)
    return date(year - 17, 1, 2), date(year - 16, 12, 31)  # 15–16 at the start, ≤ 17 at the end


def generate_population(seed: int) -> Population:
    gen = _Generator(seed)
    gen.households(5_200)
    gen.singles(7_500)
    _youths(gen)
    for year in (2024, 2025):
        _psp_incidents(gen, year)
        _dv_incidents(gen, year)
        _ukn_incidents(gen, year)
        _other_incidents(gen, year)
    gen.population.incidents.sort(key=lambda row: (row.occurred_at, row.journal_no))
    return gen.population


def _youths(gen: _Generator) -> None:
    for year, plan in ((2025, UKN_2025), (2024, UKN_2024)):
        for gender, group, persons, screenings in plan:
            born_from, born_to = _youth_birth_window(group, year)
            for count in _spread(gen.rng, screenings, persons):
                code = gen.municipality() if gen.rng.random() < 0.92 else gen.rng.choice(
                    OTHER_DISTRICT_MUNICIPALITIES)
                youth = gen.person(born_from=born_from, born_to=born_to, gender=gender,
                                   municipality=code)
                gen.population.youths.append(UknYouth(youth, {year: count}))


def _psp_incidents(gen: _Generator, year: int) -> None:
    rng = gen.rng
    caregivers = [c for h in gen.population.households for c in h.caregivers]
    pool_size = PSP_PERSONS_2025 if year == 2025 else 4_150
    pool = rng.sample(gen.population.singles, pool_size - pool_size // 12)
    pool += rng.sample(caregivers, pool_size // 12)
    total = PSP_INCIDENTS[year]
    persons = list(pool) + [pool[min(int(rng.expovariate(1 / 900)), len(pool) - 1)]
                            for _ in range(total - len(pool))]
    forced = set(rng.sample(range(total), FORCED_ADMISSIONS[year]))
    for n, person in enumerate(persons):
        if n in forced:
            category = "forced_admission_assist"
        else:
            category = rng.choices(("mental_health_concern", "suicide_threat", "missing_person"),
                                   weights=(63, 22, 15))[0]
        gen.incident(day=gen.day_in(year), category=category,
                     municipality=person.municipality_code,
                     narrative="Patruljen tilkaldt til borger i psykisk krise (fiktiv).",
                     involvements=[(person.key, "involved")])


def _dv_incidents(gen: _Generator, year: int) -> None:
    rng = gen.rng
    couples = [h for h in gen.population.households if len(h.caregivers) == 2]
    last = date(2024, 12, 10) if year == 2024 else date(2025, 12, 31)
    for _ in range(DV_INCIDENTS[year]):
        household = rng.choice(couples)
        victim, suspect = (household.caregivers if rng.random() < 0.8
                           else list(reversed(household.caregivers)))
        if victim.gender == "M" and rng.random() < 0.6:
            victim, suspect = suspect, victim
        involvements = [(victim.key, "victim"), (suspect.key, "suspect")]
        if household.children and rng.random() < 0.3:
            involvements.append((household.children[0].key, "child_present"))
        gen.incident(day=gen.day_in(year, last=last), category="domestic_violence",
                     municipality=household.municipality_code,
                     narrative="Anmeldelse om vold i hjemmet; parterne adskilt (fiktiv).",
                     involvements=involvements)


def _ukn_incidents(gen: _Generator, year: int) -> None:
    rng = gen.rng
    classes = list(UKN_CLASS_WEIGHTS)
    late_left = UKN_2024_LATE_COUNT if year == 2024 else 0
    for youth in gen.population.youths:
        for _ in range(youth.year_cases.get(year, 0)):
            if year == 2025:
                day = gen.day_in(year, last=date(2025, 11, 20))
            elif youth.person.age_on(date(2024, 6, 1)) >= 15 and late_left > 0:
                day, late_left = gen.day_in(year, first=UKN_2024_LATE_START + timedelta(days=1),
                                            last=date(2024, 12, 20)), late_left - 1
            else:
                day = gen.day_in(year, last=UKN_2024_LATE_START - timedelta(days=45))
            age = youth.person.age_on(day)
            role = "suspect" if age < 15 else "charged"
            crime_class = rng.choices(classes, weights=list(UKN_CLASS_WEIGHTS.values()))[0]
            category = rng.choice(UKN_CATEGORIES[crime_class])
            involvements = [(youth.person.key, role)]
            if crime_class == "personfarlig":
                involvements.append((rng.choice(gen.population.singles).key, "victim"))
            code = (youth.person.municipality_code
                    if youth.person.municipality_code in MUNICIPALITY_WEIGHTS else gen.municipality())
            gen.incident(day=day, category=category, municipality=code,
                         narrative="Ung mistænkt/sigtet; sagen screenes til UKN (fiktiv).",
                         involvements=involvements)


def _other_incidents(gen: _Generator, year: int) -> None:
    rng = gen.rng
    adults = gen.population.singles
    households = gen.population.households
    for category, volume in OTHER_CATEGORY_VOLUMES.items():
        for _ in range(volume):
            involvements: list[tuple[str, str]] = []
            if category in HOME_CATEGORIES and rng.random() < 0.45:
                household = rng.choice(households)
                suspect = rng.choice(household.caregivers)
                code = household.municipality_code
                involvements.append((suspect.key, rng.choice(("suspect", "charged"))))
                if (category in ("domestic_disturbance", "violence") and household.children
                        and rng.random() < 0.25):
                    involvements.append((household.children[-1].key, "child_present"))
            elif category == "child_welfare_concern":
                household = rng.choice(households)
                code = household.municipality_code
                involvements.append((rng.choice(household.caregivers).key, "involved"))
            else:
                code = gen.municipality()
                if rng.random() < 0.55:
                    involvements.append((rng.choice(adults).key,
                                         rng.choice(("suspect", "charged"))))
            if rng.random() < 0.6:
                other = rng.choice(adults).key
                role = rng.choice(("victim", "reporter", "witness"))
                if all(key != other for key, _ in involvements):
                    involvements.append((other, role))
            gen.incident(day=gen.day_in(year), category=category, municipality=code,
                         narrative="Hændelse registreret i døgnrapporten (fiktiv).",
                         involvements=involvements)


# --- writing the bundle --------------------------------------------------------------------------


def _rows(path: Path, header: tuple[str, ...], rows: Iterator[tuple[str, ...]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(header)
        for row in rows:
            out.writerow(row)
            count += 1
    return count


def write_bundle(population: Population, folder: Path) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    counts = {
        "persons.csv": _rows(
            folder / "persons.csv",
            ("person_key", "cpr", "given_name", "family_name", "gender", "municipality_code",
             "address", "postal_code"),
            ((p.key, p.cpr, p.given_name, p.family_name, p.gender, p.municipality_code,
              p.address, p.postal_code) for p in population.persons.values()),
        ),
        "relations.csv": _rows(folder / "relations.csv",
                               ("person_key", "related_person_key", "relation"),
                               iter(population.relations)),
        "incidents.csv": _rows(
            folder / "incidents.csv",
            ("journal_no", "occurred_at", "category", "municipality_code", "narrative"),
            ((i.journal_no, i.occurred_at.isoformat(), i.category, i.municipality_code,
              i.narrative) for i in population.incidents),
        ),
        "involvements.csv": _rows(
            folder / "involvements.csv", ("journal_no", "person_key", "role"),
            ((i.journal_no, key, role) for i in population.incidents
             for key, role in i.involvements),
        ),
    }
    return counts
