"""Person search on a large register: N fictitious persons, timings of person_search.

    python -m samspil.persons.bench [N] [QUERIES]

Everything runs in one transaction that is rolled back, so the database is left as it was.
The figures include the access scoping and the audit entries a search writes.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date, timedelta
from statistics import quantiles
from typing import Any


class _Rollback(Exception):
    pass


_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def _fictitious_cpr(rng: random.Random, born: date) -> str:
    """A CPR number of this birth date that fails modulus 11, so it cannot have been issued."""
    century = rng.choice("0123") if born.year < 2000 else "4"  # 4: 2000-2036 (domain.md)
    digits = f"{born:%d%m%y}{century}{rng.randrange(1000):03d}"
    if sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11 == 0:
        digits = digits[:9] + str((int(digits[9]) + 1) % 10)  # changes the sum by one
    return digits


def _setup() -> None:
    import django

    django.setup()


def run(n: int = 300_000, n_queries: int = 300, seed: int = 7) -> dict[str, Any]:
    from django.db import connection, transaction
    from faker import Faker

    from samspil.access.constants import Purpose
    from samspil.accounts.constants import Role
    from samspil.accounts.services import user_create
    from samspil.organisations.models import District, Municipality, Organisation
    from samspil.organisations.services import reference_data_load
    from samspil.persons.cpr import DATES_WITHOUT_MODULUS_11
    from samspil.persons.models import NameToken, Person
    from samspil.persons.protection import cpr_encrypt_many, cpr_lookup_hash
    from samspil.persons.selectors import person_search
    from samspil.persons.services import name_index_values

    rng = random.Random(seed)
    fake = Faker("da_DK")
    fake.seed_instance(seed)
    given_pool = [fake.first_name() for _ in range(3000)]
    family_pool = [fake.last_name() for _ in range(3000)]
    result: dict[str, Any] = {"persons": n, "queries": n_queries, "vendor": connection.vendor}
    try:
        with transaction.atomic():
            reference_data_load()
            district = District.objects.get(slug="midt-vestsjaelland")
            organisation = Organisation.objects.create(
                slug="bench-politi", name="Bench Politi", kind="police", district=district,
                is_synthetic=True)
            user = user_create(actor=None, username="bench-officer", password=None,
                               organisation=organisation, roles=[Role.PREVENTION_OFFICER],
                               is_synthetic=True)
            municipality = Municipality.objects.get(code="265")
            started = time.perf_counter()
            names: list[tuple[str, str, date, str]] = []
            cpr_seen: set[str] = set()
            for start in range(0, n, 5000):
                batch: list[Person] = []
                tokens: list[tuple[int, list[str]]] = []
                for _ in range(min(5000, n - start)):
                    given = rng.choice(given_pool)
                    if rng.random() < 0.3:
                        given = f"{given} {rng.choice(given_pool)}"
                    family = rng.choice(family_pool)
                    born = date(1930, 1, 1) + timedelta(days=rng.randrange(95 * 365))
                    folded, key, words = name_index_values(given, family)
                    # A fictitious CPR number (fails modulus 11), unique in the register.
                    cpr = ""
                    if born not in DATES_WITHOUT_MODULUS_11 and (born.month, born.day) != (1, 1):
                        cpr = _fictitious_cpr(rng, born)
                        cpr = "" if cpr in cpr_seen else cpr
                        cpr_seen.add(cpr)
                    batch.append(Person(
                        owner_organisation=organisation, given_name=given, family_name=family,
                        name_folded=folded, duplicate_key=key, birth_date=born,
                        cpr_hash=cpr_lookup_hash(cpr) if cpr else None,
                        municipality=municipality, is_synthetic=True, source="demo"))
                    tokens.append((len(batch) - 1, words))
                    names.append((given, family, born, cpr))
                with_cpr = [(p, n[3]) for p, n in zip(batch, names[-len(batch):], strict=True)
                            if n[3]]
                for (person, _cpr), token in zip(with_cpr, cpr_encrypt_many(
                        [cpr for _p, cpr in with_cpr]), strict=True):
                    person.cpr_encrypted = token
                Person.objects.bulk_create(batch, batch_size=5000)
                NameToken.objects.bulk_create(
                    [NameToken(person_id=batch[i].pk, token=w) for i, words in tokens
                     for w in words], batch_size=10000)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE persons_person")
                    cursor.execute("ANALYZE persons_nametoken")
            result["load_seconds"] = round(time.perf_counter() - started, 1)
            queries = []
            for given, family, born, cpr in rng.sample([n for n in names if n[3]], n_queries):
                first = given.split()[0]
                queries += [f"{first} {family}", f"{first[:3]} {family[:4]}", family,
                            born.strftime("%d.%m.%Y"), f"{cpr[:6]}-{cpr[6:]}"]
            kinds = ("full_name", "prefixes", "family_only", "birth_date", "cpr")
            timings: dict[str, list[float]] = {"all": []}
            hits = 0
            for index, query in enumerate(queries):
                kind = kinds[index % len(kinds)]
                t0 = time.perf_counter()
                found = person_search(user=user, query=query, purpose=Purpose.CASEWORK)
                elapsed = (time.perf_counter() - t0) * 1000
                hits += bool(found)
                timings.setdefault(kind, []).append(elapsed)
                timings["all"].append(elapsed)
            result["found_share"] = round(hits / len(queries), 3)
            for kind, values in timings.items():
                cuts = quantiles(values, n=100)
                result[f"{kind}_p50_ms"] = round(cuts[49], 2)
                result[f"{kind}_p95_ms"] = round(cuts[94], 2)
            raise _Rollback
    except _Rollback:
        pass
    return result


def main(argv: list[str]) -> None:
    _setup()
    n = int(argv[0]) if argv else 300_000
    n_queries = int(argv[1]) if len(argv) > 1 else 300
    print(json.dumps(run(n, n_queries), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
