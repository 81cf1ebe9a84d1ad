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
