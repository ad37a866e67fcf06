"""Opening a bundle (a folder, or a .zip of one) and reading its CSV files (interchange.md).

Nothing is extracted to disk: zip members are read by name into memory, so a hostile archive
cannot write outside its folder, and the total uncompressed size is capped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from samspil.interchange.schema import WHOLE_FILE, Problem

# Far above any real extract (1,000,000 involvements are about 40 MB), far below a zip bomb.
MAX_UNCOMPRESSED_BYTES = 4 * 1024**3
BOM = "\ufeff"


class BundleError(Exception):
    """The bundle as a whole cannot be read; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Bundle:
    """The files of a bundle by name, and the SHA-256 that identifies it in the audit trail.

    For a .zip the hash is that of the archive; for a folder it is the hash of a `sha256sum`-style
    manifest of its files, so the same folder always gives the same hash.
    """

    name: str
    sha256: str
    files: dict[str, bytes] = field(default_factory=dict)


def _ignored(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def open_bundle(path: Path) -> Bundle:
    if path.is_dir():
        files = {
            item.relative_to(path).as_posix(): item.read_bytes()
            for item in sorted(path.rglob("*"))
            if item.is_file() and not _ignored(item.relative_to(path).as_posix())
        }
        manifest = "".join(
            f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
        )
        return Bundle(path.name, hashlib.sha256(manifest.encode()).hexdigest(), files)
    if path.is_file() and zipfile.is_zipfile(path):
        return _open_zip(path)
    raise BundleError(Problem(path.name, 1, WHOLE_FILE, _("not a folder or a .zip file")))


def _open_zip(path: Path) -> Bundle:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist()
                       if not info.is_dir() and not _ignored(info.filename)]
            if sum(info.file_size for info in members) > MAX_UNCOMPRESSED_BYTES:
                raise BundleError(Problem(path.name, 1, WHOLE_FILE, _("the .zip file is too large")))
            names = [info.filename for info in members]
            # "A .zip of a folder": strip the one top folder the files sit in, if there is one.
            tops = {PurePosixPath(name).parts[0] for name in names}
            strip = len(tops) == 1 and all(len(PurePosixPath(n).parts) > 1 for n in names)
            files = {}
            for info in members:
                name = PurePosixPath(*PurePosixPath(info.filename).parts[strip:]).as_posix()
                files[name] = archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError):
        raise BundleError(
            Problem(path.name, 1, WHOLE_FILE, _("the .zip file cannot be read"))
        ) from None
    return Bundle(path.name, digest.hexdigest(), files)


@dataclass
class CsvFile:
    name: str
    header: list[str]
    # (line as a spreadsheet shows it, fields); blank lines are skipped but keep their number.
    rows: list[tuple[int, list[str]]]


def read_csv(name: str, data: bytes, problems: list[Problem]) -> CsvFile | None:
    """Parse RFC 4180 CSV in UTF-8 (a BOM is tolerated). None when the file cannot be read."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.append(Problem(name, line, WHOLE_FILE, _("the file is not UTF-8 text")))
        return None
    if text.startswith(BOM):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: Iterator[list[str]] = iter(reader)
    rows: list[tuple[int, list[str]]] = []
    line = 0
    try:
        header: list[str] | None = None
        for record in records:
            line += 1
            if header is None:
                header = record
            elif record:
                rows.append((line, record))
    except csv.Error as error:
        problems.append(
            Problem(name, line + 1, WHOLE_FILE, _("not valid CSV: %(error)s") % {"error": error})
        )
        return None
    if not header or header == [""]:
        problems.append(Problem(name, 1, WHOLE_FILE, _("the file is empty; a header row is needed")))
        return None
    return CsvFile(name, header, rows)
