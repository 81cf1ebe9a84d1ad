"""The stock document page: a draft needs lines (but a build fills its own), and more lines
can be added than the blank rows the page starts with."""

import pytest
from django.urls import reverse

from tests.factories import LocationFactory, PartFactory
from warehouse.models import StockDocument

pytestmark = pytest.mark.django_db


def _management(total: int = 4) -> dict[str, str]:
    return {
        "lines-TOTAL_FORMS": str(total),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }


def test_a_receipt_without_lines_is_refused_and_nothing_is_saved(client, user_in_role):
    client.force_login(user_in_role("storekeeper"))
    response = client.post(
        reverse("warehouse:document-create"), {"doc_type": "RECEIPT", **_management()}
    )
    assert response.status_code == 200
    assert "Add at least one line" in response.content.decode()
    assert not StockDocument.objects.exists()


def test_a_receipt_with_lines_beyond_the_blank_rows_is_saved_whole(client, user_in_role):
    client.force_login(user_in_role("storekeeper"))
    location = LocationFactory()
    parts = PartFactory.create_batch(6)
    data = {"doc_type": "RECEIPT", "destination_location": location.pk, **_management(6)}
    for index, part in enumerate(parts):
        data[f"lines-{index}-part"] = part.pk
        data[f"lines-{index}-quantity"] = "3"

    response = client.post(reverse("warehouse:document-create"), data)

    assert response.status_code == 302
    document = StockDocument.objects.get()
    assert document.lines.count() == 6


def test_the_form_offers_add_line_with_a_row_template(client, user_in_role):
    client.force_login(user_in_role("storekeeper"))
    html = client.get(reverse("warehouse:document-create")).content.decode()
    assert 'data-add-line="lines"' in html
    assert '<template id="empty-line">' in html and "lines-__prefix__-part" in html
    assert "js/formset.js" in html
