"""Import and export of interchange bundles (docs: ../shared/spec/interchange.md, a contract).

Import is all or nothing. Every file is read and every row checked — against its schema, the
rest of the bundle and the database — before anything is written; one problem and nothing is
written. Then, in the same single transaction, the rows are staged and upserted (see writer.py),
the automatic incident rules run once over every new or changed incident, and one audit entry is
written. A killed import leaves the database exactly as it was: nothing is committed until the end.

Why one audit entry per bundle, not per row: a migration of a million rows would add a million
entries to the hash-chained trail, each taking the chain lock, multiplying the import's time and
burying the trail's real reads and changes. The house rule for bulk writers is one entry per batch
with counts and a content hash: the SHA-256 of the bundle identifies exactly which rows came in,
and the bundle itself is the per-row record.

Export writes the same bundle format: the incidents of a period and district, their involvements,
the persons involved (CPR number in full — an administrator tool, audited) and the relations among
those persons.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.audit.constants import Action
from samspil.audit.services import audit_record
from samspil.incidents.models import Incident, Involvement
from samspil.incidents.rules import run_incident_rules
from samspil.interchange import set_based
from samspil.interchange.bundle import Bundle, BundleError, open_bundle, read_csv
from samspil.interchange.handlers import HANDLERS, FileCounts, FileHandler, ImportContext
from samspil.interchange.schema import WHOLE_FILE, Problem
from samspil.interchange.writer import ProgressCallback, Writer
from samspil.organisations.models import District, Organisation
from samspil.persons.models import Person, Relation
from samspil.persons.protection import cpr_decrypt

# Printed and shown at most; the count after them says how many there were in all.
MAX_PROBLEMS_SHOWN = 1000
_CHECK_PROGRESS_EVERY = 10_000
# From this many rows on, the planner statistics are refreshed before the rules run.
_ANALYZE_FROM_ROWS = 10_000
# Serialises imports on PostgreSQL (SQLite's IMMEDIATE transactions already do): two bundles
# upserting the same keys at once would otherwise wait on each other row by row.
_ADVISORY_LOCK = 0x53_41_4D_53_49_4D  # "SAMSIM"


@dataclass
class ImportResult:
    bundle: str
    sha256: str = ""
    files: list[str] = field(default_factory=list)
    counts: dict[str, FileCounts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    incidents_for_rules: int = 0
    # "set-based" or "row-by-row": which way the bundle was checked and written.
    path: str = "row-by-row"
    # Tables filled in bulk mode (indexes and foreign keys set aside meanwhile; bulk.py).
    bulk_tables: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def problem_count(self) -> int:
        return len(self.problems)

    @property
    def problems_shown(self) -> list[Problem]:
        return self.problems[:MAX_PROBLEMS_SHOWN]

    def counts_as_dict(self) -> dict[str, dict[str, int | None]]:
        return {name: counts.as_dict() for name, counts in self.counts.items()}


def _check_bundle(
    bundle: Bundle, organisation: Organisation, progress: ProgressCallback | None
) -> tuple[list[FileHandler], list[Problem]]:
    known = [handler.filename for handler in HANDLERS]
    problems: list[Problem] = []
    for name in sorted(bundle.files):
        if name not in known:
            problems.append(Problem(name, 1, WHOLE_FILE, _(
                "unknown file; a bundle holds only %(files)s") % {"files": ", ".join(known)}))
    if not set(known) & set(bundle.files):
        problems.append(Problem(bundle.name, 1, WHOLE_FILE, _(
            "the bundle holds none of %(files)s") % {"files": ", ".join(known)}))
    ctx = ImportContext.load(organisation_id=organisation.pk, handlers=HANDLERS)
    handlers: list[FileHandler] = []
    by_file: dict[str, list[Problem]] = {}
    for handler_class in HANDLERS:
        data = bundle.files.get(handler_class.filename)
        if data is None:
            continue
        file_problems = by_file.setdefault(handler_class.filename, [])
        csv_file = read_csv(handler_class.filename, data, file_problems)
        if csv_file is None:
            if handler_class.kind:  # its keys are unknown: do not call every reference wrong
                ctx.unreadable.add(handler_class.kind)
            continue
        handler = handler_class(ctx)
        handler.check_header(csv_file.header)
        handler.check_rows(csv_file.header, _counted(csv_file.rows, csv_file.name, progress))
        handlers.append(handler)
    for handler in handlers:
        handler.check()
        by_file[handler.filename].extend(handler.problems)
    # File by file in the handlers' order; within a file, in line order (row checks come
    # first, whole-file checks after, so they are sorted together here).
    for handler_class in HANDLERS:
        problems.extend(sorted(by_file.get(handler_class.filename, []),
                               key=lambda problem: problem.line))
    return handlers, problems


def _counted(rows: list[tuple[int, list[str]]], name: str,
             progress: ProgressCallback | None) -> Iterator[tuple[int, list[str]]]:
    if progress is None:
        yield from rows
        return
    total = len(rows)
    stage = _("checking %(file)s") % {"file": name}
    progress(stage, 0, total)
    for done, row in enumerate(rows, 1):
        yield row
        if done % _CHECK_PROGRESS_EVERY == 0:
            progress(stage, done, total)
    progress(stage, total, total)


def _refresh_statistics(writer: Writer, result: ImportResult, tables: list[str]) -> None:
    written = sum((c.created or 0) + (c.updated or 0) for c in result.counts.values())
    if written >= _ANALYZE_FROM_ROWS:
        writer.refresh_statistics(tables)


def _set_based_write(bundle: Bundle, organisation: Organisation, writer: Writer,
                     result: ImportResult) -> Writer | None:
    """Try the set-based path (PostgreSQL); None, with nothing written, when it cannot be used.

    It runs in a savepoint: when its checks find anything (a problem to report, something
    unusual), everything it did is rolled back and the row-by-row path takes over, to find and
    word the problems or to import the unusual bundle.
    """
    savepoint = transaction.savepoint()
    ctx = ImportContext.load(organisation_id=organisation.pk, handlers=HANDLERS)
    importer = set_based.SetBasedImport(bundle=bundle, ctx=ctx, writer=writer,
                                        progress=writer.progress)
    try:
        result.counts = importer.run()
        _refresh_statistics(writer, result, set_based.tables_of(set(bundle.files)))
    except (set_based.NotSetBased, *set_based.DATABASE_ERRORS):
        # Database errors too: COPY refuses a row with the wrong number of fields, a cast a
        # date that is not real; the row-by-row path words them.
        writer.close(drop=False)
        transaction.savepoint_rollback(savepoint)
        result.counts = {}
        return None
    except BaseException:
        writer.close(drop=False)
        raise
    writer.close()
    transaction.savepoint_commit(savepoint)
    result.path = "set-based"
    result.bulk_tables = importer.bulk_tables
    return writer


@transaction.atomic
def bundle_import(
    *,
    actor: Any | None,
    path: Path,
    organisation: Organisation,
    dry_run: bool = False,
    is_synthetic: bool = False,
    progress: ProgressCallback | None = None,
    set_based_path: bool = True,
) -> ImportResult:
    """Check the bundle at `path` and, unless there is a problem or `dry_run`, import it.

    On PostgreSQL a bundle of persons, relations, incidents and involvements is first tried the
    set-based way (set_based.py); a bundle with a problem, or anything else, is checked and
    written row by row, which is also what words the problems. `set_based_path=False` goes
    straight to row by row (the tests compare the two).

    Imported rows are owned by `organisation` (the importing user's). A key that already exists
    updates that record in place — only when it is the organisation's own; the rows of other
    organisations are neither changed nor revealed. `is_synthetic` marks fictitious data (demo,
    tests, benchmarks).
    """
    try:
        bundle = open_bundle(path)
    except BundleError as error:
        return ImportResult(bundle=path.name, problems=[error.problem], dry_run=dry_run)
    result = ImportResult(bundle=bundle.name, sha256=bundle.sha256, files=sorted(bundle.files),
                          dry_run=dry_run)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])

    def new_writer() -> Writer:
        return Writer(organisation_id=organisation.pk, actor_id=getattr(actor, "pk", None),
                      now=timezone.now(), is_synthetic=is_synthetic, progress=progress)

    writer: Writer | None = None
    if (set_based_path and connection.vendor == "postgresql" and not dry_run
            and set_based.eligible(bundle)):
        writer = _set_based_write(bundle, organisation, new_writer(), result)
    if writer is None:
        handlers, result.problems = _check_bundle(bundle, organisation, progress)
        del bundle  # the raw bytes are parsed; let a big bundle's memory go before writing
        if result.problems or dry_run:
            result.counts = {handler.filename: handler.dry_run_counts() for handler in handlers}
            return result
        writer = new_writer()
        try:
            for handler in handlers:
                writer.current_file = handler.filename
                result.counts[handler.filename] = handler.write(writer)
            _refresh_statistics(writer, result, [t for h in handlers for t in h.tables])
        except BaseException:
            # The rollback removes the staging tables; a DROP in an aborted transaction would
            # only hide the real error behind "current transaction is aborted".
            writer.close(drop=False)
            raise
        writer.close()
    incident_ids = sorted(writer.incident_ids)
    result.incidents_for_rules = len(incident_ids)
    if progress:
        progress(_("running the incident rules"), 0, 1)
    run_incident_rules(incident_ids=incident_ids, actor=actor)
    if progress:
        progress(_("writing the audit entry"), 0, 1)
    audit_record(
        actor=actor,
        action=Action.IMPORT,
        object_type="interchange.bundle",
        object_id=result.sha256,
        reason=result.bundle,
        changes={
            "sha256": result.sha256,
            "bundle": result.bundle,
            "files": result.files,
            "organisation": organisation.slug,
            "counts": result.counts_as_dict(),
            "incidents_for_rules": result.incidents_for_rules,
            "is_synthetic": is_synthetic,
            "path": result.path,
            "bulk_tables": result.bulk_tables,
        },
        actor_username="system" if actor is None else "",
    )
    return result


# --- export ------------------------------------------------------------------------------------
PERSON_COLUMNS = ("person_key", "cpr", "given_name", "family_name", "birth_date", "gender",
                  "municipality_code", "address", "postal_code")
RELATION_COLUMNS = ("person_key", "related_person_key", "relation")
INCIDENT_COLUMNS = ("journal_no", "occurred_at", "reported_at", "category", "municipality_code",
                    "lat", "lon", "narrative")
INVOLVEMENT_COLUMNS = ("journal_no", "person_key", "role")
_EXPORT_CHUNK = 5000


@dataclass
class ExportResult:
    path: Path
    sha256: str
    counts: dict[str, int]


def _float(value: float | None) -> str:
    return "" if value is None else repr(value)


def _time(value: Any) -> str:
    return timezone.localtime(value).isoformat()


def export_incidents(
    *, district: District | None, date_from: date | None, date_to: date | None
) -> QuerySet[Incident]:
    incidents = Incident.objects.all()
    if district is not None:
        incidents = incidents.filter(municipality__district=district)
    if date_from is not None:
        incidents = incidents.filter(occurred_on__gte=date_from)
    if date_to is not None:
        incidents = incidents.filter(occurred_on__lte=date_to)
    return incidents


def _rows(name: str, incidents: QuerySet[Incident]) -> Iterator[tuple[Any, ...]]:
    involvements = Involvement.objects.filter(incident__in=incidents)
    person_ids = involvements.values("person_id")
    if name == "incidents.csv":
        for incident in incidents.select_related("category", "municipality").order_by(
                "journal_no").iterator(chunk_size=_EXPORT_CHUNK):
            yield (incident.journal_no, _time(incident.occurred_at), _time(incident.reported_at),
                   incident.category.code, incident.municipality.code, _float(incident.lat),
                   _float(incident.lon), incident.narrative)
    elif name == "involvements.csv":
        yield from involvements.order_by("incident__journal_no", "person__person_key",
                                         "role").values_list(
            "incident__journal_no", "person__person_key", "role").iterator(
            chunk_size=_EXPORT_CHUNK)
    elif name == "persons.csv":
        for person in Person.objects.filter(id__in=person_ids).select_related(
                "municipality").order_by("person_key").iterator(chunk_size=_EXPORT_CHUNK):
            yield (person.person_key,
                   cpr_decrypt(person.cpr_encrypted) if person.cpr_encrypted else "",
                   person.given_name, person.family_name,
                   person.birth_date.isoformat() if person.birth_date else "", person.gender,
                   person.municipality.code, person.address, person.postal_code)
    elif name == "relations.csv":
        yield from Relation.objects.filter(
            person_id__in=person_ids, related_person_id__in=person_ids
        ).order_by("person__person_key", "related_person__person_key", "kind").values_list(
            "person__person_key", "related_person__person_key", "kind").iterator(
            chunk_size=_EXPORT_CHUNK)


EXPORT_FILES = {
    "persons.csv": PERSON_COLUMNS,
    "relations.csv": RELATION_COLUMNS,
    "incidents.csv": INCIDENT_COLUMNS,
    "involvements.csv": INVOLVEMENT_COLUMNS,
}


@transaction.atomic
def bundle_export(
    *,
    actor: Any | None,
    path: Path,
    district: District | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> ExportResult:
    """Write a bundle to `path`: a .zip when the name ends in .zip, else a folder."""
    incidents = export_incidents(district=district, date_from=date_from, date_to=date_to)
    counts: dict[str, int] = {}
    with ExitStack() as stack:
        archive = None
        if path.suffix.lower() == ".zip":
            path.parent.mkdir(parents=True, exist_ok=True)
            archive = stack.enter_context(zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED))
        else:
            path.mkdir(parents=True, exist_ok=True)
        for name, columns in EXPORT_FILES.items():
            with ExitStack() as file_stack:
                binary: IO[bytes] = file_stack.enter_context(
                    archive.open(name, "w") if archive is not None else (path / name).open("wb"))
                text = file_stack.enter_context(
                    io.TextIOWrapper(binary, encoding="utf-8", newline=""))
                # RFC 4180: CRLF line ends, quotes only where needed.
                out = csv.writer(text, lineterminator="\r\n")
                out.writerow(columns)
                count = 0
                for row in _rows(name, incidents):
                    out.writerow(row)
                    count += 1
                counts[name] = count
    sha256 = open_bundle(path).sha256
    audit_record(
        actor=actor,
        action=Action.EXPORT,
        object_type="interchange.bundle",
        object_id=sha256,
        reason=path.name,
        changes={
            "sha256": sha256,
            "district": district.slug if district is not None else None,
            "from": date_from,
            "to": date_to,
            "counts": counts,
        },
        actor_username="system" if actor is None else "",
    )
    return ExportResult(path=path, sha256=sha256, counts=counts)
