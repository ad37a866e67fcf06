from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from samspil.organisations.services import reference_data_load


class Command(BaseCommand):
    help = "Load or refresh the reference data: police districts, municipalities, stations."

    def handle(self, *args: Any, **options: Any) -> None:
        result = reference_data_load()
        self.stdout.write(
            _("Reference data: %(d)d districts, %(m)d municipalities, %(s)d stations.")
            % {"d": result.districts, "m": result.municipalities, "s": result.stations}
        )
