from __future__ import annotations

import re

import pytest

from samspil.organisations.reference_data import (
    MUNICIPALITIES,
    POLICE_DISTRICTS,
    STATIONS,
    district_by_slug,
    district_of_municipality,
    municipality_by_code,
)

MIDT_VESTSJAELLAND = {
    "253",
    "316",
    "326",
    "259",
    "350",
    "306",
    "329",
    "265",
    "269",
    "336",
}
SYD_SOENDERJYLLAND = {"561", "563", "573", "510", "575", "540", "580", "550"}


def test_98_municipalities_with_unique_three_digit_codes() -> None:
    assert len(MUNICIPALITIES) == 98
    codes = [m.code for m in MUNICIPALITIES]
    assert len(set(codes)) == 98
    assert all(re.fullmatch(r"\d{3}", code) for code in codes)
    assert len({m.name for m in MUNICIPALITIES}) == 98


def test_christiansoe_is_not_a_municipality() -> None:
    with pytest.raises(KeyError):
        municipality_by_code("411")


def test_known_municipalities() -> None:
    assert municipality_by_code("101").name == "København"
    assert municipality_by_code("147").name == "Frederiksberg"
    assert municipality_by_code("400").name == "Bornholm"
    assert municipality_by_code("825").name == "Læsø"
    assert municipality_by_code("851").name == "Aalborg"


def test_12_districts_with_unique_slugs() -> None:
    assert len(POLICE_DISTRICTS) == 12
    assert len({d.slug for d in POLICE_DISTRICTS}) == 12
    assert all(re.fullmatch(r"[a-z-]+", d.slug) for d in POLICE_DISTRICTS)


def test_every_municipality_in_exactly_one_district() -> None:
    all_codes = [code for d in POLICE_DISTRICTS for code in d.municipality_codes]
    assert len(all_codes) == 98
    assert sorted(all_codes) == sorted(m.code for m in MUNICIPALITIES)
    for m in MUNICIPALITIES:
        owners = [d for d in POLICE_DISTRICTS if m.code in d.municipality_codes]
        assert len(owners) == 1, m
        assert district_of_municipality(m.code) is owners[0]


def test_midt_vestsjaelland() -> None:
    district = district_by_slug("midt-vestsjaelland")
    assert district.name == "Midt- og Vestsjællands Politi"
    assert set(district.municipality_codes) == MIDT_VESTSJAELLAND
    assert len(district.municipality_codes) == len(MIDT_VESTSJAELLAND)


def test_syd_soenderjylland() -> None:
    district = district_by_slug("syd-soenderjylland")
    assert district.name == "Syd- og Sønderjyllands Politi"
    assert set(district.municipality_codes) == SYD_SOENDERJYLLAND
    assert len(district.municipality_codes) == len(SYD_SOENDERJYLLAND)


def test_small_districts() -> None:
    assert set(district_by_slug("koebenhavn").municipality_codes) == {
        "101",
        "147",
        "185",
        "155",
    }
    assert district_by_slug("bornholm").municipality_codes == ("400",)


def test_unknown_lookups_raise_key_error() -> None:
    with pytest.raises(KeyError):
        municipality_by_code("999")
    with pytest.raises(KeyError):
        district_by_slug("groenland")
    with pytest.raises(KeyError):
        district_of_municipality("999")


def test_8_stations_in_midt_vestsjaelland() -> None:
    assert len(STATIONS) == 8
    assert len({s.name for s in STATIONS}) == 8
    assert [s.name for s in STATIONS if s.kind == "main"] == ["Roskilde Hovedpolitistation"]
    assert sum(s.kind == "local" for s in STATIONS) == 4
    assert sum(s.kind == "near" for s in STATIONS) == 3
    for station in STATIONS:
        assert station.district_slug == "midt-vestsjaelland"
        assert station.municipality_code in MIDT_VESTSJAELLAND
        assert station.sector in {"Vest", "Øst", "Midt"}
        assert re.search(r", \d{4} ", station.address)
