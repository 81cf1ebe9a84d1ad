import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import PartFactory


@pytest.fixture
def low_rate(settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "3/min", "user": "3/min"}
    settings.REST_FRAMEWORK = rest
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rest["DEFAULT_THROTTLE_RATES"]
    yield
    SimpleRateThrottle.THROTTLE_RATES = original
    api_settings.reload()


@pytest.mark.django_db
def test_requests_over_the_rate_get_429_with_retry_after(client_for, low_rate):
    client = client_for("viewer")
    statuses = [client.get("/api/parts/").status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    response = client.get("/api/parts/")
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_anonymous_requests_are_throttled_too(low_rate):
    client = APIClient()
    statuses = [client.get("/api/schema/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_anonymous_calls_to_a_protected_endpoint_are_throttled_after_the_rate(low_rate):
    # Authentication and permissions run before DRF's throttles: without the project's handler
    # every one of these would be a 401 and the rate would never bite.
    client = APIClient()
    statuses = [client.get("/api/parts/").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    response = client.get("/api/parts/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_calls_with_a_wrong_token_are_throttled_after_the_rate(low_rate):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    statuses = [client.get("/api/parts/").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    response = client.post("/api/parts/", {"sku": "X", "name": "X"}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_the_anonymous_rate_is_counted_per_client_address(low_rate):
    for _ in range(4):
        APIClient(REMOTE_ADDR="10.0.0.1").get("/api/parts/")
    assert APIClient(REMOTE_ADDR="10.0.0.1").get("/api/parts/").status_code == 429
    assert APIClient(REMOTE_ADDR="10.0.0.2").get("/api/parts/").status_code == 401


@pytest.mark.django_db
def test_a_refusal_after_the_throttles_ran_is_counted_once(low_rate):
    # A 401 raised inside the handler (after DRF's throttles counted the call) must not be
    # counted again by the exception handler, or the rate would bite at half the calls.
    from rest_framework import exceptions
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    class RefusesInsideTheHandler(APIView):
        permission_classes: list[type] = []

        def get(self, request):  # type: ignore[no-untyped-def]
            raise exceptions.NotAuthenticated()

    view = RefusesInsideTheHandler.as_view()
    statuses = [view(APIRequestFactory().get("/x/")).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


@pytest.mark.django_db
def test_page_size_is_capped_at_100(client_for):
    PartFactory.create_batch(105)
    body = client_for("viewer").get("/api/parts/?page_size=500").json()
    assert body["count"] == 105
    assert len(body["results"]) == 100


@pytest.mark.django_db
def test_default_page_size_is_25(client_for):
    PartFactory.create_batch(30)
    body = client_for("viewer").get("/api/parts/").json()
    assert len(body["results"]) == 25 and body["next"]


@pytest.mark.django_db
def test_anonymous_api_access_is_401_with_an_authenticate_header():
    response = APIClient().get("/api/parts/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
def test_token_authentication_works(user_in_role):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=user_in_role("viewer"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/parts/").status_code == 200


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/parts/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


@pytest.mark.django_db
def test_cors_allows_only_configured_origins(client):
    with override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"]):
        allowed = client.get("/health/", HTTP_ORIGIN="https://app.example.com")
        other = client.get("/health/", HTTP_ORIGIN="https://evil.example.com")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Access-Control-Allow-Origin" not in other
