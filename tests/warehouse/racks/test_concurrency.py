"""Concurrent placements into the same units: the rack lock lets only one of them succeed."""

import threading

import pytest
from django.db import connection

from tests.factories import AssetFactory, RackFactory
from warehouse.models import RackPlacement
from warehouse.racks.services import RackRuleError, placement_create


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_placements_into_the_same_units_cannot_both_succeed():
    rack = RackFactory()
    assets = AssetFactory.create_batch(6)
    barrier = threading.Barrier(len(assets))
    outcomes: list[str] = []

    def place(asset):
        try:
            barrier.wait()
            placement_create(rack=rack, asset=asset, start_u=10, face="front")
            outcomes.append("placed")
        except RackRuleError as error:
            outcomes.append(error.rule)
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(asset,)) for asset in assets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["no_overlap"] * 5 + ["placed"]
    assert RackPlacement.objects.filter(rack=rack).count() == 1
