"""The refresh schedules are database rows an operator edits: vendors every 10 min, orders 09:00."""

import json

import pytest
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db


def test_the_migration_creates_editable_refresh_schedules_in_the_configured_time_zone(settings):
    vendors = PeriodicTask.objects.get(name="geo: refresh vendors")
    orders = PeriodicTask.objects.get(name="geo: refresh orders")
    assert vendors.task == orders.task == "analytics.geo.refresh_kind"
    assert json.loads(vendors.args) == ["vendors"] and json.loads(orders.args) == ["orders"]
    assert (vendors.crontab.minute, vendors.crontab.hour) == ("*/10", "*")
    assert (orders.crontab.minute, orders.crontab.hour) == ("0", "9")
    assert str(orders.crontab.timezone) == settings.TIME_ZONE
