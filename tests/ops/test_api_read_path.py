"""The fast API read path answers what DRF answered, and its caches forget what changed.

Token cache: a revoked token, a deactivated user or a lost permission is refused at once, though
the token's user is otherwise served from the cache. Renderer: the bytes of DRF's JSONRenderer.
List rows: the bytes of the DRF serializers they replace.
"""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from config.api.listing import RowWriter
from config.api.renderers import FastJSONRenderer
from inventory.api.serializers import CategorySerializer, ManufacturerSerializer, PartSerializer
from inventory.models import Part
from tests.factories import (
    CategoryFactory,
    LocationFactory,
    ManufacturerFactory,
    PartFactory,
    StockLevelFactory,
)
from warehouse.api.serializers import StockLevelSerializer
from warehouse.api.views import StockLevelViewSet


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(user=user).key)
    return client


# --- the token cache -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_known_token_is_served_from_the_cache_without_queries(
    user_in_role, django_assert_num_queries
):
    CategoryFactory()
    client = _token_client(user_in_role("viewer"))
    assert client.get("/api/categories/").status_code == 200  # reads the token, fills the cache
    # Only the page itself now (its rows with their total): no token or permission queries.
    with django_assert_num_queries(1):
        assert client.get("/api/categories/").status_code == 200


@pytest.mark.django_db
def test_the_cached_user_carries_no_password_hash(user_in_role):
    from django.core.cache import cache

    from config.api.authentication import _entry_key

    user = user_in_role("viewer")
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + token.key)
    assert client.get("/api/parts/").status_code == 200
    _, cached, _ = cache.get(_entry_key(token.key))
    assert "password" in cached.get_deferred_fields()
    assert user.password not in repr(cached.__dict__)
    # Reading it loads it; saving the copy keeps the stored hash.
    assert cached.check_password("partline-test-password") == user.check_password(
        "partline-test-password"
    )
    cached.first_name = "Changed"
    cached.save()
    user.refresh_from_db()
    assert user.first_name == "Changed" and user.password == cached.password


@pytest.mark.django_db
def test_a_revoked_token_is_refused_at_once(user_in_role):
    user = user_in_role("viewer")
    client = _token_client(user)
    assert client.get("/api/parts/").status_code == 200
    call_command("api_token", "revoke", user.username)
    assert client.get("/api/parts/").status_code == 401


@pytest.mark.django_db
def test_a_rotated_token_refuses_the_old_key(user_in_role):
    user = user_in_role("viewer")
    client = _token_client(user)
    assert client.get("/api/parts/").status_code == 200
    call_command("api_token", "create", user.username, "--rotate", stdout=io.StringIO())
    assert client.get("/api/parts/").status_code == 401


@pytest.mark.django_db
def test_a_deactivated_user_is_refused_at_once(user_in_role):
    user = user_in_role("viewer")
    client = _token_client(user)
    assert client.get("/api/parts/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/parts/").status_code == 401


@pytest.mark.django_db
def test_a_user_taken_out_of_the_role_loses_its_permissions_at_once(user_in_role):
    user = user_in_role("viewer")
    client = _token_client(user)
    assert client.get("/api/parts/").status_code == 200
    user.groups.clear()
    assert client.get("/api/parts/").status_code == 403


@pytest.mark.django_db
def test_a_permission_taken_from_the_role_is_refused_at_once(user_in_role):
    client = _token_client(user_in_role("viewer"))
    assert client.get("/api/parts/").status_code == 200
    viewer = Group.objects.get(name="viewer")
    viewer.permissions.remove(*viewer.permissions.filter(codename="view_part"))
    assert client.get("/api/parts/").status_code == 403


@pytest.mark.django_db
def test_a_wrong_token_is_still_refused_after_a_right_one(user_in_role):
    client = _token_client(user_in_role("viewer"))
    assert client.get("/api/parts/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/parts/").status_code == 401


@pytest.mark.django_db
def test_with_the_cache_off_every_request_reads_the_token(
    user_in_role, settings, django_assert_num_queries
):
    settings.API_TOKEN_CACHE_SECONDS = 0
    CategoryFactory()
    client = _token_client(user_in_role("viewer"))
    client.get("/api/categories/")
    # The token with its user, the user's and the groups' permissions, then the page.
    with django_assert_num_queries(4):
        assert client.get("/api/categories/").status_code == 200


# --- the renderer ----------------------------------------------------------------------------

SAMPLES = [
    {"a": 1, "b": [1.5, None, True, False], "c": "naïve ✓ \u2028 \u2029 </script>"},
    {
        "when": datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
        "local": datetime.datetime(2026, 1, 2, 3, 4, 5),
        "day": datetime.date(2026, 1, 2),
        "time": datetime.time(3, 4, 5, 120000),
        "amount": Decimal("12.3400"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "lazy": gettext_lazy("This field is required."),
        "span": datetime.timedelta(minutes=90),
        1: "int key",
    },
    [{"nested": {"deep": [[[]]]}}, (1, 2), 2**70],  # a 70-bit integer: DRF's renderer renders it
    "plain",
    [],
]


@pytest.mark.parametrize("data", SAMPLES)
def test_the_renderer_writes_the_bytes_drf_writes(data):
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_the_renderer_indents_as_drf_does_when_asked():
    data = {"a": [1, {"b": 2}]}
    media_type = "application/json; indent=4"
    rendered = FastJSONRenderer().render(data, media_type, {})
    assert rendered == JSONRenderer().render(data, media_type, {})
    assert b"\n    " in rendered


def test_the_renderer_renders_no_body_for_none():
    assert FastJSONRenderer().render(None) == b""


@pytest.mark.django_db
def test_api_answers_are_rendered_by_the_fast_renderer(client_for):
    PartFactory(sku="R-1", name="Résistance ✓")
    response = client_for("viewer").get("/api/parts/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, FastJSONRenderer)
    assert response["Content-Type"] == "application/json"
    assert response.content == JSONRenderer().render(response.data)


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_reads_its_rows_and_the_total_in_one_query(client_for, django_assert_num_queries):
    for _ in range(7):
        CategoryFactory()
    client = client_for("viewer")
    client.get("/api/categories/")  # the user's permissions, read once
    with django_assert_num_queries(1):
        body = client.get("/api/categories/?page_size=3&page=2").json()
    assert body["count"] == 7
    assert len(body["results"]) == 3
    assert body["next"].endswith("page=3&page_size=3")
    assert client.get("/api/categories/?page_size=3&page=3").json()["results"][0]
    refused = client.get("/api/categories/?page_size=3&page=4")
    assert refused.status_code == 400
    assert refused.json()["page"] == ["page 4 does not exist; there are 3 pages."]


@pytest.mark.django_db
def test_an_empty_list_is_one_empty_page(client_for):
    body = client_for("viewer").get("/api/categories/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


# --- list rows -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_parts_list_rows_are_the_serializers_bytes(client_for):
    category = CategoryFactory()
    ManufacturerFactory()
    PartFactory(sku="A-1", category=category, unit_cost=Decimal("1.5"), description="x\u2028y")
    PartFactory(sku="A-2", category=None, manufacturer=None, notes="")
    response = client_for("viewer").get("/api/parts/?page_size=25")
    parts = Part.objects.select_related("category", "manufacturer").order_by("sku")
    expected = JSONRenderer().render(PartSerializer(parts, many=True).data)
    rows = sorted(response.json()["results"], key=lambda row: row["sku"])
    assert JSONRenderer().render(rows) == expected
    assert JSONRenderer().render(RowWriter.for_class(PartSerializer).rows(parts)) == expected


@pytest.mark.django_db
@pytest.mark.ledger_unchecked  # stock rows made directly: only their rendering is under test
def test_stock_level_rows_are_the_serializers_bytes(client_for):
    location = LocationFactory()
    StockLevelFactory(location=location, quantity=Decimal("3.5"))
    StockLevelFactory(location=location, quantity=Decimal("0"))
    response = client_for("viewer").get("/api/stock-levels/")
    levels = list(StockLevelViewSet.queryset.all())
    expected = StockLevelSerializer(levels, many=True).data
    assert response.content == JSONRenderer().render(
        {"count": 2, "next": None, "previous": None, "results": expected}
    )


def test_serializers_whose_output_needs_the_request_keep_drfs_list():
    assert RowWriter.for_class(ManufacturerSerializer) is None  # a file field (an absolute URL)
    assert RowWriter.for_class(CategorySerializer) is not None
