"""OpenAPI schema tweaks for drf-spectacular.

Views declare their serializers nested (`MeApi.OutputSerializer`), as style.md asks, so many are
called OutputSerializer; the component name is prefixed with the view's name to keep them apart.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class SamspilAutoSchema(AutoSchema):
    def _get_serializer_name(
        self, serializer: Any, direction: str, bypass_extensions: bool = False
    ) -> str:
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        cls = serializer if isinstance(serializer, type) else serializer.__class__
        parts = cls.__qualname__.split(".")
        if len(parts) > 1 and not name.startswith(parts[0]):
            name = f"{parts[0]}{name}"
        return name


ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "description": "A refusal or a missing record, with a message for people.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "description": "What is wrong with the input: messages by field (`non_field_errors` or "
        "`detail` for the input as a whole), or a list of messages.",
        "oneOf": [
            {"type": "object", "additionalProperties": {}},
            {"type": "array", "items": {"type": "string"}},
        ],
    },
}


def _error(description: str, component: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Document the error answers every operation can give (samspil.web.api.exception_handler,
    RequireSecondFactorMiddleware): 401 before sign-in, 403 for every caller it refuses, and for
    an operation that takes input 400 when the input is wrong and 404 when it names a record the
    caller cannot see. The API fuzzer (web/tests/test_api_fuzz.py) holds responses to this."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            takes_input = (
                method not in ("get", "head")
                or "requestBody" in operation
                or bool(operation.get("parameters"))
            )
            if takes_input:
                responses.setdefault("400", _error("The input is invalid.", "ValidationError"))
            responses.setdefault("401", _error("Not signed in.", "Error"))
            responses.setdefault("403", _error("The caller may not do this.", "Error"))
            if takes_input:
                responses.setdefault("404", _error("No such record the caller may see.", "Error"))
    return result


def allow_empty_query_values(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """An optional query parameter sent empty (`?municipality=`) counts as not given: DRF reads a
    query string like an HTML form, where an empty optional field is absent. Say so in the schema,
    rather than claim `minLength: 1` or an enum the API does not hold such a value to."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result
