"""The OpenAPI schema is valid and states the constraints the API enforces (config/api/schema.py).

The fuzz tests generate "valid" input from this schema: a rule the API enforces but the schema
does not state makes the generated input mostly refused (and the fuzzing shallow), so a few
representative fields of each kind are pinned here.
"""

import re
import unicodedata

import pytest
from drf_spectacular.validation import validate_schema

from config.api.schema import ID_MAXIMUM
from config.validators import IDENTIFIER_PATTERN, identifier_problem
from tests.quality.test_api_fuzz import _own_schema


@pytest.fixture(scope="module")
def schema() -> dict:
    return _own_schema()


def _body_field(schema: dict, component: str, field: str) -> dict:
    return schema["components"]["schemas"][component]["properties"][field]


def _parameter(schema: dict, method: str, path: str, name: str) -> dict:
    (parameter,) = [p for p in schema["paths"][path][method]["parameters"] if p["name"] == name]
    return parameter["schema"]


def test_the_schema_validates_against_the_openapi_3_specification(schema):
    validate_schema(schema)  # raises jsonschema.ValidationError, naming the first problem


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("PartRequest", "sku"),
        ("PatchedPartRequest", "sku"),
        ("WarehouseRequest", "code"),
        ("LocationRequest", "code"),
        ("StockDocumentRequest", "external_reference"),
        ("StockDocumentRequest", "idempotency_key"),
    ],
)
def test_identifier_fields_state_the_identifier_pattern_and_their_length(schema, component, field):
    stated = _body_field(schema, component, field)
    assert stated["pattern"] == IDENTIFIER_PATTERN
    assert stated["maxLength"] > 0


def test_the_identifier_pattern_accepts_exactly_what_the_identifier_rule_accepts():
    """One rule, two readings: the schema's pattern and validate_identifier agree on every
    character of the Basic Multilingual Plane (where all refused characters are)."""
    pattern = re.compile(IDENTIFIER_PATTERN)
    disagreements = [
        f"U+{code:04X}"
        for code in range(0x10000)
        if bool(pattern.fullmatch(f"A{chr(code)}B")) == bool(identifier_problem(f"A{chr(code)}B"))
    ]
    assert disagreements == []
    # and the rule is the one the validator's docstring states
    assert identifier_problem("\u0085") and unicodedata.category("\u0085") == "Cc"


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("DocumentLineRequest", "part"),
        ("DocumentLineRequest", "to_location"),
        ("BomLineRequest", "component"),
        ("AssetRequest", "part"),
        ("ConnectionRequest", "a_asset"),
    ],
)
def test_related_ids_in_bodies_state_the_primary_key_range(schema, component, field):
    stated = _body_field(schema, component, field)
    assert (stated["minimum"], stated["maximum"]) == (1, ID_MAXIMUM)


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("get", "/api/parts/{id}/", "id"),
        ("patch", "/api/assets/{id}/", "id"),
        ("get", "/api/assets/", "part"),
        ("get", "/api/connections/", "asset"),
        ("get", "/api/moves/", "document"),
        ("get", "/api/bom-lines/", "part"),
    ],
)
def test_ids_in_paths_and_filters_state_the_primary_key_range(schema, method, path, name):
    stated = _parameter(schema, method, path, name)
    assert (stated["type"], stated["minimum"], stated["maximum"]) == ("integer", 1, ID_MAXIMUM)


def test_quantities_that_refuse_negatives_state_an_unsigned_decimal_pattern(schema):
    quantity = _body_field(schema, "DocumentLineRequest", "quantity")["pattern"]
    assert re.fullmatch(quantity, "12.5")
    assert not re.fullmatch(quantity, "-1")
    assert not re.fullmatch(quantity, ".")
    assert not re.fullmatch(quantity, "1.23456")  # four decimal places
    # a signed field keeps its sign
    assert re.fullmatch(_body_field(schema, "LocationRequest", "ambient_temp_c")["pattern"], "-5")


def test_bounded_values_and_text_filters_state_their_range_and_length(schema):
    assert _parameter(schema, "get", "/api/stock-levels/", "q")["maxLength"] == 100
    assert _parameter(schema, "get", "/api/parts/{id}/bom/", "depth") == {
        "type": "integer",
        "minimum": 1,
        "maximum": 50,
    }
    access = _body_field(schema, "AssetRequest", "access_frequency")
    assert (access["minimum"], access["maximum"]) == (0, 10)


def test_errors_are_documented_in_every_json_flavour_the_success_answer_offers(schema):
    """?format=geojson picks application/geo+json for the heatmap, its refusals included."""
    heatmap = schema["paths"]["/api/geo/heatmap/"]["get"]["responses"]
    assert "application/geo+json" in heatmap["200"]["content"]
    assert set(heatmap["400"]["content"]) == {"application/json", "application/geo+json"}
    parts = schema["paths"]["/api/parts/"]["get"]["responses"]
    assert set(parts["400"]["content"]) == {"application/json"}


def test_operations_with_a_body_document_the_415_for_an_unreadable_content_type(schema):
    """Found by `make fuzz`: a multipart body without its parts' headers answers 415."""
    assert "415" in schema["paths"]["/api/warehouses/"]["post"]["responses"]
    assert "415" not in schema["paths"]["/api/warehouses/"]["get"]["responses"]
