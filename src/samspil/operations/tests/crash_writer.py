"""A writer for the crash test: persons, incidents and cases through the services, forever.

    DATABASE_URL=... python -m samspil.operations.tests.crash_writer USERNAME

Prints one line per committed iteration, so the test knows writes are under way when it kills
this process with SIGKILL.
"""

from __future__ import annotations

import os
import sys
from datetime import date


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from samspil.accounts.models import User
    from samspil.cases.services import case_open
    from samspil.incidents.services import incident_register
    from samspil.organisations.models import Municipality
    from samspil.persons.services import person_register

    actor = User.objects.get(username=sys.argv[1])
    municipality = Municipality.objects.get(code="265")
    number = 0
    while True:
        number += 1
        with transaction.atomic():
            person = person_register(actor=actor, given_name=f"Nedbrud{number}",
                                     family_name="Testesen", municipality=municipality,
                                     birth_date=date(1990, 1, 1), is_synthetic=True)
            incident = incident_register(
                actor=actor, journal_no=f"0100-77770-{number:05d}-25",
                occurred_at=timezone.now(), category="burglary", municipality=municipality,
                involvements=[(person, "charged")], is_synthetic=True,
            )
            case_open(actor=actor, case_type="ukn_screening", municipality=municipality,
                      person=person, incident=incident, crime_class="anden_alvorlig")
        print(number, flush=True)


if __name__ == "__main__":
    main()
