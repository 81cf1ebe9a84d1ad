"""Run by tests/ops/test_db_router.py in a child process with two SQLite databases.

DATABASE_URL and DATABASE_REPLICA_URL name two files; "replication" is a file copy. Prints one
JSON object with what each step saw.
"""

import json
import os
import shutil
import sys
from decimal import Decimal

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections, router, transaction

    from analytics.selectors import stock_movement_chart
    from tests.factories import LocationFactory, PartFactory, UserFactory
    from warehouse.choices import DocumentType
    from warehouse.models import StockMove
    from warehouse.services import document_create, document_post

    primary = settings.DATABASES["default"]["NAME"]
    replica = settings.DATABASES["replica"]["NAME"]

    def replicate() -> None:
        connections["replica"].close()
        shutil.copyfile(primary, replica)

    call_command("migrate", verbosity=0, database="default")
    viewer = UserFactory(is_superuser=True)
    part, location = PartFactory(), LocationFactory()
    replicate()

    clerk = UserFactory(role="storekeeper")
    document = document_create(
        doc_type=DocumentType.RECEIPT,
        user=clerk,
        lines=[{"part": part, "quantity": Decimal("5"), "to_location": location}],
    )
    document_post(document=document, user=clerk)

    def chart_total() -> float:
        return sum(stock_movement_chart(user=viewer)["datasets"][0]["data"])

    seen: dict = {
        "primary_moves": StockMove.objects.using("default").count(),
        "replica_moves": StockMove.objects.using("replica").count(),
        "chart_before_replication": chart_total(),
        "plain_read_alias": StockMove.objects.all().db,
    }
    with transaction.atomic():
        seen["chart_inside_transaction"] = chart_total()
    replicate()
    seen["chart_after_replication"] = chart_total()
    from_replica = type(part).objects.using("replica").get(pk=part.pk)
    seen["write_alias_for_replica_object"] = router.db_for_write(type(part), instance=from_replica)
    from_replica.name = "renamed on the primary"
    from_replica.save()
    seen["primary_name"] = type(part).objects.using("default").get(pk=part.pk).name
    seen["replica_name"] = type(part).objects.using("replica").get(pk=part.pk).name
    json.dump(seen, sys.stdout)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    main()
