"""The inventory the authorization matrix is checked against: every URL name and the HTTP methods
its view answers, read from the URL configuration (and, for the API, cross-checked with
docs/openapi.yaml)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

SAFE_METHODS = ("GET",)
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Namespaces the matrix covers with one entry for the whole namespace, and why.
GROUPED_NAMESPACES = {
    # Django's admin: ~100 generated URLs behind one gate (is_staff). The matrix checks that gate
    # with the admin index; every admin URL name is covered by that entry.
    "admin": "admin:index",
}


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    methods: tuple[str, ...]
    view: Any


def _qualified(namespaces: list[str], name: str | None) -> str:
    return ":".join([*namespaces, name or ""])


def _view_methods(callback: Any) -> tuple[str, ...]:
    """The methods a view answers: an API view's handlers; a function view's decorators, else GET
    (and POST when the code reads a POST)."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        names = getattr(view_class, "http_method_names", [])
        found = [
            m.upper()
            for m in ("get", "post", "put", "patch", "delete")
            if m in names and hasattr(view_class, m)
        ]
        # A Django form view (the login) answers POST through its form; PUT is only an alias.
        return tuple(m for m in found if m != "PUT" or "put" in view_class.__dict__)
    function = inspect.unwrap(callback)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = ""
    decorators = source.split("def ", 1)[0]
    listed = re.search(r"require_http_methods\(\[([^\]]*)\]", decorators)
    if listed:
        return tuple(re.findall(r"[A-Z]+", listed.group(1)))
    if "require_POST" in decorators:
        return ("POST",)
    if "require_GET" in decorators:
        return ("GET",)
    # Django's own views: set_language answers POST (and GET with a `next`).
    if getattr(function, "__module__", "") == "django.views.i18n":
        return ("POST",)
    return ("GET", "POST") if "POST" in source else ("GET",)


def routes() -> Iterator[Route]:
    def walk(patterns: list[Any], prefix: str, namespaces: list[str]) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                spaces = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), spaces)
            elif isinstance(pattern, URLPattern):
                yield Route(
                    _qualified(namespaces, pattern.name),
                    prefix + str(pattern.pattern),
                    _view_methods(pattern.callback),
                    pattern.callback,
                )

    yield from walk(get_resolver().url_patterns, "/", [])


def required_entries() -> dict[tuple[str, str], Route]:
    """(URL name, method) → route, for every URL the matrix must cover."""
    wanted: dict[tuple[str, str], Route] = {}
    for route in routes():
        namespace = route.name.split(":", 1)[0] if ":" in route.name else ""
        if namespace in GROUPED_NAMESPACES:
            wanted[(GROUPED_NAMESPACES[namespace], "GET")] = route
            continue
        for method in route.methods:
            wanted[(route.name, method)] = route
    return wanted


def schema_operations(path: Path) -> set[tuple[str, str]]:
    """(path, METHOD) of every operation in the committed OpenAPI document."""
    import yaml

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    operations: set[tuple[str, str]] = set()
    for route, item in document.get("paths", {}).items():
        for method in item:
            if method.upper() in (*SAFE_METHODS, *UNSAFE_METHODS):
                operations.add((route, method.upper()))
    return operations


def schema_path(route: str) -> str:
    """The URL pattern as the schema writes it: /api/v1/persons/<int:pk> → /api/v1/persons/{pk}."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
