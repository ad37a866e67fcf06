"""Demo step: the fora of Midt- og Vestsjælland with a year of meetings and some step-wise
discussions, built through the meetings services (all fictitious, marked synthetic).

Called by `samspil demo` after the organisations and users exist (samspil.demo.organisations).
Safe to run again: fora are created once, and a year that already has demo meetings is skipped.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from samspil.access.constants import LegalBasis
from samspil.accounts.models import User
from samspil.audit.constants import Action as AuditAction
from samspil.audit.services import audit_record
from samspil.meetings import services
from samspil.meetings.constants import ForumKind, MeetingStatus, MemberRole, RiskFactor
from samspil.meetings.models import Concern, Forum, Meeting
from samspil.organisations.models import District, Municipality, Organisation, Station
from samspil.persons.models import Person

DISTRICT = "midt-vestsjaelland"
CPH = ZoneInfo("Europe/Copenhagen")
DEMO_KINDS = (ForumKind.KREDSRAAD, ForumKind.LOKALRAAD, ForumKind.SSP, ForumKind.PSP,
              ForumKind.KSP)

TOPICS: dict[str, list[str]] = {
    ForumKind.KREDSRAAD: ["Kriminalitetsudviklingen i politikredsen", "Årets indsatsområder",
                          "Status på samarbejdsplanen", "Tryghedsmålingen"],
    ForumKind.LOKALRAAD: ["Lokale handleplaner", "Indbrud i sektoren", "Nabohjælp",
                          "Evaluering af årets initiativer"],
    ForumKind.SSP: ["Unge i nattelivet", "Skolernes trivselsmåling", "Knivforbud og våben",
                    "Sommerferieindsats"],
    ForumKind.PSP: ["Samarbejdsaftalen med psykiatrien", "Tvangsindlæggelser siden sidst",
                    "Opfølgning på drøftede borgere", "Udskrivninger og boligsituation"],
    ForumKind.KSP: ["Kommende løsladelser", "God løsladelse: bolig og job"],
}
ACTIONS = ["Sende oversigt til medlemmerne", "Invitere skolelederne", "Udarbejde handleplan",
           "Følge op med boligselskabet", "Afklare kontaktpersoner i psykiatrien"]
SITUATIONS = [
    ("Gentagne henvendelser om uro og trusler; borgeren tager ikke sin medicin.",
     [RiskFactor.MENTAL_HEALTH, RiskFactor.MEDICATION, RiskFactor.VIOLENCE]),
    ("Ung med stort skolefravær, ses ofte med ældre kammerater med domme.",
     [RiskFactor.SCHOOL_ABSENCE, RiskFactor.CRIMINAL_PEERS]),
    ("Borger i risiko for at miste sin bolig efter flere episoder med uro.",
     [RiskFactor.HOUSING, RiskFactor.SUBSTANCE_MISUSE]),
    ("Flere meldinger om selvmordstrusler det seneste halve år.",
     [RiskFactor.SELF_HARM, RiskFactor.ISOLATION]),
]


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=CPH)


def _member(forum: Forum, organisation: Organisation, *, user: User | None = None,
            name: str = "", title: str = "", role: str = MemberRole.MEMBER) -> None:
    if user is not None and forum.members.filter(user=user).exists():
        return
    if user is None and forum.members.filter(external_name=name,
                                             organisation=organisation).exists():
        return
    services.forum_member_add(actor=None, forum=forum, organisation=organisation, user=user,
                              external_name=name, title=title, role=role,
                              email=f"{(user.username if user else name.split()[0]).lower()}"
                                    "@demo.samspil.invalid")


def _members(fora: list[Forum], orgs: dict[str, Organisation], users: dict[str, User]) -> None:
    police = orgs["mvsj-politi"]
    officer = users["betjent"]
    psychiatry = orgs.get("psykiatrien-sjaelland")
    probation = orgs.get("kriminalforsorgen-sjaelland")
    sector_of = {s.municipality_id: s.sector for s in Station.objects.filter(
        district__slug=DISTRICT).exclude(sector="")}
    for forum in fora:
        place = forum.municipality
        municipal = orgs.get(f"kommune-{place.code}") if place is not None else None
        if forum.kind == ForumKind.KREDSRAAD:
            _member(forum, police, name="Politidirektøren (fiktiv)", role=MemberRole.CHAIR)
            _member(forum, police, user=officer, title="Kriminalpræventivt Sekretariat")
            for index, municipality in enumerate(Municipality.objects.filter(
                    district__slug=DISTRICT).order_by("name")):
                org = orgs.get(f"kommune-{municipality.code}")
                if org is not None:
                    _member(forum, org, name=f"Borgmester i {municipality.name} (fiktiv)",
                            role=MemberRole.VICE_CHAIR if index == 0 else MemberRole.MEMBER)
        elif forum.kind == ForumKind.LOKALRAAD:
            _member(forum, police, user=officer, title="Leder af lokalpolitiet",
                    role=MemberRole.CHAIR)
            for municipality_id, sector in sector_of.items():
                if sector == forum.sector:
                    code = Municipality.objects.get(pk=municipality_id).code
                    if f"kommune-{code}" in orgs:
                        _member(forum, orgs[f"kommune-{code}"], name="Fagchef (fiktiv)",
                                title="Børn og unge")
        elif forum.kind == ForumKind.SSP and municipal is not None and place is not None:
            coordinator = users.get("ssp.roskilde") if place.code == "265" else None
            if coordinator is not None:
                _member(forum, municipal, user=coordinator, role=MemberRole.CHAIR)
            else:
                _member(forum, municipal, name="SSP-konsulent (fiktiv)", role=MemberRole.CHAIR)
            _member(forum, police, user=officer, title="Forebyggelsesbetjent")
        elif forum.kind == ForumKind.PSP and municipal is not None and place is not None:
            coordinator = users.get("psp.holbaek") if place.code == "316" else None
            if coordinator is not None:
                _member(forum, municipal, user=coordinator, role=MemberRole.CHAIR)
            else:
                _member(forum, municipal, name="PSP-koordinator (fiktiv)",
                        role=MemberRole.CHAIR)
            _member(forum, police, user=officer, title="Forebyggelsesbetjent")
            if psychiatry is not None:
                _member(forum, psychiatry, name="Psykiatrisk kontaktsygeplejerske (fiktiv)")
            if probation is not None:
                _member(forum, probation, name="KSP-kontakt (fiktiv)")
        elif forum.kind == ForumKind.KSP:
            if probation is not None:
                _member(forum, probation, name="Kriminalforsorgen, afdelingsleder (fiktiv)",
                        role=MemberRole.CHAIR)
            _member(forum, police, user=officer, title="Kriminalpræventivt Sekretariat")
            for code in ("265", "316", "259"):
                if f"kommune-{code}" in orgs:
                    _member(forum, orgs[f"kommune-{code}"], name="Socialrådgiver (fiktiv)")


def _meeting_days(rng: random.Random, year: int, count: int) -> list[date]:
    step = 365 // max(count, 1)
    days = []
    for index in range(count):
        day = date(year, 1, 15) + timedelta(days=index * step + rng.randint(0, 10))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        days.append(day)
    return days


def _meetings(rng: random.Random, fora: list[Forum], year: int, officer: User,
              orgs: dict[str, Organisation]) -> tuple[int, int]:
    now = timezone.now()
    meetings = actions = 0
    for forum in fora:
        count = forum.meetings_max or forum.meetings_min
        # Leave a forum or two short of its target, so the compliance view has colours.
        if forum.kind == ForumKind.SSP and rng.random() < 0.3:
            count -= 1
        members = list(forum.members.all())
        owners = list({m.organisation_id: m.organisation for m in members}.values())
        for day in _meeting_days(rng, year, count):
            meeting = services.meeting_create(actor=officer, forum=forum, starts_at=_at(day, 13),
                                              place=forum.municipality.name + " Rådhus"
                                              if forum.municipality else "Roskilde Politigård",
                                              is_synthetic=True)
            meetings += 1
            topics = rng.sample(TOPICS[forum.kind], k=min(2, len(TOPICS[forum.kind])))
            items = [services.agenda_item_add(actor=officer, meeting=meeting, topic=t)
                     for t in topics]
            if meeting.starts_at < now:
                services.meeting_set_status(actor=officer, meeting=meeting,
                                            status=MeetingStatus.HELD)
                services.attendance_set(
                    actor=officer, meeting=meeting,
                    present=[m for m in members if rng.random() < 0.85],
                    absent=[], guests=[])
                for item in items:
                    services.minutes_record(actor=officer, item=item,
                                            minutes="Punktet blev drøftet.",
                                            decision="Taget til efterretning.")
                if owners and rng.random() < 0.6:
                    action = services.action_create(
                        actor=officer, forum=forum, meeting=meeting, agenda_item=items[0],
                        title=rng.choice(ACTIONS), owner_organisation=rng.choice(owners),
                        due_date=day + timedelta(days=30), is_synthetic=True)
                    actions += 1
                    if day + timedelta(days=30) < now.date() and rng.random() < 0.7:
                        services.action_complete(actor=officer, action=action)
    return meetings, actions


def _demo_persons(rng: random.Random, officer: User, count: int) -> list[Person]:
    """A few fictitious persons the police know, for the step-wise discussions."""
    from faker import Faker

    from samspil.persons.services import person_register

    existing = list(Person.objects.filter(is_synthetic=True, owner_organisation_id=officer
                                          .organisation_id, municipality__code="316")[:count])
    fake = Faker("da_DK")
    fake.seed_instance(rng.randint(0, 10**6))
    while len(existing) < count:
        existing.append(person_register(
            actor=officer, given_name=fake.first_name(), family_name=fake.last_name(),
            municipality=Municipality.objects.get(code="316"),
            birth_date=date(rng.randint(1960, 2010), rng.randint(1, 12), rng.randint(1, 28)),
            address=f"{fake.street_name()} {rng.randint(1, 80)}", postal_code="4300",
            is_synthetic=True))
    return existing


def _discussions(rng: random.Random, officer: User, users: dict[str, User],
                 orgs: dict[str, Organisation]) -> int:
    forum = Forum.objects.filter(kind=ForumKind.PSP, municipality__code="316").first()
    chair = users.get("psp.holbaek")
    if forum is None or chair is None or Concern.objects.filter(forum=forum).exists():
        return 0
    persons = _demo_persons(rng, officer, len(SITUATIONS))
    meeting = Meeting.objects.filter(forum=forum, starts_at__gte=timezone.now()).order_by(
        "starts_at").first()
    made = 0
    for index, (person, (text, factors)) in enumerate(zip(persons, SITUATIONS, strict=False)):
        concern = services.concern_raise(
            actor=officer, forum=forum, person=person,
            reason="Politiet har flere hændelser i PSP-kategorierne og vurderer, at en "
                   "koordineret indsats er nødvendig.",
            risk_factors=factors, risk_text=text, meeting=meeting if index == 0 else None,
            is_synthetic=True)
        made += 1
        if index == 0:
            continue  # waits for the forum's next meeting
        met = index != 3
        concern = services.concern_threshold_decide(
            actor=chair, concern=concern, met=met,
            reason="Flere myndigheder er nødvendige." if met
            else "Kommunen har allerede en indsats; der deles ikke mere.")
        if met and index == 1:
            lead = orgs["kommune-316"]
            assisting = [orgs["psykiatrien-sjaelland"]] if "psykiatrien-sjaelland" in orgs \
                else []
            services.concern_disclose(
                actor=officer, concern=concern, lead_organisation=lead,
                assisting_organisations=assisting, legal_basis=LegalBasis.RPL_115_1_2,
                what_is_shared="Navn, CPR-nummer, adresse og politiets PSP-hændelser de "
                               "seneste 12 måneder")
            services.action_create(
                actor=users["psp.holbaek"], forum=forum, concern=concern,
                title="Fælles hjemmebesøg med psykiatrien", owner_organisation=lead,
                due_date=timezone.localdate() + timedelta(days=14), is_synthetic=True)
    return made


def demo_fora_build(*, seed: int, year: int) -> dict[str, int]:
    """Build the demo fora, their members, a year of meetings and some step-wise discussions."""
    rng = random.Random(seed)
    district = District.objects.get(slug=DISTRICT)
    orgs = {o.slug: o for o in Organisation.objects.filter(district=district)}
    users = {u.username: u for u in User.objects.filter(organisation__district=district)}
    officer = users["betjent"]
    fora = services.fora_defaults_create(district=district, kinds=DEMO_KINDS, is_synthetic=True)
    _members(fora, orgs, users)
    counts = {"fora": len(fora), "meetings": 0, "actions": 0, "concerns": 0}
    if not Meeting.objects.filter(forum__district=district, starts_at__year=year,
                                  is_synthetic=True).exists():
        counts["meetings"], counts["actions"] = _meetings(rng, fora, year, officer, orgs)
    counts["concerns"] = _discussions(rng, officer, users, orgs)
    with transaction.atomic():
        digest = hashlib.sha256(json.dumps({"seed": seed, "year": year, **counts},
                                           sort_keys=True).encode()).hexdigest()
        audit_record(actor=None, action=AuditAction.IMPORT, object_type="meetings.forum",
                     reason="demo fora", changes={**counts, "seed": seed, "year": year,
                                                  "content_hash": digest},
                     actor_username="demo")
    return counts

