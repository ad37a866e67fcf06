"""PDF documents through typst (from PyPI: no system packages).

A document is a typst template plus its data as JSON. The data never becomes typst markup: the
template reads it with `json("data.json")` and places the values as text, so nothing a user typed
(names, minutes, narratives) can be interpreted as typst code. Only the fonts embedded in typst
are used, so the same data gives the same PDF on every machine.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typst
from django.core.serializers.json import DjangoJSONEncoder


def render_pdf(
    template: Path,
    data: Any,
    *,
    assets: dict[str, bytes] | None = None,
    timestamp: datetime | None = None,
) -> bytes:
    """Compile `template` (a .typ file) with `data` available as data.json beside it.

    `assets` are extra files (e.g. SVG charts) the template may include by name. A fixed
    `timestamp` makes the PDF byte-identical for the same input.
    """
    with tempfile.TemporaryDirectory(prefix="samspil-pdf-") as workdir:
        root = Path(workdir)
        (root / "main.typ").write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
        (root / "data.json").write_text(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False), encoding="utf-8"
        )
        for name, content in (assets or {}).items():
            if "/" in name or name.startswith("."):
                raise ValueError(f"asset names are plain file names, not {name!r}")
            (root / name).write_bytes(content)
        moment = timestamp or datetime(2000, 1, 1, tzinfo=UTC)
        return bytes(
            typst.compile(
                str(root / "main.typ"),
                root=str(root),
                ignore_system_fonts=True,
                timestamp=int(moment.timestamp()),
            )
        )
