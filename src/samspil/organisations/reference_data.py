"""Danish public reference data: municipalities, police districts and stations.

Plain Python constants with no Django dependency, so they can be used from
migrations, management commands, fixtures and tests alike.

Sources:
- Municipality codes (kommunekoder) and names: Danmarks Statistik / DAGI, the
  98 municipalities after the 2007 structural reform. Christiansø (411) is not
  a municipality and is deliberately excluded.
- Police districts (politikredse): the 12 districts of the 2007 police reform,
  excluding Grønlands Politi and Færøernes Politi.
- Stations of Midt- og Vestsjællands Politi: the contact page of the 2025
  annual report of the local police (seeds/lokalpolitiets-aarsrapport-2025.txt).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

StationKind = Literal["main", "local", "near"]
Sector = Literal["Vest", "Øst", "Midt"]


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class PoliceDistrict:
    slug: str
    name: str
    municipality_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Station:
    district_slug: str
    name: str
    kind: StationKind
    address: str
    municipality_code: str
    sector: Sector


MUNICIPALITIES: tuple[Municipality, ...] = (
    # Region Hovedstaden
    Municipality("101", "København"),
    Municipality("147", "Frederiksberg"),
    Municipality("151", "Ballerup"),
    Municipality("153", "Brøndby"),
    Municipality("155", "Dragør"),
    Municipality("157", "Gentofte"),
    Municipality("159", "Gladsaxe"),
    Municipality("161", "Glostrup"),
    Municipality("163", "Herlev"),
    Municipality("165", "Albertslund"),
    Municipality("167", "Hvidovre"),
    Municipality("169", "Høje-Taastrup"),
    Municipality("173", "Lyngby-Taarbæk"),
    Municipality("175", "Rødovre"),
    Municipality("183", "Ishøj"),
    Municipality("185", "Tårnby"),
    Municipality("187", "Vallensbæk"),
    Municipality("190", "Furesø"),
    Municipality("201", "Allerød"),
    Municipality("210", "Fredensborg"),
    Municipality("217", "Helsingør"),
    Municipality("219", "Hillerød"),
    Municipality("223", "Hørsholm"),
    Municipality("230", "Rudersdal"),
    Municipality("240", "Egedal"),
    Municipality("250", "Frederikssund"),
    Municipality("260", "Halsnæs"),
    Municipality("270", "Gribskov"),
    Municipality("400", "Bornholm"),
    # Region Sjælland
    Municipality("253", "Greve"),
    Municipality("259", "Køge"),
    Municipality("265", "Roskilde"),
    Municipality("269", "Solrød"),
    Municipality("306", "Odsherred"),
    Municipality("316", "Holbæk"),
    Municipality("320", "Faxe"),
    Municipality("326", "Kalundborg"),
    Municipality("329", "Ringsted"),
    Municipality("330", "Slagelse"),
    Municipality("336", "Stevns"),
    Municipality("340", "Sorø"),
    Municipality("350", "Lejre"),
    Municipality("360", "Lolland"),
    Municipality("370", "Næstved"),
    Municipality("376", "Guldborgsund"),
    Municipality("390", "Vordingborg"),
    # Region Syddanmark
    Municipality("410", "Middelfart"),
    Municipality("420", "Assens"),
    Municipality("430", "Faaborg-Midtfyn"),
    Municipality("440", "Kerteminde"),
    Municipality("450", "Nyborg"),
    Municipality("461", "Odense"),
    Municipality("479", "Svendborg"),
    Municipality("480", "Nordfyns"),
    Municipality("482", "Langeland"),
    Municipality("492", "Ærø"),
    Municipality("510", "Haderslev"),
    Municipality("530", "Billund"),
    Municipality("540", "Sønderborg"),
    Municipality("550", "Tønder"),
    Municipality("561", "Esbjerg"),
    Municipality("563", "Fanø"),
    Municipality("573", "Varde"),
    Municipality("575", "Vejen"),
    Municipality("580", "Aabenraa"),
    Municipality("607", "Fredericia"),
    Municipality("621", "Kolding"),
    Municipality("630", "Vejle"),
    # Region Midtjylland
    Municipality("615", "Horsens"),
    Municipality("657", "Herning"),
    Municipality("661", "Holstebro"),
    Municipality("665", "Lemvig"),
    Municipality("671", "Struer"),
    Municipality("706", "Syddjurs"),
    Municipality("707", "Norddjurs"),
    Municipality("710", "Favrskov"),
    Municipality("727", "Odder"),
    Municipality("730", "Randers"),
    Municipality("740", "Silkeborg"),
    Municipality("741", "Samsø"),
    Municipality("746", "Skanderborg"),
    Municipality("751", "Aarhus"),
    Municipality("756", "Ikast-Brande"),
    Municipality("760", "Ringkøbing-Skjern"),
    Municipality("766", "Hedensted"),
    Municipality("779", "Skive"),
    Municipality("791", "Viborg"),
    # Region Nordjylland
    Municipality("773", "Morsø"),
    Municipality("787", "Thisted"),
    Municipality("810", "Brønderslev"),
    Municipality("813", "Frederikshavn"),
    Municipality("820", "Vesthimmerlands"),
    Municipality("825", "Læsø"),
    Municipality("840", "Rebild"),
    Municipality("846", "Mariagerfjord"),
    Municipality("849", "Jammerbugt"),
    Municipality("851", "Aalborg"),
    Municipality("860", "Hjørring"),
)


POLICE_DISTRICTS: tuple[PoliceDistrict, ...] = (
    PoliceDistrict(
        "nordjylland",
        "Nordjyllands Politi",
        # Aalborg, Brønderslev, Frederikshavn, Hjørring, Jammerbugt, Læsø,
        # Mariagerfjord, Morsø, Rebild, Thisted, Vesthimmerlands
        ("851", "810", "813", "860", "849", "825", "846", "773", "840", "787", "820"),
    ),
    PoliceDistrict(
        "oestjylland",
        "Østjyllands Politi",
        # Aarhus, Favrskov, Norddjurs, Odder, Randers, Samsø, Skanderborg, Syddjurs
        ("751", "710", "707", "727", "730", "741", "746", "706"),
    ),
    PoliceDistrict(
        "midt-vestjylland",
        "Midt- og Vestjyllands Politi",
        # Herning, Holstebro, Ikast-Brande, Lemvig, Ringkøbing-Skjern,
        # Silkeborg, Skive, Struer, Viborg
        ("657", "661", "756", "665", "760", "740", "779", "671", "791"),
    ),
    PoliceDistrict(
        "sydoestjylland",
        "Sydøstjyllands Politi",
        # Billund, Fredericia, Hedensted, Horsens, Kolding, Vejle
        ("530", "607", "766", "615", "621", "630"),
    ),
    PoliceDistrict(
        "syd-soenderjylland",
        "Syd- og Sønderjyllands Politi",
        # Esbjerg, Fanø, Varde, Haderslev, Vejen, Sønderborg, Aabenraa, Tønder
        ("561", "563", "573", "510", "575", "540", "580", "550"),
    ),
    PoliceDistrict(
        "fyn",
        "Fyns Politi",
        # Assens, Faaborg-Midtfyn, Kerteminde, Langeland, Middelfart,
        # Nordfyns, Nyborg, Odense, Svendborg, Ærø
        ("420", "430", "440", "482", "410", "480", "450", "461", "479", "492"),
    ),
    PoliceDistrict(
        "sydsjaelland-lolland-falster",
        "Sydsjællands og Lolland-Falsters Politi",
        # Faxe, Guldborgsund, Lolland, Næstved, Slagelse, Sorø, Vordingborg
        ("320", "376", "360", "370", "330", "340", "390"),
    ),
    PoliceDistrict(
        "midt-vestsjaelland",
        "Midt- og Vestsjællands Politi",
        # Greve, Holbæk, Kalundborg, Køge, Lejre, Odsherred, Ringsted,
        # Roskilde, Solrød, Stevns
        ("253", "316", "326", "259", "350", "306", "329", "265", "269", "336"),
    ),
    PoliceDistrict(
        "nordsjaelland",
        "Nordsjællands Politi",
        # Allerød, Egedal, Fredensborg, Frederikssund, Furesø, Gentofte,
        # Gladsaxe, Gribskov, Halsnæs, Helsingør, Hillerød, Hørsholm,
        # Lyngby-Taarbæk, Rudersdal
        (
            "201",
            "240",
            "210",
            "250",
            "190",
            "157",
            "159",
            "270",
            "260",
            "217",
            "219",
            "223",
            "173",
            "230",
        ),
    ),
    PoliceDistrict(
        "koebenhavns-vestegn",
        "Københavns Vestegns Politi",
        # Albertslund, Ballerup, Brøndby, Glostrup, Herlev, Hvidovre,
        # Høje-Taastrup, Ishøj, Rødovre, Vallensbæk
        ("165", "151", "153", "161", "163", "167", "169", "183", "175", "187"),
    ),
    PoliceDistrict(
        "koebenhavn",
        "Københavns Politi",
        # København, Frederiksberg, Tårnby, Dragør
        ("101", "147", "185", "155"),
    ),
    PoliceDistrict(
        "bornholm",
        "Bornholms Politi",
        ("400",),
    ),
)


# Stations of Midt- og Vestsjællands Politi (addresses from the 2025 annual
# report). The report names the three sectors Vest, Øst and Midt but does not
# say which station belongs to which; the sector split below is OUR ASSUMPTION
# based on geography and should be confirmed with the district.
STATIONS: tuple[Station, ...] = (
    Station(
        "midt-vestsjaelland",
        "Roskilde Hovedpolitistation",
        "main",
        "Skovbogade 3, 4000 Roskilde",
        "265",
        "Midt",
    ),
    Station(
        "midt-vestsjaelland",
        "Holbæk Lokalstation",
        "local",
        "Ved Faurgården 5D, 4300 Holbæk",
        "316",
        "Vest",
    ),
    Station(
        "midt-vestsjaelland",
        "Kalundborg Lokalstation",
        "local",
        "Banegårdspladsen 1, 4400 Kalundborg",
        "326",
        "Vest",
    ),
    Station(
        "midt-vestsjaelland",
        "Ringsted Lokalstation",
        "local",
        "Tinggade 13, 4100 Ringsted",
        "329",
        "Midt",
    ),
    Station(
        "midt-vestsjaelland",
        "Køge Lokalstation",
        "local",
        "Kongsberg Allé 4, 4600 Køge",
        "259",
        "Øst",
    ),
    Station(
        "midt-vestsjaelland",
        "Nykøbing Sjælland Nærstation",
        "near",
        "Vesterlyngvej 8, 4500 Nykøbing Sjælland",
        "306",
        "Vest",
    ),
    Station(
        "midt-vestsjaelland",
        "Asnæs Nærstation",
        "near",
        "Storegade 20, 4550 Asnæs",
        "306",
        "Vest",
    ),
    Station(
        "midt-vestsjaelland",
        "Hundige Nærstation",
        "near",
        "Over Bølgen 2A, 2670 Greve",
        "253",
        "Øst",
    ),
)


_MUNICIPALITIES_BY_CODE: dict[str, Municipality] = {m.code: m for m in MUNICIPALITIES}
_DISTRICTS_BY_SLUG: dict[str, PoliceDistrict] = {d.slug: d for d in POLICE_DISTRICTS}
_DISTRICT_BY_MUNICIPALITY: dict[str, PoliceDistrict] = {
    code: district for district in POLICE_DISTRICTS for code in district.municipality_codes
}


def municipality_by_code(code: str) -> Municipality:
    """Return the municipality with this 3-digit kommunekode; KeyError if unknown."""
    return _MUNICIPALITIES_BY_CODE[code]


def district_by_slug(slug: str) -> PoliceDistrict:
    """Return the police district with this slug; KeyError if unknown."""
    return _DISTRICTS_BY_SLUG[slug]


def district_of_municipality(code: str) -> PoliceDistrict:
    """Return the police district covering the municipality; KeyError if unknown."""
    return _DISTRICT_BY_MUNICIPALITY[code]
