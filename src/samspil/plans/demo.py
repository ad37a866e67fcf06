"""Demo step: two cooperation plans, built through the plans and meetings services.

(a) The 2014 cooperation plan between Vejen Kommune and Syd- og Sønderjyllands Politi
    (seeds/samarbejdsplan-vejen-2014.txt): the Kredsråd's five focus areas and the Lokalråd's
    local ones, the activities table (activity, action, responsible forum) and the indicators of
    section 2, with the fora of appendix 1 created for Vejen. The plan's texts are the plan's
    own; the members' names and contact details of appendix 2 are deliberately left out.
(b) A 2025 plan for Midt- og Vestsjælland with the three shared focus areas of the 2025 annual
    report, each with activities and measured indicators over the demo district's data.

Both plans are marked synthetic (they are examples, not the districts' records). Safe to run
again: a plan that exists for its year and place is left as it is.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction

from samspil.audit.constants import Action as AuditAction
from samspil.audit.services import audit_record
from samspil.meetings.constants import ForumKind
from samspil.meetings.models import Forum
from samspil.meetings.services import fora_defaults_create
from samspil.organisations.models import District, Municipality
from samspil.plans import services
from samspil.plans.constants import IndicatorMode, PlanStatus, TargetDirection
from samspil.plans.models import CooperationPlan

VEJEN_DISTRICT = "syd-soenderjylland"
VEJEN_CODE = "575"
VEJEN_YEAR = 2014
VEJEN_TITLE = "Samarbejdsplan 2014 – Vejen Kommune og Syd- og Sønderjyllands Politi"
MVSJ_DISTRICT = "midt-vestsjaelland"
MVSJ_YEAR = 2025
MVSJ_TITLE = "Fælles samarbejdsplan – Midt- og Vestsjællands Politi og kommunerne"

# Who is responsible, as the 2014 table words it → the standing forum it names first.
LR, LR_PLUS, BOTH = "Lokalråd", "Lokalråd+", "Lokalråd og Lokalråd+"

KREDSRAAD = "kredsraad"
LOKALRAAD = "lokalraad"

# (title, designated by, description, [(activity, action, responsible)], [indicator])
# An indicator is a text, or a dict of indicator_add's keyword arguments.
Area = tuple[str, str, str, list[tuple[str, str, str]], list[Any]]

VEJEN_AREAS: list[Area] = [
    ("Overgreb mod børn", KREDSRAAD,
     "Indsatsen vedrørende overgreb mod børn skal sikre, at politi, kommuner og andre "
     "samarbejdspartnere til enhver tid har fokus på at forebygge samt reagere hurtigt og "
     "effektivt ved overgreb mod børn, såvel voldelige som seksuelle overgreb. Der lægges op "
     "til implementering af elektronisk anmeldelse i sager vedrørende overgreb mod børn.",
     [("Udvikling og styrkelse af myndighedssamarbejdet, herunder i samrådene",
       "Sikre et godt og solidt kendskab til handlemuligheder og retningslinjer samt sætte "
       "fokus på fælles læring af sagerne.", LR),
      ("Børnehus Odense og satellit i Esbjerg",
       "Få det nye børnehus og satellitten i Esbjerg integreret med de eksisterende "
       "samarbejdsfora", "Koordinationsgruppe nedsat")],
     ["Integration af børnehus/satellit i de nuværende samarbejdsfora, vidensdeling mellem "
      "politi og kommuner samt kommunerne imellem. Indførsel af elektronisk "
      "anmeldelsesblanket."]),
    ("Tidlig kriminalpræventiv indsats i forhold til børn og unge", KREDSRAAD,
     "Indsatsen skal sikre, at politi, kommuner og andre samarbejdspartnere arbejder "
     "helhedsorienteret, tværsektorielt og målrettet – ved en tidlig indsats – forebygger "
     "kriminalitet og utryghedsskabende adfærd blandt børn og unge.",
     [("Tidlig indsats", "Tidlig opsporing og indsats i forhold til begyndende mistrivsel og "
       "risikoadfærd.", BOTH),
      ("Forældreinvolvering", "Inddrager forældre og sætte deres ressourcer i spil i støtten "
       "til det enkelte barn/unge.", BOTH),
      ("Vidensdeling", "Vidensdeling på tværs af kommuner og lokalråd omkring erfaringer med "
       "indsatser.", BOTH)],
     ["Færre domsanbragte børn, gennemførte arrangementer, hvor fokus har været "
      "forældreinvolvering, involvering af mentorer, frivillige hjælpere mv."]),
    ("Sikker Trafik", KREDSRAAD,
     "Formålet med Sikker Trafik er at gøre børn, unge og voksne til ansvarlige og "
     "risikobevidste trafikanter – som på sigt kan bidrage til, at antallet af trafikdræbte og "
     "tilskadekomne fortsat viser en faldende tendens. Indsatsen er udvidet til at omfatte "
     "uddannelsesinstitutioner.",
     [("Trafikpolitikker", "Fortsat udarbejdelse og implementering af trafikpolitikker på "
       "samtlige uddannelses- og daginstitutioner, bl.a. ved at kommunikere eksternt om "
       "projektet.", BOTH)],
     ["Alle skoler, dagsinstitutioner og uddannelsesinstitutioner har udarbejdet trafikpolitik "
      "og lokalråd har kommunikeret om tiltaget."]),
    ("Indsats mod indbrud og hæleri", KREDSRAAD,
     "Indsats mod indbrud og hæleri har bl.a. til formål at understøtte den fælles indsats i "
     "forhold til indbrudskriminalitet, så borgeren fortsat kan føle sig tryg i eget hjem. "
     "Indsatsen styrkes omkring højtider.",
     [("Projekt \u201dekstra øjne\u201d", "Indførelse af projektet, som skal forebygge indbrud "
       "og bidrage til opklaring af sager i alle kommuner.", BOTH),
      ("Holdninger til hæleri", "Kampagner som sætter fokus på flertalsmisforståelser – troen "
       "på at alle andre gør det.", BOTH),
      ("Nabohjælp", "Fortsat fokus på projektet", LR)],
     [{"title": "Fald i antallet af anmeldelser om indbrud", "mode": IndicatorMode.MEASURED,
       "kind": "incident_count", "parameters": {"categories": ["burglary"]},
       "direction": TargetDirection.DECREASE},
      "Projekt \u201dekstra øjne\u201d implementeret i alle kommuner, lokalråd har "
      "kommunikeret om hæleri, politiets og kommunernes hjemmesider har fokus på nabohjælp."]),
    ("Børn og unges adfærd på sociale medier", KREDSRAAD,
     "Vejen Kommune og politi vil sikre en dialog med de unge om \u201dKlog adfærd på "
     "nettet\u201d. Der vil blive skelet til et pilotprojekt i Sønderborg og Haderslev "
     "kommuner/politi.",
     [],
     ["Fokus på børn og unges kommunikation og udveksling af ydelser via sociale medier. "
      "Udvikling af \u201dKlog adfærd\u201d."]),
    # The Lokalråd's own focus areas ("Lokale indsatsområder").
    ("Bandeindsatsen", LOKALRAAD,
     "Bandeindsatsen fungerer i samarbejde mellem Politiet, kriminalforsorgen og Vejen "
     "Kommune.",
     [("Det individorienterede kriminalpræventive samarbejde (IKI-samarbejdet) mellem Kommune "
       "og lokalpolitiet søges optimeret gennem øget opmærksomhed fra alle interessenter.",
       "Der kan iværksættes tiltag, der muliggør at få kontakt til unge, der viser interesse "
       "for bandemiljøet, på et stadigt tidligere tidspunkt, og gennem bekymringssamtaler søger "
       "at hindre disse i at indtræde i bandemiljøet.", BOTH)],
     []),
    ("Bande exit-programmer", LOKALRAAD, "",
     [("Er for personer som ønsker at forlade banderne. Exit-programmet vedrører registrerede "
       "bandemedlemmer.",
       "Der er aftalt strategier og hurtige og effektive sagsgange for både de registrerede og "
       "personer som på anden vis er tilknyttet eller ved at blive tilknyttet banderne. De "
       "aftalte exit-programmer skal sikre en effektiv støtte til bandemedlemmer, som ønsker at "
       "forlade bandemiljøet.", "Exitenhed under lokalrådet")],
     []),
    ("PSP og KSP samarbejde", LOKALRAAD,
     "PSP-samarbejdet har til formål at skabe et forum, hvor deltagerne kan koordinere "
     "indsatsen over for særligt udsatte og psykisk syge borgere. KSP-samarbejdet skal styrke "
     "\u201dden gode løsladelse\u201d.",
     [("PSP-samarbejdet: en koordineret indsats over for særligt udsatte og psykisk syge "
       "borgere. Samarbejdet skal sikre, at disse borgere får bedst mulig hjælp.",
       "Lokalpolitiet, Kommune, Kriminalforsorg og Region Syddanmark mødes hver 14. dag og "
       "aftaler, hvem gør hvad.", LR)],
     []),
    ("Projekt vedr. ungegruppe kaldet AKP", LOKALRAAD,
     "Et målrettet projekt rettet mod en gruppe unge, der var stærkt på vej ud i "
     "bandekriminalitet; kommunen har ansat 2 mentorer.",
     [("Projekt AKP", "Hurtig professionel hjælp til unge, der er ved at komme ud i "
       "bandekriminalitet: 2 mentorer ansat, ungekontakten følger de unge tæt, "
       "forældrerådslagning m.v.", LR)],
     []),
    ("Forebyggelse på narkomisbrugsområdet", LOKALRAAD,
     "En proces, der involverer Børn & Unge, Ungekontakten, skolerne herunder sundhedsplejen "
     "og politiet; både personrelateret og mod grupper af unge.",
     [("Narkomisbrugsområdet: spotning af unge misbrugere, miljøer og hurtig indsats over for "
       "disse",
       "Der er etableret en tidlig indsats mod misbrug (MI) under Ungekontakten. Der "
       "samarbejdes fortsat med politiet, der gør proaktiv indsats mod kendte narkoadresser.",
       BOTH)],
     [{"title": "Anmeldelser om salg af euforiserende stoffer", "mode": IndicatorMode.MEASURED,
       "kind": "incident_count", "parameters": {"categories": ["drug_dealing"]},
       "direction": TargetDirection.DECREASE}]),
    ("Individorienterede kriminalpræventive projekt", LOKALRAAD,
     "Det Individorienterede Kriminalpræventive Projekt (IKI) videreføres for at sætte fokus på "
     "børn og unge med en bekymrende adfærd og gribe ind med bekymringssamtaler.",
     [("Det Individorienterede Kriminalpræventive Projekt (IKI): fokus på børn og unge med en "
       "bekymrende adfærd",
       "Gadeplansteamet, klubmedarbejdere, SSP-netværkspersoner, politiet og "
       "projektmedarbejdere koordinerer hurtig og målrettet indsats.", LR_PLUS)],
     []),
    ("Ungesamråd", LOKALRAAD,
     "Samrådet afgiver indstilling til retten og anklagemyndigheden om sanktionsvalget i "
     "straffesager mod unge under 18 år; mødes hver 14. dag eller efter behov.",
     [("Ungesamråd: det kriminalretlige system og det sociale system anbefaler, hvilke "
       "sanktioner og hvilken indsats der er behov for.",
       "Anklagemyndigheden, Lokalpolitiet, Kriminalforsorgen og Kommunen mødes hver 14. dag og "
       "laver indstillinger.", LR)],
     []),
    ("Kundskabsbaseret tilgang til det forebyggende arbejde", LOKALRAAD,
     "Lokalrådene vælger ud fra en kundskabsbaseret tilgang de projekter eller initiativer, der "
     "skal iværksættes eller fortsætte i 2014 og fremover.", [], []),
    ("Konfliktråd, Offerrådgivning", LOKALRAAD,
     "Konfliktråd og Offerrådgivningen skal fortsat have høj prioritet i den daglige "
     "sagsbehandling.",
     [("Konfliktråd: med i overvejelserne i den daglige sagsbehandling fra sagens start",
       "Henvises til kredsens koordinator.", BOTH)],
     []),
    ("Kriminalpræventiv byplanlægning", LOKALRAAD, "",
     [("Sammentænke og indarbejde viden om forebyggelse af kriminalitet og forbedring af "
       "tryghed med byomdannelse og byudvikling i den kommunale planlægning",
       "Opnå kvalificeret viden og erfaring med hensyn til, hvordan kriminalprævention og "
       "tryghedsfremmende tænkning indarbejdes i kommune- og lokalplanlægningen.", BOTH)],
     []),
    ("Tryghed og mindre kriminalitet via byplanlægning", LOKALRAAD,
     "Projektet har til formål at få tryghedsskabende virkemidler med ind i den overordnede "
     "planlægning.",
     [("Tryghedsskabende virkemidler i den overordnede planlægning",
       "Det er hensigten via planlægning at nedbringe indbrud og kriminalitet og fremme tryghed, "
       "samt at sikre at den tryghedsskabende tankegang videreføres fra planlægning til "
       "udførsel og drift.", LR)],
     []),
    ("Vold og jalousi og æresrelaterede forbrydelser", LOKALRAAD,
     "Vold i det private og offentlige rum; særlig fokus på vold i det offentlige rum og en "
     "målrettet indsats i nattelivet.",
     [("Vold i det private og offentlige rum: målrettet indsats i nattelivet",
       "Synligt politi i nattelivet kombineret med tværgående samarbejde med øvrige aktører – "
       "Projekt I Byen Helt Sikkert videreføres.", LR)],
     [{"title": "Anmeldelser om vold", "mode": IndicatorMode.MEASURED,
       "kind": "incident_count", "parameters": {"categories": ["violence"]},
       "direction": TargetDirection.DECREASE}]),
    ("I byen helt sikkert og de unges festmiljø", LOKALRAAD,
     "En markant indsats i restaurationsmiljøet for at skabe et tryggere natteliv for unge ved "
     "at nedbringe voldsepisoder og episoder med ulovlige stoffer i nattelivet.", [], []),
    ("Indbrud i private hjem – udvidelse af nabohjælp. Øget indsats omkring højtider",
     LOKALRAAD,
     "I Vejen Kommune aktiveres kommunens udfarende medarbejdere samt eksterne interessenter i "
     "projektet \u201dekstra øjne\u201d.", [], []),
    ("Vejteknisk- og færdselssamarbejde", LOKALRAAD, "", [], []),
    ("Forebyggelse omkring trafik og færdsel – særligt ved institutioner og skoler",
     LOKALRAAD, "", [], []),
]

VEJEN_INTRODUCTION = (
    "Samarbejdsplanen er den operative ramme for det lokale samarbejde mellem Vejen Kommune, "
    "Lokalpolitiet i Vejen og andre offentlige aktører. Kredsrådet har udpeget fem "
    "indsatsområder for 2014; Lokalrådet har udpeget de lokale indsatsområder. De lokale "
    "initiativer evalueres af Lokalrådet ved sidste lokalrådsmøde."
)

MVSJ_AREAS: list[Area] = [
    ("Forebyggelse af misbrug af afhængighedsskabende stoffer", KREDSRAAD,
     "Opioider er blevet et alvorligt og bekymrende bekendtskab for flere unge og deres "
     "familier. Samarbejdet skal begrænse de unges brug af opioider; det præventive har det "
     "primære fokus.",
     [("Opioider i SSP-samarbejdet", "SSP-samarbejdet flytter fokus fra alkohol og "
       "nikotinprodukter til opioider og andre afhængighedsskabende stoffer: undervisning, "
       "forældremøder og tidlig opsporing.", "SSP i kommunerne"),
      ("Købere og sælgere", "Politiet strafforfølger både købere og sælgere af "
       "afhængighedsskabende stoffer.", "Lokalrådene")],
     [{"title": "Færre anmeldelser om salg og besiddelse af euforiserende stoffer",
       "mode": IndicatorMode.MEASURED, "kind": "incident_count",
       "parameters": {"categories": ["drug_dealing", "drug_possession"]},
       "direction": TargetDirection.DECREASE}]),
    ("Unges risikoadfærd i det offentlige og digitale rum", KREDSRAAD,
     "Unge oplever ikke en klar adskillelse mellem den fysiske og den digitale verden; "
     "risikoadfærd kan være vold, omgang med kriminelle miljøer, tidlig brug af rusmidler, "
     "deling af krænkende materiale eller færden i ekstreme miljøer.",
     [("Digital dannelse", "Undervisningsmateriale fra Center for Digital Pædagogik indgår i "
       "skolernes undervisning og i politikredsens uddannelse.", "SSP i kommunerne"),
      ("Tilstedeværelse og relationsarbejde", "Politiet kommer tættere på de unge gennem "
       "fysisk tilstedeværelse, relationsarbejde og samarbejde med skoler og kommuner.",
       "Lokalrådene"),
      ("Hurtigere UKN-sager", "Sagsbehandlingstiden for UKN-sager nedbringes, så den unge "
       "hurtigt får den rette støtte.", KREDSRAAD)],
     [{"title": "Andel af UKN-screeninger afsluttet inden for 30 dage",
       "mode": IndicatorMode.MEASURED, "kind": "case_share_within_deadline",
       "parameters": {"case_type": "ukn_screening", "days": 30},
       "direction": TargetDirection.INCREASE, "target_value": 0.9},
      "Undervisningsmateriale om digital dannelse anvendes på skolerne i alle ti kommuner."]),
    ("Vold i nære relationer", KREDSRAAD,
     "Vold i nære relationer er et alvorligt samfundsproblem; indsatsen skal forebygge, opdage "
     "og standse vold gennem tværfagligt samarbejde, også psykisk vold.",
     [("Tryghedsopfølgning", "Systematisk og målrettet opfølgning over for borgere udsat for "
       "vold i nære relationer, med henvisning til Offerrådgivningen.", "Lokalpolitiet"),
      ("Temadag om psykisk vold", "Det Specialiserede Team, anklagemyndigheden og "
       "lokalpolitiet udveksler erfaringer med de sociale myndigheder.", KREDSRAAD),
      ("Socialsøg", "Ugentlig screening for familier med børn, hvor en omsorgsperson "
       "gentagne gange er involveret i risikoadfærd; socialrapport til kommunen.",
       "Lokalpolitiet og kommunerne")],
     [{"title": "Anmeldelser om vold i nære relationer", "mode": IndicatorMode.MEASURED,
       "kind": "incident_count", "parameters": {"categories": ["domestic_violence"]},
       "direction": TargetDirection.DECREASE},
      {"title": "Socialrapporter sendt på grundlag af Socialsøg",
       "mode": IndicatorMode.MEASURED, "kind": "case_count",
       "parameters": {"case_type": "social_report", "origin": "socialsoeg"},
       "direction": TargetDirection.INCREASE}]),
]

MVSJ_INTRODUCTION = (
    "I december 2024 blev der taget de første skridt til en ny fælles samarbejdsplan mellem "
    "politiet og kommunerne i politikredsen. I stedet for hver kommunes egne prioriterede "
    "områder er der udpeget tre fælles indsatsområder. Planen har sat retningen for indsatserne "
    "i løbet af 2025."
)


def _fora(district: District, municipality: Municipality | None) -> dict[str, Forum]:
    """The standing fora the plan names, created through the meetings service when missing."""
    fora = fora_defaults_create(actor=None, district=district, municipality=municipality,
                                kinds=None if municipality is not None else [
                                    ForumKind.KREDSRAAD, ForumKind.LOKALRAAD],
                                is_synthetic=True)
    by_kind: dict[str, Forum] = {}
    for forum in sorted(fora, key=lambda f: (f.sector, f.name)):
        if municipality is not None and forum.municipality_id not in (None, municipality.pk):
            continue
        by_kind.setdefault(forum.kind, forum)
    return by_kind


def _responsible(words: str, fora: dict[str, Forum]) -> dict[str, Any]:
    """The standing forum the plan names first, and the plan's own words when they say more."""
    if words == LR:
        return {"responsible_forum": fora.get(ForumKind.LOKALRAAD)}
    if words == LR_PLUS:
        return {"responsible_forum": fora.get(ForumKind.LOKALRAAD_PLUS)}
    if words == KREDSRAAD:
        return {"responsible_forum": fora.get(ForumKind.KREDSRAAD)}
    if words in (BOTH, "Exitenhed under lokalrådet"):
        return {"responsible_forum": fora.get(ForumKind.LOKALRAAD), "responsible_text": words}
    return {"responsible_text": words}


def _build(*, actor: Any | None, district: District, municipality: Municipality | None,
           year: int, title: str, introduction: str, areas: list[Area]) -> CooperationPlan:
    fora = _fora(district, municipality)
    designating = {KREDSRAAD: fora.get(ForumKind.KREDSRAAD),
                   LOKALRAAD: fora.get(ForumKind.LOKALRAAD)}
    focus_areas = []
    for area_title, by, description, activities, indicators in areas:
        focus_areas.append({
            "title": area_title, "description": description,
            "designated_by": designating[by],
            "activities": [{"activity": activity, "action": action,
                            **_responsible(responsible, fora)}
                           for activity, action, responsible in activities],
            "indicators": [{"title": indicator, "mode": IndicatorMode.TEXT}
                           if isinstance(indicator, str) else indicator
                           for indicator in indicators],
        })
    return services.plan_build(actor=actor, year=year, district=district, title=title,
                               municipality=municipality,
                               designated_by=designating[KREDSRAAD],
                               introduction=introduction, focus_areas=focus_areas,
                               is_synthetic=True)


def demo_plans_build(*, actor: Any | None = None) -> dict[str, int]:
    """Build the Vejen 2014 plan and the Midt- og Vestsjælland 2025 plan, each once."""
    counts = {"plans": 0, "existing": 0, "focus_areas": 0}
    specs = [
        (VEJEN_DISTRICT, VEJEN_CODE, VEJEN_YEAR, VEJEN_TITLE, VEJEN_INTRODUCTION, VEJEN_AREAS),
        (MVSJ_DISTRICT, None, MVSJ_YEAR, MVSJ_TITLE, MVSJ_INTRODUCTION, MVSJ_AREAS),
    ]
    with transaction.atomic():
        for slug, code, year, title, introduction, areas in specs:
            district = District.objects.get(slug=slug)
            municipality = Municipality.objects.get(code=code) if code else None
            plan = CooperationPlan.objects.filter(year=year, district=district,
                                                  municipality=municipality).first()
            if plan is not None:
                counts["existing"] += 1
                continue
            plan = _build(actor=actor, district=district, municipality=municipality, year=year,
                          title=title, introduction=introduction, areas=areas)
            if plan.status == PlanStatus.DRAFT:
                services.plan_adopt(actor=actor, plan=plan)
            counts["plans"] += 1
            counts["focus_areas"] += len(areas)
        digest = hashlib.sha256(json.dumps(counts, sort_keys=True).encode()).hexdigest()
        audit_record(actor=actor if getattr(actor, "pk", None) else None,
                     action=AuditAction.IMPORT, object_type="plans.cooperationplan",
                     reason="demo plans", changes={**counts, "content_hash": digest},
                     actor_username="" if getattr(actor, "pk", None) else "demo")
    return counts
