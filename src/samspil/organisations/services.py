"""Writes to reference data and organisations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from samspil.organisations import reference_data
from samspil.organisations.models import District, Municipality, Station


@dataclass(frozen=True)
class ReferenceLoadResult:
    districts: int
    municipalities: int
    stations: int


@transaction.atomic
def reference_data_load() -> ReferenceLoadResult:
    """Create or update the 12 districts, 98 municipalities and the stations. Idempotent."""
    districts: dict[str, District] = {}
    municipalities: dict[str, Municipality] = {}
    for item in reference_data.POLICE_DISTRICTS:
        district, _ = District.objects.update_or_create(
            slug=item.slug, defaults={"name": item.name}
        )
        districts[item.slug] = district
    for municipality in reference_data.MUNICIPALITIES:
        district_slug = reference_data.district_of_municipality(municipality.code).slug
        municipalities[municipality.code], _ = Municipality.objects.update_or_create(
            code=municipality.code,
            defaults={"name": municipality.name, "district": districts[district_slug]},
        )
    for station in reference_data.STATIONS:
        Station.objects.update_or_create(
            district=districts[station.district_slug],
            name=station.name,
            defaults={
                "kind": station.kind,
                "address": station.address,
                "municipality": municipalities[station.municipality_code],
                "sector": station.sector,
            },
        )
    return ReferenceLoadResult(
        districts=len(districts),
        municipalities=len(municipalities),
        stations=len(reference_data.STATIONS),
    )
