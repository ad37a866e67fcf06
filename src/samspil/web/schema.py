"""OpenAPI schema tweaks for drf-spectacular.

Views declare their serializers nested (`MeApi.OutputSerializer`), as style.md asks, so many are
called OutputSerializer; the component name is prefixed with the view's name to keep them apart.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class SamspilAutoSchema(AutoSchema):
    def _get_serializer_name(self, serializer: Any, direction: str, bypass_extensions: bool = False) -> str:
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        cls = serializer if isinstance(serializer, type) else serializer.__class__
        parts = cls.__qualname__.split(".")
        if len(parts) > 1 and not name.startswith(parts[0]):
            name = f"{parts[0]}{name}"
        return name
