"""`flush` refuses to empty the append-only audit trail, except in the test suite.

Django's test runner empties every table between transactional tests; the audit triggers would
stop it. The test configuration sets SAMSPIL_ALLOW_AUDIT_FLUSH; nothing else does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlushCommand
from django.db import connections
from django.utils.translation import gettext as _

from samspil.audit.triggers import create_triggers, drop_triggers


class Command(DjangoFlushCommand):
    def handle(self, **options: Any) -> None:
        if not getattr(settings, "SAMSPIL_ALLOW_AUDIT_FLUSH", False):
            raise CommandError(_("Refused: the audit trail is append-only and cannot be flushed."))
        connection = connections[options["database"]]
        drop_triggers(connection)
        try:
            super().handle(**options)
        finally:
            create_triggers(connection)
