"""The test suite's proof that nothing logs a CPR number, the secret key or the demo password.

A logging handler on the root logger, installed for the whole pytest session, writes every
record to ``var/test-logs/test-run[-gwN].log`` and checks each formatted record as
it is emitted. At the end of the session the log files are scanned again (so that findings of
pytest-xdist workers reach the controller) and the session fails naming the logger.

The CPR pattern asks for a real day and month (DDMMYY-SSSS, with or without the hyphen): a bare
ten-digit number (an epoch timestamp, a row count) is not a CPR number, and failing on it would
teach people to ignore the check.
"""

from __future__ import annotations

import logging
import logging.config
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CPR_PATTERN = re.compile(r"\b(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}-?\d{4}\b")
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
LINE_PATTERN = re.compile(r"^[A-Z]+ (?P<logger>\S+): ")


@dataclass(frozen=True)
class Finding:
    logger: str
    what: str
    line: str


def secrets_to_find() -> dict[str, str]:
    """What must never be logged, by name. Read lazily: settings are configured by then."""
    from django.conf import settings

    from samspil.demo.organisations import DEMO_PASSWORD

    found = {"secret key": str(settings.SECRET_KEY), "demo password": DEMO_PASSWORD}
    return {name: value for name, value in found.items() if len(value) >= 8}


def scan_line(line: str, secrets: dict[str, str]) -> list[str]:
    problems = []
    if CPR_PATTERN.search(line):
        problems.append("a CPR number")
    problems.extend(name for name, value in secrets.items() if value in line)
    return problems


def _masked(line: str, secrets: dict[str, str]) -> str:
    # The report must not repeat what it found.
    line = CPR_PATTERN.sub("DDMMYY-XXXX", line)
    for value in secrets.values():
        line = line.replace(value, "********")
    return line[:200]


def scan_file(path: Path, secrets: dict[str, str]) -> list[Finding]:
    findings = []
    logger = "?"
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = LINE_PATTERN.match(line)
            if match:
                logger = match.group("logger")
            for what in scan_line(line, secrets):
                findings.append(Finding(logger, what, _masked(line.rstrip(), secrets)))
    return findings


class SessionLogHandler(logging.FileHandler):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path, mode="w", encoding="utf-8")
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        self.setLevel(logging.DEBUG)


def install(folder: Path, worker: str | None = None, run: str | None = None) -> SessionLogHandler:
    """Capture every record that reaches the root logger at the configured level.

    That is what production writes (SAMSPIL_LOG_LEVEL, INFO by default); run the suite with
    SAMSPIL_LOG_LEVEL=DEBUG to check the debug output too. Lowering the level here would flood
    every failure report with third-party debug lines. xdist workers write one file each, named
    by the run, and remove files of earlier runs.
    """
    name = f"test-run-{run}-{worker}.log" if worker else "test-run.log"
    if worker:
        stale = time.time() - 600
        for old in folder.glob("test-run-*.log"):
            if not old.name.startswith(f"test-run-{run}-") and old.stat().st_mtime < stale:
                old.unlink(missing_ok=True)
    handler = SessionLogHandler(folder / name)
    logging.getLogger().addHandler(handler)
    # Tests that run `samspil …` in-process call django.setup(), whose dictConfig replaces the
    # root logger's handlers: put ours back after every reconfiguration.
    original = logging.config.dictConfig

    def dict_config(config: dict[str, object]) -> None:
        original(config)
        if handler not in logging.getLogger().handlers:
            logging.getLogger().addHandler(handler)

    logging.config.dictConfig = dict_config  # type: ignore[assignment]
    return handler


def report(findings: list[Finding]) -> str:
    lines = [f"{f.what} logged by {f.logger!r}: {f.line}" for f in findings[:20]]
    return "Secrets or CPR numbers in the logs of this test run:\n  " + "\n  ".join(lines)


def latest_run(folder: Path) -> list[Path]:
    """The log files of the most recent run: test-run.log, or every worker's file of one run."""
    runs: dict[str, list[Path]] = {}
    for path in folder.glob("test-run*.log"):
        parts = path.stem.split("-")
        runs.setdefault(parts[2] if len(parts) == 4 else "single", []).append(path)
    if not runs:
        return []
    return sorted(max(runs.values(), key=lambda paths: max(p.stat().st_mtime for p in paths)))


def session_findings(folder: Path) -> list[Finding]:
    secrets = secrets_to_find()
    findings: list[Finding] = []
    for path in latest_run(folder):
        findings.extend(scan_file(path, secrets))
    return findings


def main(argv: list[str] | None = None) -> int:
    """`python -m samspil.operations.logcheck [FOLDER]`: the check over a parallel (xdist) run.

    Each xdist worker checks its own file; this checks them all after the run (CI step).
    """
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    django.setup()
    from django.conf import settings

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(settings.VAR_DIR) / "test-logs"
    findings = session_findings(folder)
    if findings:
        print(report(findings), file=sys.stderr)
        return 1
    print(f"No CPR numbers or secrets in {folder}/test-run*.log.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
