"""Fora, meetings and the step-wise sharing of a person: the closed lists and the defaults.

The defaults of each forum kind are those of the 2014 cooperation plan's appendix 1 (the
Vejen plan, seeds/samarbejdsplan-vejen-2014.txt) as summarised in domain.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samspil.access.constants import LegalBasis


class ForumKind(models.TextChoices):
    KREDSRAAD = "kredsraad", _("District council (Kredsråd)")
    LOKALRAAD = "lokalraad", _("Local council (Lokalråd)")
    LOKALRAAD_PLUS = "lokalraad_plus", _("Local council plus (Lokalråd+)")
    SSP = "ssp", _("SSP")
    SSP_PLUS = "ssp_plus", _("SSP+ (18–25)")
    PSP = "psp", _("PSP practice group")
    PSP_STEERING = "psp_steering", _("PSP steering group")
    KSP = "ksp", _("KSP")
    UNGESAMRAAD = "ungesamraad", _("Youth council (Ungesamråd)")
    SAMRAAD_OVERGREB = "samraad_overgreb", _("Council on child abuse")
    EXITRAAD = "exitraad", _("Exit council")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")


CHAIR_ROLES = frozenset({MemberRole.CHAIR, MemberRole.VICE_CHAIR})


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class AgendaItemKind(models.TextChoices):
    TOPIC = "topic", _("Topic")
    CASE = "case", pgettext_lazy("agenda item", "Case")
    CONCERN = "concern", _("Concern (shared step by step)")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ConcernStatus(models.TextChoices):
    RAISED = "raised", _("Raised, awaiting the forum")
    NOT_MET = "not_met", _("Threshold not met")
    MET = "met", _("Threshold met")
    DISCLOSED = "disclosed", _("Identity disclosed to the agencies needed")


class RecipientRole(models.TextChoices):
    LEAD = "lead", _("Lead agency")
    ASSISTING = "assisting", _("Assisting agency")


class RiskFactor(models.TextChoices):
    SCHOOL_ABSENCE = "school_absence", _("Absence from school or education")
    SUBSTANCE_MISUSE = "substance_misuse", _("Substance misuse")
    VIOLENCE = "violence", _("Violence or threats")
    CRIMINAL_PEERS = "criminal_peers", _("Criminal peers or gang affiliation")
    WEAPONS = "weapons", _("Weapons or knives")
    MENTAL_HEALTH = "mental_health", _("Mental illness or mental health concerns")
    MEDICATION = "medication", _("Stopped taking prescribed medication")
    SELF_HARM = "self_harm", _("Self-harm or suicide threats")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Violence in the home")
    HOUSING = "housing", _("Homelessness or risk of eviction")
    MISSING = "missing", _("Missing from home")
    RELEASE = "release", _("Recent or coming release from prison")
    ISOLATION = "isolation", _("Social isolation")


class AgeBand(models.TextChoices):
    """Wide enough that age and municipality together do not single a person out."""

    UNDER_10 = "0-9", _("under 10 years")
    B10_12 = "10-12", _("10–12 years")
    B13_15 = "13-15", _("13–15 years")
    B16_17 = "16-17", _("16–17 years")
    B18_24 = "18-24", _("18–24 years")
    B25_39 = "25-39", _("25–39 years")
    B40_64 = "40-64", _("40–64 years")
    B65 = "65+", _("65 years or older")
    UNKNOWN = "unknown", _("age unknown")


# (upper age exclusive, band) in order.
AGE_BAND_LIMITS: tuple[tuple[int, str], ...] = (
    (10, AgeBand.UNDER_10),
    (13, AgeBand.B10_12),
    (16, AgeBand.B13_15),
    (18, AgeBand.B16_17),
    (25, AgeBand.B18_24),
    (40, AgeBand.B25_39),
    (65, AgeBand.B40_64),
)


class ComplianceColour(models.TextChoices):
    GREEN = "green", _("On target")
    AMBER = "amber", _("On track if the planned meetings are held")
    RED = "red", _("Below the required number")


@dataclass(frozen=True)
class ForumDefaults:
    kind: str
    name: str  # Danish, as the users' documents name the forum; "{m}" = municipality, "{s}" sector
    legal_basis: str
    purpose: str
    plans: str
    interfaces: str
    participants: str
    meetings_min: int
    meetings_max: int | None
    disclosure_expiry_days: int
    disclosure_basis: str = ""  # the § 115 ground a disclosure in this forum normally rests on
    per_municipality: bool = False
    per_sector: bool = False


# Appendix 1 of the 2014 plan, as domain.md tabulates it. Names and texts are the users' own
# Danish words: they are data (the forum's name), not interface text.
FORUM_DEFAULTS: tuple[ForumDefaults, ...] = (
    ForumDefaults(
        ForumKind.KREDSRAAD, "Kredsråd", "Retsplejelovens §§ 111–112",
        "Sikre sammenhæng i politiets og kommunernes opgavevaretagelse, navnlig i forbindelse "
        "med den lokale kriminalitetsforebyggende indsats; fastlægger årlige indsatsområder.",
        "Der udarbejdes en årlig samarbejdsplan", "Ingen",
        "Politidirektøren og borgmestrene i de kommuner, der indgår i politikredsen",
        4, None, 0,
    ),
    ForumDefaults(
        ForumKind.LOKALRAAD, "Lokalråd {s}",
        "Cirkulæreskrivelse af 20. december 2007 om etablering af lokale samarbejdsfora",
        "Sikre en lokalt funderet udmøntning af nationale strategier eller de af kredsrådet "
        "udpegede indsatsområder.",
        "Der udarbejdes årlige samordnede handleplaner", "Kommunens SSP-medarbejdere",
        "Ledere fra den relevante lokalstation samt repræsentanter fra kommunen",
        4, None, 0, per_sector=True,
    ),
    ForumDefaults(
        ForumKind.LOKALRAAD_PLUS, "Lokalråd+ {m}",
        "Cirkulæreskrivelse af 20. december 2007 om etablering af lokale samarbejdsfora",
        "Vurderer løbende kriminalitetsudviklingen og fremkommer med anbefalinger til løsning "
        "af aktuelle problemstillinger i lokalområdet.",
        "Ingen", "Lokalråd",
        "Lokalpolitiet, repræsentanter fra kommune og skoleregi, fritids- og idrætsforeninger, "
        "boligforeninger mv.",
        4, None, 0, per_municipality=True,
    ),
    ForumDefaults(
        ForumKind.SSP, "SSP {m}", "Retsplejelovens §§ 114 og 115, stk. 1, nr. 1",
        "Kriminalitetsforebyggende arbejde for børn og unge.", "Ingen", "Lokalråd",
        "Lokalpolitiet samt repræsentanter fra SSP-regi",
        4, None, 365, LegalBasis.RPL_115_1_1, per_municipality=True,
    ),
    ForumDefaults(
        ForumKind.SSP_PLUS, "SSP+ {m}", "Retsplejelovens §§ 114 og 115, stk. 1, nr. 1",
        "Kriminalitetsforebyggende arbejde for unge 18–25 år.", "Ingen", "Lokalråd",
        "Lokalpolitiet, kommunen og kriminalforsorgen",
        4, None, 365, LegalBasis.RPL_115_1_1, per_municipality=True,
    ),
    ForumDefaults(
        ForumKind.PSP, "PSP-praksisgruppe {m}",
        "Retsplejelovens § 115, stk. 1, nr. 2, og Justitsministeriets rundskrivelse af "
        "10. juli 2009 om PSP-samarbejde",
        "Koordination af indsatsen over for socialt udsatte og psykisk syge personer.",
        "Ingen", "Øvrige fora på psykiatriområdet",
        "Lokalpolitiet, kommunens PSP-koordinator, psykiatrien og kriminalforsorgen",
        8, 10, 365, LegalBasis.RPL_115_1_2, per_municipality=True,
    ),
    ForumDefaults(
        ForumKind.PSP_STEERING, "PSP-styregruppe",
        "Retsplejelovens § 115, stk. 1, nr. 2, og Justitsministeriets rundskrivelse af "
        "10. juli 2009 om PSP-samarbejde",
        "Styring af PSP-samarbejdet i politikredsen.", "Ingen", "PSP-praksisgrupperne",
        "Politiets kriminalpræventive sekretariat, kommunerne, psykiatrien og kriminalforsorgen",
        2, 2, 0,
    ),
    ForumDefaults(
        ForumKind.KSP, "KSP", "Retsplejelovens §§ 114 og 115, stk. 1, nr. 3",
        "Styrke \u201dden gode løsladelse\u201d fra fængsel eller ungdomsinstitution.",
        "\u201dGod løsladelse\u201d", "Kreds- og lokalråd",
        "Kriminalforsorgen, sociale myndigheder og politi",
        1, 2, 180, LegalBasis.RPL_115_1_3,
    ),
    ForumDefaults(
        ForumKind.UNGESAMRAAD, "Ungesamråd",
        "Retsplejelovens § 114 samt regeringens indsats mod ungdomskriminalitet 2009",
        "Sikre en hurtig og effektiv anbefaling af sanktioner og indsatser i sager mod unge "
        "under 18 år.",
        "Aftalesæt", "Kreds- og lokalråd", "Kommune, kriminalforsorgen, anklagemyndigheden og politi",
        0, 26, 180, LegalBasis.RPL_115_1_1,
    ),
    ForumDefaults(
        ForumKind.SAMRAAD_OVERGREB, "Samråd vedr. overgreb mod børn",
        "Cirkulæreskrivelse af 20. december 2007 om etablering af lokale samarbejdsfora",
        "Fremme forståelsen for de forskellige myndigheders handlemuligheder.",
        "Ingen", "Kreds- og lokalråd", "Kriminalforsorgen, sociale myndigheder og politi",
        2, None, 180, LegalBasis.BARNETS_LOV_133,
    ),
    ForumDefaults(
        ForumKind.EXITRAAD, "Exitråd", "Justitsministeriets exitprogram",
        "At sikre hjælp til personer, der ønsker at forlade bandemiljøet.",
        "Samarbejdsaftaler mellem kommunerne, kriminalforsorgen og politiet", "Ingen",
        "Kriminalforsorgen, sociale myndigheder og politi",
        4, None, 180, LegalBasis.CONSENT,
    ),
)
DEFAULTS_BY_KIND = {defaults.kind: defaults for defaults in FORUM_DEFAULTS}

# The monitoring window of the PSP practice groups (domain.md: PSP-K monitoring).
PSP_MONITORING_MONTHS = 12
