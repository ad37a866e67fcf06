"""Registering a new person from the incident form, through the persons app's own service.

The persons app owns person registration (CPR handling, duplicate checks, name index, audit);
this module only adapts one row of the incident form to samspil.persons.services.person_register
and says whether the user may use it.
"""

from __future__ import annotations

from typing import Any

from samspil.persons.models import Person
from samspil.persons.roles import REGISTER_ROLES
from samspil.persons.services import person_get_or_register


def quick_register_available(user: Any) -> bool:
    role_codes: frozenset[str] = getattr(user, "role_codes", frozenset())
    return bool(role_codes & REGISTER_ROLES)


def new_person_register(*, actor: Any, row: Any) -> Person:
    """Register the row's person; a CPR number already registered gives that person instead
    (possibly owned by another organisation: incident_register then grants the incident's owner
    access, since it now holds a record about the person)."""
    data = row.cleaned_data
    person, _created = person_get_or_register(
        actor=actor,
        cpr=data.get("new_cpr") or None,
        given_name=data.get("new_given_name", ""),
        family_name=data.get("new_family_name", ""),
        birth_date=data.get("new_birth_date"),
        municipality=data["new_municipality"],
    )
    return person
