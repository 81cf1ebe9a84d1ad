"""The OpenAPI schema says what the API enforces: the error answers and the input constraints.

Error answers: DRF answers 400 (invalid input, a bad ?page= or ?page_size= included), 401/403
(authentication, permission), 404 (unknown id) and 429 (throttled, anonymous callers included)
from any view, but drf-spectacular documents only the success answer; `add_error_responses`
adds them, so clients know them and the fuzz tests check every status code.

Constraints: drf-spectacular states max lengths, choices and numeric ranges from Django's own
validators, but not the rules written as functions or implied by a field's type. Stated here,
once for every field they apply to:
- identifiers (fields validated by config.validators.validate_identifier) carry its `pattern`;
- ids (primary keys in paths, related fields in bodies, id filters in queries) are integers from
  1 to the largest bigint, so an out-of-range id is known to be refused (400 or 404);
- decimal strings (quantities, money) carry a pattern without a sign where the field refuses
  negatives, and with at least one digit;
- text filters with a `max_length` carry `maxLength`.
A client (and schemathesis) generating "valid" input from the schema then mostly gets past
validation, and what the API refuses is what the schema says it refuses.
"""

from typing import Any

from django.core import validators
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from config.validators import IDENTIFIER_PATTERN, validate_identifier

# Primary keys are BigAutoField (DEFAULT_AUTO_FIELD): 1 to the largest 64-bit integer.
ID_MINIMUM = 1
ID_MAXIMUM = 2**63 - 1

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, for a person."}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "description": (
        'Field name → messages, {"detail": message} for a whole-request error, or a plain list '
        "of messages (DRF's answer to a bad query parameter, e.g. a null character in ?search=)."
    ),
    "oneOf": [
        {
            "type": "object",
            "additionalProperties": {
                "oneOf": [{"type": "string"}, {"type": "array", "items": {}}, {"type": "object"}]
            },
        },
        {"type": "array", "items": {"type": "string"}},
    ],
}
ERROR_RESPONSES = {
    "400": (
        "Invalid input: the messages say which field or query parameter and why (on a list, a "
        "?page= or ?page_size= that is not a whole number from 1, or a page past the end).",
        VALIDATION_ERROR_SCHEMA,
    ),
    "401": ("Not authenticated: send a session cookie or `Authorization: Token …`.", ERROR_SCHEMA),
    "403": ("Authenticated, but the role does not allow this.", ERROR_SCHEMA),
    "404": ("No such object.", ERROR_SCHEMA),
    "429": ("Too many requests: retry after the `Retry-After` seconds.", ERROR_SCHEMA),
}
# DRF's parsers refuse a body they cannot read as its Content-Type says (a multipart body with no
# boundary, a media type not offered) before the view runs.
UNSUPPORTED_MEDIA_TYPE = (
    "Unsupported media type: send the body as one of the documented content types.",
    ERROR_SCHEMA,
)
METHODS = ("get", "put", "patch", "post", "delete", "head", "options", "trace")


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the common error answers where not documented."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            media_types = _error_media_types(responses)
            errors = dict(ERROR_RESPONSES)
            if "requestBody" in operation:
                errors["415"] = UNSUPPORTED_MEDIA_TYPE
            for status, (description, schema) in errors.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {media_type: {"schema": schema} for media_type in media_types},
                    },
                )
    return result


def _error_media_types(responses: dict[str, Any]) -> list[str]:
    """application/json, and any JSON flavour a success answer offers: a client that chose it
    (say ?format=geojson, application/geo+json) gets the same error body under that type."""
    offered = {
        media_type
        for status, response in responses.items()
        if status.startswith("2")
        for media_type in response.get("content", {})
        if media_type.endswith("+json")
    }
    return ["application/json", *sorted(offered)]


def state_id_range(schema: dict[str, Any]) -> None:
    """An integer id schema gets the range of a primary key (kept where one is already stated)."""
    if schema.get("type") == "integer":
        schema.setdefault("minimum", ID_MINIMUM)
        schema.setdefault("maximum", ID_MAXIMUM)


def decimal_pattern(field: serializers.DecimalField) -> str:
    """The decimal strings the field accepts: a sign only if it takes negatives, a digit always."""
    lowest = [
        v.limit_value for v in field.validators if isinstance(v, validators.MinValueValidator)
    ]
    sign = "" if any(limit is not None and limit >= 0 for limit in lowest) else "-?"
    places = field.decimal_places or 0
    whole = (field.max_digits - places) if field.max_digits is not None else None
    digits = rf"\d{{1,{whole}}}" if whole else (r"0" if whole == 0 else r"\d+")
    fraction = rf"(?:\.\d{{1,{places}}})?" if places else ""
    return rf"^{sign}{digits}{fraction}$"


class PartlineAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, stating the constraints of identifiers, ids and decimals."""

    def _insert_field_validators(self, field: serializers.Field, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if schema.get("readOnly"):
            return
        if schema.get("type") == "string" and validate_identifier in field.validators:
            schema["pattern"] = IDENTIFIER_PATTERN
        elif isinstance(field, serializers.PrimaryKeyRelatedField):
            state_id_range(schema)
        elif isinstance(field, serializers.ManyRelatedField) and "items" in schema:
            if isinstance(field.child_relation, serializers.PrimaryKeyRelatedField):
                state_id_range(schema["items"])
        elif (
            isinstance(field, serializers.DecimalField)
            and schema.get("type") == "string"
            and "pattern" in schema
        ):
            schema["pattern"] = decimal_pattern(field)


class PartlineDjangoFilterExtension(DjangoFilterExtension):
    """drf-spectacular's django-filter introspection, stating id ranges and text lengths."""

    priority = 1

    def resolve_filter_field(
        self,
        auto_schema: AutoSchema,
        model: Any,
        filterset_class: Any,
        field_name: str,
        filter_field: Any,
    ) -> list[dict[str, Any]]:
        from django_filters import filters

        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        is_id = isinstance(filter_field, filters.ModelChoiceFilter) or (
            isinstance(filter_field, filters.NumberFilter)
            and _is_relation_or_pk(model, filter_field.field_name)
        )
        max_length = filter_field.extra.get("max_length")
        for parameter in parameters:
            schema = parameter["schema"]
            if is_id:
                state_id_range(schema)
            if max_length and schema.get("type") == "string":
                schema.setdefault("maxLength", max_length)
        return parameters


def _is_relation_or_pk(model: Any, field_name: str) -> bool:
    try:
        field = model._meta.get_field(field_name.split("__")[0])
    except Exception:  # not a model field (an annotation): nothing is known about it
        return False
    return bool(field.is_relation or field.primary_key)


def state_path_id_ranges(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: an integer path parameter ({id}) is a primary key."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    state_id_range(parameter.get("schema", {}))
    return result
