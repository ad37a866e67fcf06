from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from samspil.audit.verify import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. `samspil audit verify` checks the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                _("The audit chain is broken at entry #%(seq)s: %(problem)s (%(n)d checked).")
                % {"seq": result.broken_seq, "problem": result.problem, "n": result.checked}
            )
        self.stdout.write(
            _("The audit chain is intact: %(n)d entries checked.") % {"n": result.checked}
        )
