"""Reads of organisations and geography (public within the cooperation: no person data)."""

from __future__ import annotations

from django.db.models import QuerySet

from samspil.organisations.models import District, Municipality, Organisation


def district_get(*, slug: str) -> District:
    return District.objects.get(slug=slug)


def municipalities_of_district(*, district: District) -> QuerySet[Municipality]:
    return Municipality.objects.filter(district=district).order_by("name")


def organisations_of_district(*, district: District) -> QuerySet[Organisation]:
    return Organisation.objects.filter(district=district).select_related("municipality")
