"""Schemathesis fuzzes every operation of the project's own OpenAPI schema, in-process over WSGI.

Each operation in /api/schema/ becomes one test per identity (manager with a token, anonymous).
A new endpoint is fuzzed as soon as it appears in the schema: nothing to add here.

Checks, chosen deliberately:
- not_a_server_error: no 5xx, for anyone, whatever the input.
- status_code_conformance: every status is one the schema documents.
- content_type_conformance: the body's media type is the documented one.
- response_schema_conformance: the body matches the documented schema.
- anonymous: every answer is 401 or 403 and carries no data (our own check below).
Left out, and why:
- negative_data_rejection / positive_data_acceptance: they judge *validation* by the generator's
  reading of the schema, and drf-spectacular cannot express every rule a serializer or a service
  enforces (unique SKU, no BOM cycle, stock available), so they fail on correct refusals (a 400
  for a duplicate SKU that the schema calls "valid") and on correct acceptances (DRF coerces
  "1" to 1). The bad-input tables in test_bad_input.py cover rejection with named cases instead.
- use_after_free / ensure_resource_availability: stateful-phase checks; the stateful phase is not
  run here (each example runs in the test's transaction, with the factories' fixed data).
- ignored_auth: the anonymous run below asserts the same thing directly for every operation.
- response_headers_conformance, missing_required_header, unsupported_method: headers carry no
  contract in this schema; unsupported methods are answered 405 by DRF and covered there.

Phases. The coverage phase (deterministic: each parameter's boundary values, each wrong type,
each missing required field, each unexpected method) runs in CI for the manager, bounded to
FUZZ_COVERAGE_CASES cases per operation, scenario and parameter (default 3, of up to 30; 0 is
no bound). The fuzzing phase then draws FUZZ_EXAMPLES random examples per operation (default 5).
The anonymous run has no coverage phase: it is refused before any parameter is read.
`make fuzz` sets FUZZ_COVERAGE_CASES=0 and FUZZ_EXAMPLES=200; FUZZ_COVERAGE=0 turns the coverage
phase off.
"""

import collections
import json
import os
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import CoveragePhaseData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import (
    BomLineFactory,
    CategoryFactory,
    LocationFactory,
    PartFactory,
    RackPlacementFactory,
    StockDocumentFactory,
    UserFactory,
)
from warehouse.choices import DocumentType
from warehouse.services import document_create, document_post

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ_COVERAGE = os.environ.get("FUZZ_COVERAGE", "1") == "1"
FUZZ_COVERAGE_CASES = int(os.environ.get("FUZZ_COVERAGE_CASES", "3"))
FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
# Without Phase.explicit schemathesis adds no coverage (nor schema example) cases to a test.
ANONYMOUS_SETTINGS = settings(FUZZ_SETTINGS, phases=[Phase.generate])

# Operations with a known bug in code this suite does not own: marked xfail (not strict, so a fix
# shows up as XPASS) with the bug named, never skipped. Key: "METHOD /path" as schemathesis labels
# it; tests/quality/conftest.py applies the marks at collection.
KNOWN_BUGS: dict[str, str] = {}


def _own_schema() -> dict:
    """The schema exactly as /api/schema/ serves it (rendered and parsed back as JSON)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


schema = schemathesis.openapi.from_dict(_own_schema())
schema.app = get_wsgi_application()
schema.config.phases.coverage.enabled = FUZZ_COVERAGE
# Unbounded, the coverage phase is about 13,000 requests (up to 600 for one operation, most of
# them the same scenario repeated: one wrong type after another for each body field).
_coverage_cases_seen: collections.Counter = collections.Counter()


@schema.hook
def filter_case(context, case) -> bool:
    """Keep the first FUZZ_COVERAGE_CASES coverage cases of each operation, scenario and
    parameter (the generator's order is fixed, so the same ones every run); other phases pass."""
    data = case.meta.phase.data if case.meta is not None else None
    if not isinstance(data, CoveragePhaseData) or FUZZ_COVERAGE_CASES <= 0:
        return True
    key = (case.operation.label, data.scenario, data.parameter_location, data.parameter)
    _coverage_cases_seen[key] += 1
    return _coverage_cases_seen[key] <= FUZZ_COVERAGE_CASES


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    """Calls go straight to the WSGI handler, whose request signals close old connections: on
    PostgreSQL that would close the test's own connection inside its transaction. Django's test
    Client disconnects the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_data(db):
    """A few rows of each kind so that generated ids (small integers first) hit real objects."""
    category = CategoryFactory()
    parts = PartFactory.create_batch(3, category=category)
    BomLineFactory(component=parts[0])
    location = LocationFactory()
    # Stock arrives through a posted receipt, so the ledger check after each test holds.
    clerk = UserFactory(role="storekeeper")
    receipt = document_create(
        doc_type=DocumentType.RECEIPT,
        user=clerk,
        lines=[{"part": parts[0], "quantity": Decimal("5"), "to_location": location}],
    )
    document_post(document=receipt, user=clerk)
    StockDocumentFactory()
    RackPlacementFactory()
    return parts


@pytest.fixture
def manager_token(db) -> str:
    from rest_framework.authtoken.models import Token

    user = UserFactory(username="fuzz-manager", role="manager", is_staff=True)
    return Token.objects.get_or_create(user=user)[0].key


@schema.parametrize()
@FUZZ_SETTINGS
def test_manager_gets_no_server_error_and_schema_conformant_answers(case, fuzz_data, manager_token):
    case.call_and_validate(headers={"Authorization": f"Token {manager_token}"}, checks=CHECKS)


@schema.parametrize()
@ANONYMOUS_SETTINGS
def test_anonymous_is_refused_with_401_or_403_and_sees_no_data(case, fuzz_data):
    response = case.call()
    if response.status_code == 404:
        # Only a URL that routes nowhere (say /api/parts/0.5/) may answer 404: no view ran.
        with pytest.raises(Resolver404):
            resolve(urlsplit(response.request.url).path)
        return
    assert response.status_code in (401, 403), (
        f"{case.operation.label} answered {response.status_code} to an anonymous client: "
        f"{response.text[:300]}"
    )
    body = response.json()
    assert set(body) <= {"detail"}, f"{case.operation.label} leaked data to anonymous: {body}"


def test_every_operation_documents_its_error_answers():
    """The schema the fuzzer trusts says what a client may get besides success."""
    missing = [
        f"{method.upper()} {path}: {status}"
        for path, item in _own_schema()["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
        for status in ("400", "401", "403", "404", "429")
        if status not in operation["responses"]
    ]
    assert missing == []
