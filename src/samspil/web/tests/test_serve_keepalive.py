"""`samspil serve` keeps idle connections open longer than a proxy or browser reuses them: with
gunicorn's 2 s default the load test lost requests to connections closed as they were reused."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command

from samspil.web.management.commands import serve


def _served_config(monkeypatch: Any) -> Any:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(serve._Gunicorn, "run", lambda self: seen.setdefault("cfg", self.cfg))
    call_command("serve", "--bind", "127.0.0.1:0", "--workers", "1")
    return seen["cfg"]


def test_serve_keeps_idle_connections_open_for_75_seconds_by_default(monkeypatch):
    monkeypatch.delenv("SAMSPIL_KEEPALIVE_SECONDS", raising=False)
    assert _served_config(monkeypatch).keepalive == 75


def test_the_keep_alive_is_configurable(monkeypatch):
    monkeypatch.setenv("SAMSPIL_KEEPALIVE_SECONDS", "20")
    assert _served_config(monkeypatch).keepalive == 20
