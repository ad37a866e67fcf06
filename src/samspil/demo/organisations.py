"""Demo step: the organisations and users of Midt- og Vestsjælland (all fictitious people).

Organisation names are those of the real agencies, since the cooperation is between them; every
user is invented and marked synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.accounts.services import user_create, user_set_roles
from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import District, Municipality, Organisation

DEMO_DISTRICT = "midt-vestsjaelland"
DEMO_PASSWORD = "Samspil-demo-2026"  # noqa: S105 - printed for the demo; demo users are synthetic

POLICE = "mvsj-politi"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    municipality_code: str | None = None
    district: str = DEMO_DISTRICT


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    roles: tuple[str, ...]


FIXED_ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(POLICE, "Midt- og Vestsjællands Politi", OrganisationKind.POLICE),
    DemoOrganisation(
        "psykiatrien-sjaelland", "Psykiatrien Region Sjælland", OrganisationKind.PSYCHIATRY
    ),
    DemoOrganisation(
        "kriminalforsorgen-sjaelland",
        "Kriminalforsorgen Sjælland",
        OrganisationKind.PRISON_PROBATION,
    ),
    DemoOrganisation(
        "anklagemyndigheden-mvsj",
        "Anklagemyndigheden, Midt- og Vestsjælland",
        OrganisationKind.PROSECUTION,
    ),
    DemoOrganisation(
        "konfliktraad-mvsj",
        "Konfliktrådet i Midt- og Vestsjællands Politi",
        OrganisationKind.MEDIATION,
    ),
    DemoOrganisation(
        "offerraadgivningen-mvsj",
        "Offerrådgivningen Midt- og Vestsjælland",
        OrganisationKind.VICTIM_SUPPORT,
    ),
    DemoOrganisation(
        "boligselskab-demo", "Boligselskabet Fjordbo (fiktivt)", OrganisationKind.HOUSING, "316"
    ),
    DemoOrganisation(
        "sognefoged-oroe", "Sognefogeden på Orø", OrganisationKind.ISLAND_CONSTABLE, "316"
    ),
    # The neighbouring district, for the Vejen plan and for testing refusals across districts.
    DemoOrganisation(
        "ssj-politi",
        "Syd- og Sønderjyllands Politi",
        OrganisationKind.POLICE,
        district="syd-soenderjylland",
    ),
    DemoOrganisation(
        "kommune-575",
        "Vejen Kommune",
        OrganisationKind.MUNICIPALITY,
        "575",
        district="syd-soenderjylland",
    ),
)

DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("betjent", "Mads", "Kragh", POLICE, (Role.PREVENTION_OFFICER,)),
    DemoUser("socialsoeg", "Lene", "Dam", POLICE, (Role.SOCIALSOEG_REVIEWER,)),
    DemoUser("ssp.roskilde", "Jonas", "Bech", "kommune-265", (Role.SSP_COORDINATOR,)),
    DemoUser("psp.holbaek", "Trine", "Lund", "kommune-316", (Role.PSP_COORDINATOR,)),
    DemoUser("sagsbehandler.roskilde", "Pernille", "Holm", "kommune-265", (Role.CASEWORKER,)),
    DemoUser("maegler", "Birgitte", "Skov", "konfliktraad-mvsj", (Role.MEDIATOR,)),
    DemoUser("analytiker", "Anders", "Winther", POLICE, (Role.ANALYST,)),
    DemoUser("dpo", "Helle", "Friis", POLICE, (Role.DPO,)),
    DemoUser("admin", "Søren", "Mortensen", POLICE, (Role.ADMINISTRATOR,)),
    DemoUser("sognefoged.oroe", "Niels", "Overgaard", "sognefoged-oroe", (Role.ISLAND_CONSTABLE,)),
    # Not printed as a login: a caseworker in another municipality, and one in another district.
    DemoUser("sagsbehandler.koege", "Camilla", "Vinther", "kommune-259", (Role.CASEWORKER,)),
    DemoUser("sagsbehandler.vejen", "Rasmus", "Toft", "kommune-575", (Role.CASEWORKER,)),
    DemoUser("koordinator.konfliktraad", "Vibeke", "Kjær", "konfliktraad-mvsj",
             (Role.CASEWORKER,)),
    # A caseworker in each of the other municipalities, who acknowledges social reports.
    DemoUser("sagsbehandler.greve", "Louise", "Brandt", "kommune-253", (Role.CASEWORKER,)),
    DemoUser("sagsbehandler.holbaek", "Kasper", "Juhl", "kommune-316", (Role.CASEWORKER,)),
    DemoUser("sagsbehandler.kalundborg", "Signe", "Bak", "kommune-326", (Role.CASEWORKER,)),
    DemoUser("sagsbehandler.lejre", "Morten", "Ravn", "kommune-350", (Role.CASEWORKER,)),
    DemoUser("sagsbehandler.odsherred", "Tina", "Krog", "kommune-306", (Role.CASEWORKER,)),
    DemoUser("sagsbehandler.ringsted", "Jesper", "Lind", "kommune-329", (Role.CASEWORKER,)),
    DemoUser("sagsbehandler.solroed", "Maria", "Dahl", "kommune-269", (Role.CASEWORKER,)),
    DemoUser("sagsbehandler.stevns", "Henrik", "Vest", "kommune-336", (Role.CASEWORKER,)),
)
PRINTED_LOGINS = tuple(user.username for user in DEMO_USERS[:10])


@transaction.atomic
def demo_organisations_build() -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    district = District.objects.get(slug=DEMO_DISTRICT)
    for municipality in Municipality.objects.filter(district=district):
        organisations[f"kommune-{municipality.code}"] = _organisation(
            DemoOrganisation(
                f"kommune-{municipality.code}",
                f"{municipality.name} Kommune",
                OrganisationKind.MUNICIPALITY,
                municipality.code,
            )
        )
    for item in FIXED_ORGANISATIONS:
        organisations[item.slug] = _organisation(item)
    return organisations


def _organisation(item: DemoOrganisation) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        slug=item.slug,
        defaults={
            "name": item.name,
            "kind": item.kind,
            "district": District.objects.get(slug=item.district),
            "municipality": (
                Municipality.objects.get(code=item.municipality_code)
                if item.municipality_code
                else None
            ),
            "is_synthetic": True,
        },
    )
    return organisation


@transaction.atomic
def demo_users_build(organisations: dict[str, Organisation]) -> list[User]:
    users = []
    for item in DEMO_USERS:
        user = User.objects.filter(username=item.username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=item.username,
                password=DEMO_PASSWORD,
                organisation=organisations[item.organisation],
                roles=item.roles,
                first_name=item.first_name,
                last_name=item.last_name,
                email=f"{item.username}@demo.samspil.invalid",
                is_synthetic=True,
            )
        else:
            user_set_roles(actor=None, user=user, roles=item.roles)
        users.append(user)
    return users
