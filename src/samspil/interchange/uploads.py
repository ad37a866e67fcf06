"""Uploaded bundles kept between the dry run and the confirmation: VAR_DIR/imports/<token>.zip.

The token is random and also kept in the uploader's session, and a sidecar file names the
uploading user, so only that user can confirm (or even find) an upload. Files older than a day
are removed whenever a new bundle is uploaded.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_AGE_SECONDS = 24 * 3600


def uploads_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def upload_store(*, user_id: int, chunks: Iterable[bytes]) -> str:
    _remove_stale()
    token = secrets.token_urlsafe(24)  # 32 characters
    folder = uploads_dir()
    target = folder / f"{token}.zip"
    with target.open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    target.chmod(0o600)
    (folder / f"{token}.owner").write_text(str(user_id), encoding="utf-8")
    return token


def upload_path(*, token: str, user_id: int) -> Path | None:
    """The stored bundle, only for the user who uploaded it; None otherwise."""
    if not _TOKEN_RE.match(token):
        return None
    folder = uploads_dir()
    path, owner = folder / f"{token}.zip", folder / f"{token}.owner"
    if not path.exists() or not owner.exists():
        return None
    if owner.read_text(encoding="utf-8").strip() != str(user_id):
        return None
    return path


def upload_discard(*, token: str) -> None:
    if _TOKEN_RE.match(token):
        for suffix in (".zip", ".owner"):
            (uploads_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def _remove_stale() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in uploads_dir().iterdir():
        if path.suffix in {".zip", ".owner"} and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
