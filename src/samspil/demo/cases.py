"""The demo district's 2024–2025 case work, walked through the case services step by step.

The automatic rules have already opened the UKN screenings and victim follow-ups when the incidents
were imported (demo.population). Here the demo's users work them — screen, contact, refer, visit,
mediate, decide — on the days the plan says, with `at=` recording when each step happened. The
plan is calibrated to the published 2024–2025 figures of Midt- og Vestsjælland: how many steps, of
which kind, on which days. The report counts what results; no figure is written anywhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from samspil.accounts.models import User
from samspil.cases.models import Case
from samspil.cases.services import case_open, case_transition
from samspil.organisations.models import Municipality
from samspil.persons.models import Person

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
YEARS = (2024, 2025)


def _local(day: date, rng: random.Random, hour_from: int = 8, hour_to: int = 16) -> datetime:
    return datetime.combine(day, time(rng.randrange(hour_from, hour_to), rng.randrange(60)),
                            COPENHAGEN)


def _opened_day(case: Case) -> date:
    return case.opened_at.astimezone(COPENHAGEN).date()


def _after(case: Case, days: int, rng: random.Random) -> datetime:
    """A working-hours moment `days` calendar days after the case was opened (never before it)."""
    moment = _local(_opened_day(case) + timedelta(days=days), rng)
    return max(moment, case.opened_at + timedelta(minutes=5))


@dataclass(frozen=True)
class Actors:
    officer: User
    reviewer: User
    mediator: User
    caseworkers: dict[str, User]  # by municipality code (only some municipalities have one)

    def caseworker_for(self, code: str) -> User:
        return self.caseworkers.get(code) or next(iter(self.caseworkers.values()))


# --- UKN screenings -----------------------------------------------------------------------------

# Per year the opened screenings are closed: (age group, within 30 days, beyond). The 2024
# screenings of 15–17-year-olds opened in the autumn (109) are finished only in 2025.
UKN_WITHIN = {
    2024: {"under_15": 141, "15_17": 93},
    2025: {"under_15": 200, "15_17": 400},
}
UKN_OUTCOMES = (("not_relevant", 52), ("referred_ukn", 22), ("referred_prosecution", 16),
                ("referred_both", 10))


def _age_group(case: Case) -> str:
    day = case.incident.occurred_on if case.incident is not None else _opened_day(case)
    assert case.person is not None and case.person.birth_date is not None  # screenings have both
    birth = case.person.birth_date
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return "under_15" if age < 15 else "15_17"


def work_ukn_screenings(actors: Actors, rng: random.Random) -> int:
    cases = list(
        Case.objects.filter(case_type="ukn_screening", state="open", is_synthetic=True)
        .select_related("person", "incident").order_by("opened_at", "pk")
    )
    steps = 0
    outcomes = [code for code, weight in UKN_OUTCOMES for _ in range(weight)]
    for year in YEARS:
        for group in ("under_15", "15_17"):
            group_cases = [c for c in cases if _opened_day(c).year == year and _age_group(c) == group]
            carried = [c for c in group_cases if year == 2024 and _opened_day(c) >= date(2024, 10, 1)]
            in_year = [c for c in group_cases if c not in carried]
            # The slowest screenings are among the earlier ones, so they still close in the year.
            early = [c for c in in_year if _opened_day(c) <= date(year, 11, 15)]
            slow = set(rng.sample(early, len(in_year) - UKN_WITHIN[year][group]))
            for case in in_year:
                days = rng.randint(31, 44) if case in slow else rng.randint(2, 28)
                steps += _screen(actors, case, _after(case, days, rng), rng.choice(outcomes))
            for case in carried:
                close_day = max(_opened_day(case) + timedelta(days=rng.randint(31, 60)),
                                date(2025, 1, 2) + timedelta(days=rng.randint(0, 30)))
                steps += _screen(actors, case, _local(close_day, rng), rng.choice(outcomes))
    return steps


def _screen(actors: Actors, case: Case, at: datetime, outcome: str) -> int:
    case_transition(actor=actors.officer, case=case, action="screen", outcome=outcome, at=at,
                    note="Screenet (demo).")
    return 1


# --- victim follow-up and referrals to victim support -------------------------------------------

VICTIM_FOLLOWUPS_OPEN_AT_END_2025 = 64
VICTIM_SUPPORT_REFERRALS = {2024: 426, 2025: 471}


def work_victim_followups(actors: Actors, rng: random.Random) -> int:
    cases = list(
        Case.objects.filter(case_type="victim_followup", state="open", is_synthetic=True)
        .select_related("person").order_by("opened_at", "pk")
    )
    steps = 0
    contacted: dict[int, list[tuple[Case, datetime]]] = {year: [] for year in YEARS}
    for year in YEARS:
        in_year = [c for c in cases if _opened_day(c).year == year]
        if year == 2025:
            in_year = in_year[: len(in_year) - VICTIM_FOLLOWUPS_OPEN_AT_END_2025]
        for case in in_year:
            attempt = _after(case, 1, rng)
            case_transition(actor=actors.officer, case=case, action="attempt_contact", at=attempt)
            closed = min(_after(case, rng.randint(2, 9), rng),
                         datetime(year, 12, 31, 15, 0, tzinfo=COPENHAGEN))
            closed = max(closed, attempt + timedelta(minutes=30))
            outcome = rng.choices(("contacted", "not_reached", "declined"), (76, 17, 7))[0]
            case_transition(actor=actors.officer, case=case, action="close", outcome=outcome,
                            at=closed)
            steps += 2
            if outcome == "contacted":
                contacted[year].append((case, closed))
    for year in YEARS:
        for case, closed in rng.sample(contacted[year], VICTIM_SUPPORT_REFERRALS[year]):
            referral = case_open(
                actor=actors.officer, case_type="victim_support_referral",
                municipality=case.municipality, person=case.person,
                fields={"consent_at": closed.isoformat()}, opened_at=closed,
                note="Henvist med samtykke (demo).", is_synthetic=True,
            )
            case_transition(actor=actors.officer, case=referral, action="refer",
                            outcome="referred", at=closed + timedelta(minutes=10))
            steps += 2
    return steps


# --- cases opened by hand -------------------------------------------------------------------------


@dataclass(frozen=True)
class HandCases:
    """How many cases of a type are opened in a year and how they end."""

    case_type: str
    opened: int
    outcomes: tuple[tuple[str, int], ...]  # the rest stays open at the year's end
    last_open_day: tuple[int, int] = (12, 20)


OFFICER_REQUESTS = {
    2024: HandCases("officer_request", 418, (("accommodated", 364), ("declined", 40),
                                            ("withdrawn", 9))),
    2025: HandCases("officer_request", 452, (("accommodated", 395), ("declined", 38),
                                            ("withdrawn", 12))),
}
OFFICER_REQUEST_ORIGINS = (("traffic_control", 30), ("talk_burglary", 18), ("talk_it_crime", 14),
                           ("event_presence", 20), ("mopeds", 12), ("other", 6))
RESTRAINING_ORDER_REQUESTS = {
    2024: HandCases("restraining_order_request", 129, (("granted", 76), ("refused", 38),
                                                       ("withdrawn", 12))),
    2025: HandCases("restraining_order_request", 155, (("granted", 92), ("refused", 45),
                                                       ("withdrawn", 14))),
}
CONFLICT_MEDIATIONS = {
    2024: HandCases("conflict_mediation", 171, (("mediated", 63), ("declined_by_party", 44),
                                                ("not_suitable", 28), ("withdrawn", 14)),
                    (9, 15)),
    2025: HandCases("conflict_mediation", 190, (("mediated", 72), ("declined_by_party", 46),
                                                ("not_suitable", 31), ("withdrawn", 15)),
                    (9, 15)),
}


def _spread_days(rng: random.Random, year: int, count: int, last: tuple[int, int]) -> list[date]:
    start, end = date(year, 1, 2), date(year, *last)
    return sorted(start + timedelta(days=rng.randrange((end - start).days + 1))
                  for _ in range(count))


def _outcome_list(plan: HandCases, rng: random.Random) -> list[str | None]:
    outcomes: list[str | None] = [code for code, n in plan.outcomes for _ in range(n)]
    outcomes += [None] * (plan.opened - len(outcomes))
    rng.shuffle(outcomes)
    return outcomes


def _municipalities() -> list[Municipality]:
    return list(Municipality.objects.filter(district__slug="midt-vestsjaelland").order_by("code"))


def _adults(municipality: Municipality, rng: random.Random, count: int) -> list[Person]:
    candidates = list(
        Person.objects.filter(municipality=municipality, is_synthetic=True,
                              birth_date__lt=date(2004, 1, 1)).order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    chosen = rng.sample(candidates, min(count, len(candidates)))
    return list(Person.objects.filter(pk__in=chosen))


def work_officer_requests(actors: Actors, rng: random.Random) -> int:
    steps = 0
    municipalities = _municipalities()
    origins = [code for code, weight in OFFICER_REQUEST_ORIGINS for _ in range(weight)]
    for year, plan in OFFICER_REQUESTS.items():
        outcomes = _outcome_list(plan, rng)
        for day, outcome in zip(_spread_days(rng, year, plan.opened, (12, 18)), outcomes,
                                strict=True):
            opened = _local(day, rng, 7, 22)
            case = case_open(actor=None, system=True, case_type="officer_request",
                             municipality=rng.choice(municipalities), origin=rng.choice(origins),
                             fields={"requested_date": (day + timedelta(days=14)).isoformat(),
                                     "location": "Fiktiv adresse (demo)"},
                             opened_at=opened, title="Bestil en betjent (demo)",
                             is_synthetic=True)
            steps += 1
            if outcome is None:
                continue
            triaged = _after(case, 1, rng)
            case_transition(actor=actors.officer, case=case, action="triage", at=triaged)
            action = {"accommodated": "accommodate", "declined": "decline",
                      "withdrawn": "withdraw"}[outcome]
            done = max(_after(case, rng.randint(3, 12), rng), triaged + timedelta(hours=1))
            case_transition(actor=actors.officer, case=case, action=action, outcome=outcome,
                            at=done)
            steps += 2
    return steps


def work_restraining_orders(actors: Actors, rng: random.Random) -> int:
    steps = 0
    for year, plan in RESTRAINING_ORDER_REQUESTS.items():
        outcomes = _outcome_list(plan, rng)
        municipalities = _municipalities()
        for day, outcome in zip(_spread_days(rng, year, plan.opened, (12, 10)), outcomes,
                                strict=True):
            municipality = rng.choice(municipalities)
            person = _adults(municipality, rng, 1)[0]
            variant = "immediate" if rng.random() < 0.15 else "ordinary"
            case = case_open(actor=actors.officer, case_type="restraining_order_request",
                             municipality=municipality, person=person,
                             fields={"variant": variant}, opened_at=_local(day, rng),
                             title="Begæring om tilhold (demo)", is_synthetic=True)
            steps += 1
            if outcome is None:
                continue
            if outcome == "withdrawn":
                case_transition(actor=actors.officer, case=case, action="withdraw",
                                outcome="withdrawn", at=_after(case, rng.randint(2, 10), rng))
                steps += 1
                continue
            visit = _after(case, rng.randint(1, 5), rng)
            case_transition(actor=actors.officer, case=case, action="visitate", at=visit)
            case_transition(actor=actors.officer, case=case, action="decide", outcome=outcome,
                            fields={"order_kind": "tilhold"},
                            at=max(_after(case, rng.randint(6, 20), rng),
                                   visit + timedelta(hours=1)))
            steps += 2
    return steps


def work_conflict_mediations(actors: Actors, rng: random.Random) -> int:
    steps = 0
    for year, plan in CONFLICT_MEDIATIONS.items():
        outcomes = _outcome_list(plan, rng)
        municipalities = _municipalities()
        for day, outcome in zip(_spread_days(rng, year, plan.opened, plan.last_open_day),
                                outcomes, strict=True):
            municipality = rng.choice(municipalities)
            person = _adults(municipality, rng, 1)[0]
            case = case_open(actor=actors.officer, case_type="conflict_mediation",
                             municipality=municipality, person=person,
                             opened_at=_local(day, rng), title="Konfliktråd (demo)",
                             is_synthetic=True)
            steps += 1
            if outcome is None:
                continue
            steps += _mediate(actors, case, outcome, rng)
    return steps


def _mediate(actors: Actors, case: Case, outcome: str, rng: random.Random) -> int:
    coordinator = actors.mediator
    at = _after(case, rng.randint(3, 10), rng)

    def step(action: str, **kwargs: Any) -> None:
        nonlocal at
        case_transition(actor=coordinator, case=case, action=action, at=at, **kwargs)
        at = at + timedelta(days=rng.randint(4, 12))

    if outcome == "not_suitable":
        step("not_suitable", outcome="not_suitable")
        return 1
    if outcome == "withdrawn":
        step("withdraw", outcome="withdrawn")
        return 1
    step("visitate")
    if outcome == "declined_by_party":
        step("party_declines", outcome="declined_by_party")
        return 2
    consent = at.isoformat()
    step("record_consent", fields={
        "victim_consent_at": consent, "offender_consent_at": consent,
        "victim_is_minor": False, "offender_is_minor": False, "offender_admits_offence": True,
    })
    step("assign_mediator", fields={"mediator": coordinator.username})
    step("hold_meeting", fields={"meeting_date": at.date().isoformat()})
    step("close_mediated", outcome="mediated",
         fields={"agreement": "Parterne aftalte at undgå kontakt (demo)."})
    return 5


SOCIAL_REPORTS_BY_PATROL = {
    # (origin, count) per year; the reports from Socialsøg come from the reviewer's decisions.
    2024: (("patrol", 742), ("other", 138)),
    2025: (("patrol", 700), ("other", 148)),
}
PSP_DISCUSSIONS = {2024: (430, 40), 2025: (460, 60)}  # (persons, of whom discussed twice)
AREA_BANS = {2025: 14}
EXIT_PROGRAMMES = {2024: 7, 2025: 9}
RELEASE_COORDINATIONS = {2024: 18, 2025: 22}
CONCERN_CONVERSATIONS = {2024: 110, 2025: 124}


def work_social_reports(actors: Actors, rng: random.Random) -> int:
    steps = 0
    children = list(
        Person.objects.filter(is_synthetic=True, birth_date__gt=date(2008, 6, 1),
                              municipality__district__slug="midt-vestsjaelland")
        .select_related("municipality").order_by("pk")
    )
    for year, plan in SOCIAL_REPORTS_BY_PATROL.items():
        for origin, count in plan:
            for day in _spread_days(rng, year, count, (12, 22)):
                child = rng.choice(children)
                opened = _local(day, rng)
                case = case_open(actor=actors.officer, case_type="social_report",
                                 municipality=child.municipality, person=child, origin=origin,
                                 opened_at=opened, title="Underretning (demo)",
                                 summary="Bekymring for barnets trivsel efter patruljens besøg "
                                         "i hjemmet (fiktiv).", is_synthetic=True)
                case_transition(actor=actors.officer, case=case, action="send", outcome="sent",
                                fields={"recipient_municipality_code": child.municipality.code},
                                at=opened + timedelta(hours=2))
                steps += 2
                if rng.random() < 0.8:
                    caseworker = actors.caseworker_for(child.municipality.code)
                    organisation = caseworker.organisation
                    if organisation and organisation.municipality_id == child.municipality_id:
                        case_transition(actor=caseworker, case=case, action="acknowledge",
                                        at=opened + timedelta(days=rng.randint(1, 5)))
                        steps += 1
    return steps


def work_psp_discussions(actors: Actors, rng: random.Random) -> int:
    from samspil.incidents.models import Involvement

    steps = 0
    for year, (persons, twice) in PSP_DISCUSSIONS.items():
        monitored = list(
            Involvement.objects.filter(incident__category__psp=True,
                                       incident__occurred_on__year=year,
                                       person__is_synthetic=True)
            .values_list("person_id", flat=True).distinct().order_by("person_id")
        )
        chosen = rng.sample(monitored, persons)
        rounds = chosen + rng.sample(chosen, twice)
        people = Person.objects.select_related("municipality").in_bulk(chosen)
        for day, person_id in zip(_spread_days(rng, year, len(rounds), (12, 12)), rounds,
                                  strict=True):
            person = people[person_id]
            case = case_open(actor=actors.officer, case_type="psp_discussion",
                             municipality=person.municipality, person=person,
                             opened_at=_local(day, rng), title="PSP-drøftelse (demo)",
                             is_synthetic=True)
            case_transition(actor=actors.officer, case=case, action="close",
                            outcome=rng.choices(("discussed", "not_discussed"), (92, 8))[0],
                            at=_after(case, 0, rng) + timedelta(hours=2))
            steps += 2
    return steps


def work_other_flows(actors: Actors, rng: random.Random) -> int:
    steps = 0
    municipalities = {m.code: m for m in _municipalities()}
    for year, count in AREA_BANS.items():
        for day in _spread_days(rng, year, count, (11, 1)):
            municipality = municipalities[rng.choice(("316", "259"))]
            person = _adults(municipality, rng, 1)[0]
            case = case_open(actor=actors.officer, case_type="area_ban",
                             municipality=municipality, person=person,
                             fields={"area": "Bymidten, område plaget af utryghed (demo)",
                                     "radius_m": rng.choice((500, 500, 750, 1000))},
                             opened_at=_local(day, rng), title="Opholdsforbud (demo)",
                             is_synthetic=True)
            steps += 1
            if rng.random() < 0.5:
                case_transition(actor=actors.officer, case=case, action="extend",
                                fields={"extension_reason": "Fortsat utryghedsskabende adfærd."},
                                at=_after(case, 28, rng))
                steps += 1
                end = 60
            else:
                end = 30
            case_transition(actor=actors.officer, case=case, action="expire", outcome="expired",
                            at=_after(case, end, rng))
            steps += 1
    for year, count in EXIT_PROGRAMMES.items():
        for day in _spread_days(rng, year, count, (6, 30)):
            municipality = rng.choice(list(municipalities.values()))
            person = _adults(municipality, rng, 1)[0]
            case = case_open(actor=actors.officer, case_type="exit_programme",
                             municipality=municipality, person=person,
                             fields={"subject_is_adult": True}, opened_at=_local(day, rng),
                             title="Exit-forløb (demo)", is_synthetic=True)
            consent = _after(case, 3, rng)
            case_transition(actor=actors.officer, case=case, action="make_plan",
                            fields={"consent_at": consent.isoformat()}, at=consent)
            case_transition(actor=actors.officer, case=case, action="start",
                            fields={"plan_elements": ["housing", "employment", "mentor"]},
                            at=_after(case, 14, rng))
            outcome = "completed" if rng.random() < 0.5 else "dropped_out"
            action = "complete" if outcome == "completed" else "drop_out"
            case_transition(actor=actors.officer, case=case, action=action, outcome=outcome,
                            at=_after(case, rng.randint(120, 180), rng))
            steps += 4
    for year, count in RELEASE_COORDINATIONS.items():
        for day in _spread_days(rng, year, count, (11, 30)):
            municipality = rng.choice(list(municipalities.values()))
            person = _adults(municipality, rng, 1)[0]
            release = day + timedelta(days=rng.randint(10, 30))
            case = case_open(actor=actors.officer, case_type="release_coordination",
                             municipality=municipality, person=person,
                             fields={"release_date": release.isoformat()},
                             opened_at=_local(day, rng), title="God løsladelse (demo)",
                             is_synthetic=True)
            case_transition(actor=actors.officer, case=case, action="complete",
                            outcome="completed", at=_local(release, rng))
            steps += 2
    for year, count in CONCERN_CONVERSATIONS.items():
        for day in _spread_days(rng, year, count, (12, 15)):
            municipality = rng.choice(list(municipalities.values()))
            person = _adults(municipality, rng, 1)[0]
            case = case_open(actor=actors.officer, case_type="concern_conversation",
                             municipality=municipality, person=person,
                             opened_at=_local(day, rng), title="Bekymringssamtale (demo)",
                             is_synthetic=True)
            case_transition(actor=actors.officer, case=case, action="close",
                            outcome="held" if rng.random() < 0.85 else "declined",
                            at=_after(case, rng.randint(3, 14), rng))
            steps += 2
    return steps


# Each step and the record that shows it has been done (so a re-run skips it).
STEPS: tuple[tuple[str, Any, dict[str, Any]], ...] = (
    ("ukn_screening", work_ukn_screenings, {"case_type": "ukn_screening", "state": "screened"}),
    ("victim_followup", work_victim_followups, {"case_type": "victim_support_referral"}),
    ("officer_request", work_officer_requests, {"case_type": "officer_request"}),
    ("restraining_order_request", work_restraining_orders,
     {"case_type": "restraining_order_request"}),
    ("conflict_mediation", work_conflict_mediations, {"case_type": "conflict_mediation"}),
    ("social_report", work_social_reports, {"case_type": "social_report", "origin": "patrol"}),
    ("psp_discussion", work_psp_discussions, {"case_type": "psp_discussion"}),
    ("other", work_other_flows, {"case_type": "exit_programme"}),
)


def demo_case_work_build(*, actors: Actors, seed: int) -> dict[str, int]:
    steps: dict[str, int] = {}
    for number, (name, work, done_marker) in enumerate(STEPS):
        if Case.objects.filter(is_synthetic=True, **done_marker).exists():
            continue
        rng = random.Random(seed * 100 + number)
        with transaction.atomic():
            steps[name] = work(actors, rng)
    return steps
