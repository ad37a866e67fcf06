"""The id list of an audit entry that records one read of many records (a queue page, a search).

Stored as a JSON array of strings next to the single ``object_id``, and searchable by one id with
``object_ids__has_id="42"``: on PostgreSQL as ``@>`` (served by a GIN index, migration 0003), on
SQLite through ``json_each``. The data-protection officer's search asks both columns, so a person
shown in a list is found exactly as one opened on their own page.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models import Lookup


class IdListField(models.JSONField):
    """A JSON array of record ids (strings)."""


@IdListField.register_lookup
class HasId(Lookup):
    lookup_name = "has_id"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return (
            # lhs is the compiled column reference; the id is a query parameter.
            f"EXISTS (SELECT 1 FROM json_each({lhs}) AS ids WHERE ids.value = %s)",  # noqa: S608
            [*lhs_params, str(self.rhs)],
        )

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @> %s::jsonb", [*lhs_params, json.dumps([str(self.rhs)])]
