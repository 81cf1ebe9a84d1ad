"""The map pages: a shell over /api/geo/ with Leaflet, freshness, and the tile host in the CSP."""

import pytest

from tests.factories import CityFactory

pytestmark = pytest.mark.django_db


def test_the_map_page_shows_filters_freshness_and_a_blank_background_without_tiles(
    client, user_in_role, settings
):
    settings.GEO_TILE_URL = ""
    CityFactory(code="BER", name="Berlin")
    client.force_login(user_in_role("viewer"))
    response = client.get("/analytics/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/leaflet/leaflet.js" in html and 'data-tile-url=""' in html
    assert "never refreshed" in html and "Berlin" in html


def test_a_configured_tile_host_is_allowed_in_the_map_pages_csp(client, user_in_role, settings):
    settings.GEO_TILE_URL = "https://tile.example.org/{z}/{x}/{y}.png"
    client.force_login(user_in_role("viewer"))
    response = client.get("/analytics/map/coverage/")
    assert response.status_code == 200
    assert "img-src https://tile.example.org 'self'" in response["Content-Security-Policy"]
    assert "What-if radius" in response.content.decode()
