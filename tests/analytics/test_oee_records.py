"""Runs and downtime: constraints in the database, refusals naming the field, overlaps naming
both events, bulk ingestion all-or-nothing, and daily OEE kept up to date in the same write."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from analytics.models import DowntimeEvent, OeeDaily, ProductionRun
from analytics.oee.services import (
    BulkRejected,
    DowntimeOverlapError,
    OeeRecordError,
    downtime_bulk_record,
    downtime_record,
    oee_daily_recompute_range,
    run_record,
    runs_bulk_record,
)
from tests.factories import LineProductFactory, ProductionLineFactory, ProductionRunFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def shift(**overrides):
    values = {
        "shift_start": at(2, 6),
        "shift_end": at(2, 14),
        "planned_seconds": 7 * 3600,
        "run_seconds": 6 * 3600,
        "total_count": 600,
        "good_count": 570,
    }
    return {**values, **overrides}


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"shift_end": at(2, 6)}, "end_after_start"),
        ({"good_count": 700}, "good_within_total"),
        ({"run_seconds": 8 * 3600}, "run_within_planned"),
    ],
)
def test_the_database_refuses_an_impossible_run_written_directly(overrides, constraint):
    product = LineProductFactory()
    values = shift(**overrides)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        ProductionRunFactory(product=product, **values)


def test_a_valid_run_is_recorded_and_its_day_computed_in_the_same_write():
    product = LineProductFactory(ideal_cycle_seconds=Decimal("30"))
    run_record(line=product.line, part=product.part, **shift())
    day = OeeDaily.objects.get(line=product.line, date=datetime.date(2026, 3, 2))
    assert round(day.availability, 4) == round(Decimal(6) / Decimal(7), 4)
    assert day.performance == Decimal("0.833333")  # 600 × 30 s / 6 h
    assert day.quality == Decimal("0.95")
    assert day.flags == [] and not day.is_flagged


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"good_count": 601}, "good_count"),
        ({"run_seconds": 7 * 3600 + 1}, "run_seconds"),
        ({"total_count": 1000}, "total_count"),
        ({"planned_seconds": 9 * 3600, "run_seconds": 6 * 3600}, "planned_seconds"),
        ({"shift_end": at(2, 5)}, "shift_end"),
    ],
)
def test_an_impossible_shift_record_is_refused_with_the_field_named_and_nothing_written(
    overrides, field
):
    product = LineProductFactory()
    with pytest.raises(OeeRecordError) as refused:
        run_record(line=product.line, part=product.part, **shift(**overrides))
    assert field in refused.value.message_dict
    assert not ProductionRun.objects.exists() and not OeeDaily.objects.exists()


def test_a_run_of_a_part_the_line_does_not_build_is_refused():
    product = LineProductFactory()
    other = LineProductFactory()
    with pytest.raises(OeeRecordError, match="does not build"):
        run_record(line=product.line, part=other.part, **shift())


def test_overlapping_downtime_on_one_line_is_refused_naming_both_events():
    line = ProductionLineFactory(code="L-OVL")
    first = downtime_record(line=line, start=at(2, 8), end=at(2, 9), reason="jam")
    with pytest.raises(DowntimeOverlapError) as refused:
        downtime_record(line=line, start=at(2, 8, 30), end=at(2, 10), reason="changeover")
    message = refused.value.messages[0]
    assert "L-OVL" in message and f"#{first.pk}" in message
    assert "08:30" in message and "changeover" in message and "jam" in message
    assert DowntimeEvent.objects.count() == 1


def test_downtime_touching_end_to_start_or_on_another_line_is_accepted():
    line = ProductionLineFactory()
    downtime_record(line=line, start=at(2, 8), end=at(2, 9), reason="jam")
    downtime_record(line=line, start=at(2, 9), end=at(2, 10), reason="jam")
    downtime_record(line=ProductionLineFactory(), start=at(2, 8), end=at(2, 9), reason="jam")
    assert DowntimeEvent.objects.count() == 3


def test_downtime_reason_sets_its_loss_category():
    event = downtime_record(
        line=ProductionLineFactory(), start=at(2, 8), end=at(2, 9), reason="changeover"
    )
    assert event.category == "setup" and event.seconds == 3600


def test_bulk_runs_are_all_or_nothing_with_errors_by_item_index():
    product = LineProductFactory()
    good = {"line": product.line, "part": product.part, **shift()}
    bad = {**good, "shift_start": at(3, 6), "shift_end": at(3, 14), "good_count": 9999}
    with pytest.raises(BulkRejected) as refused:
        runs_bulk_record(items=[good, bad])
    assert set(refused.value.item_errors) == {"1"}
    assert "good_count" in refused.value.item_errors["1"]
    assert refused.value.as_dict()["items"]["1"]["good_count"]
    assert not ProductionRun.objects.exists() and not OeeDaily.objects.exists()


def test_bulk_downtime_refuses_items_overlapping_each_other():
    line = ProductionLineFactory()
    items = [
        {"line": line, "start": at(2, 8), "end": at(2, 9), "reason": "jam"},
        {"line": line, "start": at(2, 8, 45), "end": at(2, 9, 30), "reason": "jam"},
    ]
    with pytest.raises(BulkRejected) as refused:
        downtime_bulk_record(items=items)
    assert list(refused.value.item_errors) == ["1"]
    assert not DowntimeEvent.objects.exists()


def test_bulk_runs_recompute_every_affected_day_once():
    product = LineProductFactory()
    items = [
        {"line": product.line, "part": product.part, **shift()},
        {
            "line": product.line,
            "part": product.part,
            **shift(shift_start=at(3, 6), shift_end=at(3, 14)),
        },
    ]
    runs_bulk_record(items=items)
    assert OeeDaily.objects.filter(line=product.line).count() == 2


def test_a_late_run_for_a_past_day_updates_that_days_oee():
    product = LineProductFactory()
    run_record(line=product.line, part=product.part, **shift())
    before = OeeDaily.objects.get().performance
    run_record(
        line=product.line,
        part=product.part,
        **shift(shift_start=at(2, 14), shift_end=at(2, 22), total_count=100, good_count=100),
    )
    day = OeeDaily.objects.get()
    assert day.planned_seconds == 14 * 3600 and day.total_count == 700
    assert day.performance != before


def test_recomputing_a_range_rebuilds_rows_from_runs():
    run = ProductionRunFactory()
    assert oee_daily_recompute_range() == 1
    day = OeeDaily.objects.get()
    assert (day.line, day.date, day.total_count) == (run.line, run.day, 600)
    run.delete()
    oee_daily_recompute_range()
    assert not OeeDaily.objects.exists()
