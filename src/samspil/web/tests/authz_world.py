"""The record world the authorization matrix runs against.

One user per role, and for every kind of record the three answers the matrix asks about:

- ``own``: the user's organisation owns it (for records without an owner — fora, meetings,
  plans — one in the user's own district, whose forum the user's organisation sits in);
- ``disclosed``: Køge municipality (same district) owns it and disclosed it to the user's
  organisation through ``access.services.disclosure_create``;
- ``foreign``: an organisation in another police district owns it; nobody granted anything.

Who is who: the police of Midt- og Vestsjælland (``P``) hold the police roles, Roskilde
municipality (``R``) the municipal ones, the Konfliktråd (``M``) the mediator; Køge (``K``)
discloses; Syd- og Sønderjyllands Politi (``F``) is the other district.

Records are built through the apps' services where a service exists for the owner's kind of
organisation; where the owner could not have made it itself (an incident owned by a
municipality, a Socialsøg hit), the row is created directly with the same fields the service
would set — the access policy looks only at the owner and the grants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from samspil.access.constants import LegalBasis
from samspil.access.services import disclosure_create
from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.accounts.services import user_create
from samspil.conftest import TEST_PASSWORD, make_organisation
from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import District, Municipality, Organisation
from samspil.organisations.services import reference_data_load

HOME, AWAY = "midt-vestsjaelland", "syd-soenderjylland"
OWN, DISCLOSED, FOREIGN = "own", "disclosed", "foreign"
VARIANTS = (OWN, DISCLOSED, FOREIGN)

# The organisation each role's user belongs to (by the world's short name).
ROLE_ORGANISATION: dict[str, str] = {
    Role.PREVENTION_OFFICER: "P",
    Role.SOCIALSOEG_REVIEWER: "P",
    Role.ANALYST: "P",
    Role.DPO: "P",
    Role.ADMINISTRATOR: "P",
    Role.ISLAND_CONSTABLE: "P",
    Role.SSP_COORDINATOR: "R",
    Role.PSP_COORDINATOR: "R",
    Role.CASEWORKER: "R",
    Role.MEDIATOR: "M",
}
ROLES: tuple[str, ...] = tuple(Role.values)


@dataclass
class Records:
    """One kind of record: the own one per organisation, the disclosed one, the foreign one."""

    own: dict[str, Any] = field(default_factory=dict)
    disclosed: Any = None
    foreign: Any = None

    def for_user(self, variant: str, organisation: str) -> Any:
        if variant == OWN:
            return self.own.get(organisation)
        return self.disclosed if variant == DISCLOSED else self.foreign


@dataclass
class World:
    organisations: dict[str, Organisation]
    users: dict[str, User]
    records: dict[str, Records] = field(default_factory=dict)
    # Person names and CPR numbers that must never appear in a refusal.
    secrets: dict[int, list[str]] = field(default_factory=dict)
    person_owner: dict[int, str] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]

    def organisation_of(self, role: str) -> str:
        return ROLE_ORGANISATION[role]

    def record(self, kind: str, variant: str, role: str) -> Any:
        return self.records[kind].for_user(variant, self.organisation_of(role))


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def _user(username: str, organisation: Organisation, *roles: str) -> User:
    return user_create(
        actor=None,
        username=username,
        password=TEST_PASSWORD,
        organisation=organisation,
        roles=roles,
        first_name=username.title(),
        last_name="Matrixsen",
        is_synthetic=True,
    )


def build_world() -> World:
    reference_data_load()
    orgs = {
        "P": make_organisation("test-politi", OrganisationKind.POLICE, HOME),
        "R": make_organisation("test-roskilde", OrganisationKind.MUNICIPALITY, HOME, "265"),
        "M": make_organisation("test-konfliktraad", OrganisationKind.MEDIATION, HOME),
        "K": make_organisation("test-koege", OrganisationKind.MUNICIPALITY, HOME, "259"),
        "F": make_organisation("test-ssj-politi", OrganisationKind.POLICE, AWAY),
    }
    users = {role: _user(f"m-{role}", orgs[ROLE_ORGANISATION[role]], role) for role in ROLES}
    # The builders: one per organisation, allowed to register what their organisation owns.
    actors = {
        "P": _user("m-build-p", orgs["P"], Role.PREVENTION_OFFICER, Role.ADMINISTRATOR),
        "R": _user("m-build-r", orgs["R"], Role.CASEWORKER, Role.PSP_COORDINATOR),
        "M": _user("m-build-m", orgs["M"], Role.CASEWORKER, Role.MEDIATOR),
        "K": _user("m-build-k", orgs["K"], Role.CASEWORKER),
        "F": _user("m-build-f", orgs["F"], Role.PREVENTION_OFFICER, Role.ADMINISTRATOR),
    }
    world = World(organisations=orgs, users=users)
    builder = _Builder(world, actors)
    builder.build()
    return world


class _Builder:
    def __init__(self, world: World, actors: dict[str, User]) -> None:
        self.world = world
        self.orgs = world.organisations
        self.actors = actors
        self.count = _Counter()
        self.home = District.objects.get(slug=HOME)
        self.away = District.objects.get(slug=AWAY)
        self.roskilde = Municipality.objects.get(code="265")
        self.koege = Municipality.objects.get(code="259")
        self.esbjerg = Municipality.objects.get(code="561")
        self.now = timezone.now()

    def municipality_of(self, org: str) -> Municipality:
        return {"K": self.koege, "F": self.esbjerg}.get(org, self.roskilde)

    def disclose(self, subject: Any) -> None:
        """Køge discloses `subject` to every home organisation that has a user."""
        for org in ("P", "R", "M"):
            disclosure_create(
                actor=self.actors["K"],
                subject=subject,
                to_organisation=self.orgs[org],
                legal_basis=LegalBasis.RPL_115_1_2,
                purpose="Koordineret indsats (autorisationsmatrix)",
                shared="Identitet og hændelser",
            )

    def owned(self, kind: str, make: Any, *, own: tuple[str, ...] = ("P", "R", "M")) -> Records:
        records = Records()
        for org in own:
            records.own[org] = make(org, OWN)
        records.disclosed = make("K", DISCLOSED)
        self.disclose(records.disclosed)
        records.foreign = make("F", FOREIGN)
        self.world.records[kind] = records
        return records

    def build(self) -> None:
        self.persons()
        self.incidents()
        self.cases()
        self.hits()
        self.monitoring()
        self.fora()
        self.plans()
        self.merges()
        self.fixed()

    # --- persons -------------------------------------------------------------------------------

    def person(self, org: str, tag: str, *, with_cpr: bool = True) -> Any:
        from samspil.persons.services import person_register

        n = self.count.next()
        born = date(1980, 1, 1) + timedelta(days=37 * n)
        cpr = f"{born:%d%m%y}-{4000 + n:04d}" if with_cpr else None
        person = person_register(
            actor=self.actors[org],
            given_name=f"Matrix{tag.title()}{n}",
            family_name=f"Hemmeligsen{org}{n}",
            municipality=self.municipality_of(org),
            cpr=cpr,
            birth_date=born,
            address=f"Matrixvej {n}",
            postal_code="4000",
            is_synthetic=True,
        )
        self.world.person_owner[person.pk] = org
        self.world.secrets[person.pk] = [person.given_name, person.family_name]
        if cpr:
            self.world.secrets[person.pk] += [cpr, cpr.replace("-", "")]
        return person

    def persons(self) -> None:
        from samspil.persons.constants import RelationKind
        from samspil.persons.services import relation_add

        records = self.owned("person", self.person)
        relations = Records()
        for variant, org, person in self._each(records):
            partner = self.person(org, variant)
            relation = relation_add(
                actor=self.actors[org],
                person=person,
                related_person=partner,
                kind=RelationKind.PARTNER,
            )
            if variant == OWN:
                relations.own[org] = relation
            elif variant == DISCLOSED:
                relations.disclosed = relation
            else:
                relations.foreign = relation
        self.world.records["relation"] = relations

    def _each(self, records: Records) -> list[tuple[str, str, Any]]:
        rows = [(OWN, org, obj) for org, obj in records.own.items()]
        return [*rows, (DISCLOSED, "K", records.disclosed), (FOREIGN, "F", records.foreign)]

    # --- incidents -----------------------------------------------------------------------------

    def incidents(self) -> None:
        from samspil.incidents.constants import InvolvementRole
        from samspil.incidents.models import Incident, Involvement

        persons = self.world.records["person"]

        def make(org: str, variant: str) -> Incident:
            person = persons.for_user(variant, org)
            n = self.count.next()
            values = {
                "journal_no": f"9900-{n:05d}-00001-26",
                "occurred_at": self.now - timedelta(days=3),
                "category": "vandalism",
                "narrative": f"Matrixhændelse {n}",
            }
            from samspil.incidents.services import incident_register

            if org in ("P", "F"):
                return incident_register(
                    actor=self.actors[org],
                    municipality=self.municipality_of(org).code,
                    involvements=[(person, InvolvementRole.SUSPECT)],
                    is_synthetic=True,
                    **values,
                )
            # A municipality registers no incidents: the police register it, the owner is moved.
            incident = incident_register(
                actor=self.actors["P"],
                municipality=self.municipality_of(org).code,
                is_synthetic=True,
                **values,
            )
            Incident.objects.filter(pk=incident.pk).update(
                owner_organisation=self.orgs[org], created_by=self.actors[org]
            )
            Involvement.objects.create(
                incident=incident, person=person, role=InvolvementRole.SUSPECT
            )
            incident.refresh_from_db()
            return incident

        records = self.owned("incident", make)
        involvements = Records()
        for variant, org, incident in self._each(records):
            row = incident.involvements.first()
            if variant == OWN:
                involvements.own[org] = row
            elif variant == DISCLOSED:
                involvements.disclosed = row
            else:
                involvements.foreign = row
        self.world.records["involvement"] = involvements

    # --- cases ---------------------------------------------------------------------------------

    def cases(self) -> None:
        from samspil.cases.services import case_open

        persons = self.world.records["person"]

        def make(org: str, variant: str) -> Any:
            return case_open(
                actor=None,
                system=True,
                case_type="victim_followup",
                municipality=self.municipality_of(org),
                person=persons.for_user(variant, org),
                owner_organisation=self.orgs[org],
                is_synthetic=True,
                title=f"Matrixsag {org}",
            )

        self.owned("case", make)

    # --- Socialsøg -----------------------------------------------------------------------------

    def hits(self) -> None:
        from samspil.risk.models import Hit, HitPerson, RuleSetVersion

        persons = self.world.records["person"]
        version = RuleSetVersion.objects.order_by("pk").first()

        def make(org: str, variant: str) -> Hit:
            person = persons.for_user(variant, org)
            hit = Hit.objects.create(
                owner_organisation=self.orgs[org],
                district=self.away if org == "F" else self.home,
                family_key=str(person.pk),
                rule_set_version=version,
                clause="a",
                score=12,
                child_count=1,
                as_of=self.now.date(),
            )
            HitPerson.objects.create(hit=hit, person=person, role="caregiver")
            return hit

        self.owned("hit", make, own=("P",))

    # --- electronic monitoring -----------------------------------------------------------------

    def monitoring(self) -> None:
        from samspil.monitoring.models import Alert, Device, MonitoringOrder

        cases = self.world.records["case"]

        def make(org: str, variant: str) -> MonitoringOrder:
            n = self.count.next()
            case = cases.for_user(variant, org)
            tag = Device.objects.create(
                device_id=f"MTX-TAG-{n}",
                kind="tag",
                owner_organisation=self.orgs[org],
                is_synthetic=True,
            )
            order = MonitoringOrder.objects.create(
                owner_organisation=self.orgs[org],
                case=case,
                person=case.person,
                order_id=f"MTX-{n}",
                kind="restraining_order",
                tag=tag,
                valid_from=self.now - timedelta(days=10),
                valid_to=self.now + timedelta(days=90),
                is_synthetic=True,
            )
            Alert.objects.create(
                order=order,
                type="zone_entry",
                zone_id="home",
                device_id=tag.device_id,
                time=self.now,
                raised_at=self.now,
            )
            return order

        orders = self.owned("order", make, own=("P",))
        alerts = Records(
            own={"P": orders.own["P"].alerts.get()},
            disclosed=orders.disclosed.alerts.get(),
            foreign=orders.foreign.alerts.get(),
        )
        self.world.records["alert"] = alerts

    # --- fora, meetings, concerns, actions -----------------------------------------------------

    def fora(self) -> None:
        from samspil.meetings.constants import ForumKind, MemberRole, RiskFactor
        from samspil.meetings.services import (
            action_create,
            agenda_item_add,
            concern_raise,
            fora_defaults_create,
            forum_member_add,
            meeting_create,
        )

        made: dict[str, Any] = {}
        for org, district, municipality in (
            ("P", self.home, self.roskilde),
            ("F", self.away, self.esbjerg),
        ):
            (forum,) = fora_defaults_create(
                district=district,
                municipality=municipality,
                kinds=[ForumKind.PSP],
                is_synthetic=True,
            )
            members = ("P", "R") if org == "P" else ("F",)
            rows = [
                forum_member_add(
                    actor=None,
                    forum=forum,
                    organisation=self.orgs[member],
                    role=MemberRole.CHAIR if member == org else MemberRole.MEMBER,
                    external_name=f"Medlem {member}",
                )
                for member in members
            ]
            actor = self.actors[org]
            meeting = meeting_create(
                actor=actor,
                forum=forum,
                starts_at=self.now + timedelta(days=7),
                place="Rådhuset",
                is_synthetic=True,
            )
            person = (
                self.world.records["person"].own.get(org) or self.world.records["person"].foreign
            )
            concern = concern_raise(
                actor=actor,
                forum=forum,
                person=person,
                reason="Gentagne henvendelser om uro i opgangen.",
                risk_factors=[RiskFactor.SCHOOL_ABSENCE],
                risk_text="Ung med højt skolefravær.",
                is_synthetic=True,
            )
            item = agenda_item_add(actor=actor, meeting=meeting, topic="Status på indsatsen")
            action = action_create(
                actor=actor,
                forum=forum,
                title="Ring til skolen",
                due_date=self.now.date() + timedelta(days=14),
                owner_organisation=self.orgs[org],
                meeting=meeting,
                is_synthetic=True,
            )
            made[org] = {
                "forum": forum,
                "meeting": meeting,
                "concern": concern,
                "agenda_item": item,
                "action": action,
                "member": rows[0],
            }
        for kind in ("forum", "meeting", "concern", "agenda_item", "action", "member"):
            # The home district's forum has P and R as members; M sits in none.
            self.world.records[kind] = Records(
                own={"P": made["P"][kind], "R": made["P"][kind]}, foreign=made["F"][kind]
            )

    # --- cooperation plans ---------------------------------------------------------------------

    def plans(self) -> None:
        from samspil.plans import services

        made: dict[str, dict[str, Any]] = {}
        for org, district, municipality in (
            ("P", self.home, self.roskilde),
            ("F", self.away, self.esbjerg),
        ):
            plan = services.plan_create(
                actor=None,
                year=2026,
                district=district,
                municipality=municipality,
                title=f"Matrixplan {org}",
                is_synthetic=True,
            )
            area = services.focus_area_add(
                actor=None, plan=plan, title="Tryghed", description="Færre indbrud."
            )
            activity = services.activity_add(
                actor=None, focus_area=area, activity="Nabohjælp", responsible_text="Lokalrådet"
            )
            indicator = services.indicator_add(
                actor=None, focus_area=area, title="Færre anmeldte indbrud"
            )
            made[org] = {
                "plan": plan,
                "focus_area": area,
                "activity": activity,
                "indicator": indicator,
            }
        for kind in ("plan", "focus_area", "activity", "indicator"):
            # Plans are the district's: every organisation of the district reads them.
            self.world.records[kind] = Records(
                own=dict.fromkeys(("P", "R", "M"), made["P"][kind]), foreign=made["F"][kind]
            )

    # --- person merges -------------------------------------------------------------------------

    def merges(self) -> None:
        from samspil.persons.services import person_merge

        merges = Records()
        pairs = Records()
        for org in ("P", "F"):
            survivor = self.person(org, "kept")
            merged = self.person(org, "twin", with_cpr=False)
            pair = (self.person(org, "pair"), self.person(org, "pairtwin", with_cpr=False))
            merge = person_merge(actor=self.actors[org], survivor=survivor, merged=merged)
            if org == "P":
                merges.own = dict.fromkeys(("P", "R", "M"), merge)
                pairs.own = dict.fromkeys(("P", "R", "M"), pair)
            else:
                merges.foreign, pairs.foreign = merge, pair
        self.world.records["merge"] = merges
        self.world.records["merge_pair"] = pairs

    # --- records that belong to no organisation ------------------------------------------------

    def fixed(self) -> None:
        from samspil.incidents.models import IncidentCategory
        from samspil.risk.models import RuleSetVersion

        everyone = ("P", "R", "M")
        category = IncidentCategory.objects.get(code="vandalism")
        rules = RuleSetVersion.objects.order_by("pk").first()
        self.world.records["category"] = Records(own=dict.fromkeys(everyone, category))
        self.world.records["rule_set"] = Records(own=dict.fromkeys(everyone, rules))
        self.world.records["district"] = Records(
            own=dict.fromkeys(everyone, self.home), foreign=self.away
        )
