"""BOM line services and selectors: cycles refused with their path, graphs in constant queries."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from inventory import selectors, services
from inventory.demo import load_demo_inventory
from inventory.models import BomLine, BomRevision, Part
from tests.factories import AssemblyFactory, BomLineFactory, BomRevisionFactory, PartFactory

pytestmark = pytest.mark.django_db


def test_adding_a_line_that_closes_a_cycle_is_refused_with_the_path():
    arm = AssemblyFactory(sku="ARM-101")
    wrist = AssemblyFactory(sku="WRIST-01")
    services.bom_line_add(assembly=arm, component=wrist, quantity=Decimal("1"))
    with pytest.raises(services.BomCycleError, match="WRIST-01 → ARM-101 → WRIST-01") as info:
        services.bom_line_add(assembly=wrist, component=arm, quantity=Decimal("1"))
    assert info.value.messages[0].startswith("Cannot add ARM-101 to WRIST-01")
    assert BomLine.objects.count() == 1


def test_a_cycle_through_several_levels_is_refused_with_the_whole_path():
    a, b, c = AssemblyFactory(sku="A"), AssemblyFactory(sku="B"), AssemblyFactory(sku="C")
    services.bom_line_add(assembly=a, component=b, quantity=Decimal("1"))
    services.bom_line_add(assembly=b, component=c, quantity=Decimal("2"))
    with pytest.raises(services.BomCycleError, match="C → A → B → C"):
        services.bom_line_add(assembly=c, component=a, quantity=Decimal("1"))


def test_a_part_cannot_be_added_to_itself():
    a = AssemblyFactory(sku="A")
    with pytest.raises(services.BomCycleError, match="A → A"):
        services.bom_line_add(assembly=a, component=a, quantity=Decimal("1"))


def test_moving_a_line_so_it_closes_a_cycle_is_refused():
    a, b, c = AssemblyFactory(sku="A"), AssemblyFactory(sku="B"), AssemblyFactory(sku="C")
    services.bom_line_add(assembly=a, component=b, quantity=Decimal("1"))
    line = services.bom_line_add(assembly=c, component=PartFactory(), quantity=Decimal("1"))
    services.bom_line_add(assembly=b, component=c, quantity=Decimal("1"))
    with pytest.raises(services.BomCycleError, match="C → A → B → C"):
        services.bom_line_update(line=line, component=a)


def test_a_non_positive_quantity_is_refused_by_the_service():
    with pytest.raises(services.InventoryError):
        services.bom_line_add(
            assembly=AssemblyFactory(), component=PartFactory(), quantity=Decimal("0")
        )


def test_the_database_refuses_a_non_positive_quantity_even_without_the_service():
    with pytest.raises(IntegrityError):
        BomLineFactory(quantity=Decimal("-1"))


def test_the_database_refuses_a_second_line_for_the_same_component():
    line = BomLineFactory()
    with pytest.raises(IntegrityError):
        BomLineFactory(assembly=line.assembly, component=line.component)


def test_the_database_refuses_a_sku_that_differs_only_in_case():
    PartFactory(sku="STS3215-7V4")
    with pytest.raises(IntegrityError):
        PartFactory(sku="sts3215-7v4")


def test_adding_a_line_marks_the_parent_as_an_assembly():
    parent = PartFactory(is_assembly=False)
    services.bom_line_add(assembly=parent, component=PartFactory(), quantity=Decimal("1"))
    parent.refresh_from_db()
    assert parent.is_assembly


def deep_bom(levels: int = 5, width: int = 3) -> Part:
    root = AssemblyFactory()
    layer = [root]
    for level in range(levels):
        next_layer = []
        for parent in layer:
            for _ in range(width if level < levels - 1 else 2):
                child = AssemblyFactory() if level < levels - 1 else PartFactory()
                BomLineFactory(assembly=parent, component=child)
                next_layer.append(child)
        layer = next_layer[:6]
    return root


def test_the_graph_below_an_assembly_loads_in_one_query_whatever_its_depth(
    django_assert_num_queries,
):
    root = deep_bom()
    with django_assert_num_queries(1):
        graph = selectors.bom_graph_below(part_id=root.pk)
    assert len(graph.edges()) == BomLine.objects.count()


def test_the_cycle_check_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    root = deep_bom()
    leaf = BomLine.objects.filter(component__is_assembly=False).first().component
    with django_assert_max_num_queries(3), pytest.raises(services.BomCycleError):
        services.bom_cycle_check(assembly=leaf, component=root)


def test_where_used_lists_every_assembly_above_a_part_through_all_levels():
    load_demo_inventory()
    servo = Part.objects.get(sku="STS3215-7V4")
    used = {row["part"].sku: row for row in selectors.where_used(part=servo)}
    assert set(used) == {"SO-ARM100-F", "SO-ARM100-L", "LEKIWI-12V"}
    assert used["LEKIWI-12V"]["level"] == 2
    assert used["LEKIWI-12V"]["quantity"] == Decimal("6")


def test_cost_rollup_of_the_demo_follower_arm_matches_its_published_bom():
    load_demo_inventory()
    rollup, _ = selectors.cost_rollup(part=Part.objects.get(sku="SO-ARM100-F"))
    # 6 × 14 + 11 + 7 + 10 + 8 (printed); the clamp and screwdriver set are optional.
    assert rollup.unit_cost == Decimal("120")


def test_loading_the_demo_twice_changes_nothing():
    load_demo_inventory()
    counts = (Part.objects.count(), BomLine.objects.count())
    summary = load_demo_inventory()
    assert (Part.objects.count(), BomLine.objects.count()) == counts
    assert "(0 created)" in summary


def test_the_demo_summary_reads_the_same_on_a_rerun_after_other_parts_were_added():
    first = load_demo_inventory()
    PartFactory()  # as the rack demo does after the inventory loader
    again = load_demo_inventory()
    assert first.startswith("inventory: 24 parts, 4 assemblies, 27 BOM lines (27 created)")
    assert again.startswith("inventory: 24 parts, 4 assemblies, 27 BOM lines (0 created)")


def test_dashboard_figures_count_parts_and_assemblies(user_in_role):
    AssemblyFactory()
    PartFactory()
    figures = {
        f["label"]: f["value"] for f in selectors.dashboard_figures(user=user_in_role("viewer"))
    }
    assert figures["Active parts"] == 2
    assert figures["Assemblies"] == 1


def test_saving_or_deleting_a_bom_line_bumps_the_bom_revision():
    BomRevisionFactory(number=41)
    line = services.bom_line_add(
        assembly=AssemblyFactory(), component=PartFactory(), quantity=Decimal("1")
    )
    assert selectors.bom_revision() == 42
    line.delete()
    assert selectors.bom_revision() == 43


def test_the_database_keeps_a_single_bom_revision_row():
    BomRevisionFactory()
    with pytest.raises(IntegrityError):
        BomRevision.objects.create(pk=2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_lines_that_together_close_a_cycle_cannot_both_be_added():
    import threading

    from django.db import connection

    a, b = AssemblyFactory(sku="A"), AssemblyFactory(sku="B")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(assembly, component):
        try:
            barrier.wait()
            services.bom_line_add(assembly=assembly, component=component, quantity=Decimal("1"))
            outcomes.append("added")
        except services.BomCycleError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=pair) for pair in ((a, b), (b, a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added", "refused"]
    assert BomLine.objects.count() == 1
