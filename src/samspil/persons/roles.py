"""Which roles may do what with person records (the data; the checks live in services and
selectors)."""

from __future__ import annotations

from samspil.accounts.constants import Role

# Registering persons and their relations by hand (the importer has its own path).
REGISTER_ROLES = frozenset({Role.PREVENTION_OFFICER, Role.CASEWORKER})
# Roles that see a CPR number in full; everyone else sees DDMMYY-xxxx (analysts see nothing).
FULL_CPR_ROLES = frozenset(
    {Role.PREVENTION_OFFICER, Role.SOCIALSOEG_REVIEWER, Role.CASEWORKER, Role.ADMINISTRATOR}
)
# Merging duplicates and undoing merges.
MERGE_ROLES = frozenset({Role.ADMINISTRATOR})
