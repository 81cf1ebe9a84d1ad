"""The BOM CSV import and export: whole file checked first, all or nothing, idempotent."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inventory.imports.bom import BOM_COLUMNS, BomImportError, bom_import_csv
from inventory.imports.exports import bom_export_csv
from inventory.models import BomLine, Part
from tests.factories import AssemblyFactory, BomLineFactory

pytestmark = pytest.mark.django_db

HEADER = ",".join(BOM_COLUMNS)
DEMO_CSV = Path(__file__).resolve().parents[2] / "inventory" / "demo_data" / "bom.csv"


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def write(tmp_path, text: str | bytes) -> str:
    path = tmp_path / "bom.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_creates_missing_parts_and_lines():
    result = bom_import_csv(
        content=csv_text(
            "ARM,SERVO,Servo,6,14.00,false,purchased",
            "ARM,PRINT,Printed set,1,8,false,printed",
        )
    )
    assert (result.parts_created, result.lines_created) == (3, 2)
    arm = Part.objects.get(sku="ARM")
    assert arm.is_assembly and not arm.is_purchased
    printed = Part.objects.get(sku="PRINT")
    assert not printed.is_purchased and printed.unit_cost == Decimal("8")
    assert BomLine.objects.get(assembly=arm, component__sku="SERVO").quantity == Decimal("6")


def test_import_matches_existing_skus_regardless_of_case():
    AssemblyFactory(sku="Arm-1")
    bom_import_csv(content=csv_text("ARM-1,SERVO,Servo,6,14,false,purchased"))
    assert Part.objects.filter(sku__iexact="arm-1").count() == 1


def test_import_reports_every_bad_row_by_line_number_and_writes_nothing():
    text = csv_text(
        "ARM,SERVO,Servo,6,14.00,false,purchased",
        "ARM,BOARD,Board,0,11,false,purchased",
        "ARM,PSU,Supply,abc,10,false,purchased",
        "ARM,CABLE,Cable,1,-7,maybe,purchased",
    )
    with pytest.raises(BomImportError) as info:
        bom_import_csv(content=text)
    messages = info.value.messages
    assert any(m.startswith("line 3: The quantity must be greater than 0.") for m in messages)
    assert any(m.startswith("line 4: quantity: 'abc' is not a number") for m in messages)
    assert any(m.startswith("line 5: unit_cost_usd cannot be negative") for m in messages)
    assert any(m.startswith("line 5: optional must be true or false") for m in messages)
    assert Part.objects.count() == 0


def test_import_refuses_duplicate_rows():
    with pytest.raises(BomImportError, match="line 3: duplicate of line 2"):
        bom_import_csv(
            content=csv_text("ARM,SERVO,Servo,6,14,false,purchased", "arm,servo,Servo,1,14,,")
        )


def test_import_refuses_a_cycle_within_the_file_with_its_path():
    with pytest.raises(BomImportError, match="ARM-101 → WRIST-01 → ARM-101|WRIST-01 → ARM-101"):
        bom_import_csv(
            content=csv_text(
                "ARM-101,WRIST-01,Wrist,1,,false,assembly",
                "WRIST-01,ARM-101,Arm,1,,false,assembly",
            )
        )
    assert Part.objects.count() == 0


def test_import_refuses_a_cycle_through_lines_already_in_the_database():
    line = BomLineFactory(
        assembly=AssemblyFactory(sku="ARM-101"), component=AssemblyFactory(sku="WRIST-01")
    )
    with pytest.raises(BomImportError, match="line 2: .*cycle"):
        bom_import_csv(content=csv_text("WRIST-01,arm-101,Arm,1,,false,assembly"))
    assert list(BomLine.objects.all()) == [line]


def test_import_refuses_wrong_columns():
    with pytest.raises(BomImportError, match="missing kind"):
        bom_import_csv(
            content="assembly_sku,component_sku,component_name,quantity,unit_cost_usd,optional\n"
        )


def test_import_refuses_a_file_that_is_not_utf8():
    with pytest.raises(BomImportError, match="not UTF-8"):
        bom_import_csv(
            content=(csv_text("ARM,SERVO,Servo Ä,1,1,false,purchased")).encode("latin-1")
        )


def test_importing_the_same_file_twice_changes_nothing():
    content = DEMO_CSV.read_bytes()
    bom_import_csv(content=content)
    before = list(
        BomLine.objects.values_list("assembly_id", "component_id", "quantity", "optional")
    )
    result = bom_import_csv(content=content)
    assert (result.parts_created, result.lines_created, result.lines_updated) == (0, 0, 0)
    assert (
        list(BomLine.objects.values_list("assembly_id", "component_id", "quantity", "optional"))
        == before
    )


def test_reimport_updates_a_changed_quantity():
    bom_import_csv(content=csv_text("ARM,SERVO,Servo,6,14,false,purchased"))
    result = bom_import_csv(content=csv_text("ARM,SERVO,Servo,7,14,false,purchased"))
    assert result.lines_updated == 1
    assert BomLine.objects.get().quantity == Decimal("7")


def test_export_then_import_round_trips_the_demo_bom():
    bom_import_csv(content=DEMO_CSV.read_bytes())
    exported = bom_export_csv(part=Part.objects.get(sku="LEKIWI-12V"))
    assert exported.splitlines()[0] == HEADER
    result = bom_import_csv(content=exported)
    assert result.lines_unchanged == result.rows == len(exported.splitlines()) - 1


def test_import_bom_command_imports_a_file(tmp_path):
    out = StringIO()
    call_command("import_bom", str(DEMO_CSV), stdout=out)
    assert "27 rows" in out.getvalue()
    assert Part.objects.filter(sku="LEKIWI-12V", is_assembly=True).exists()


def test_import_bom_command_fails_with_every_bad_line_and_imports_nothing(tmp_path):
    path = write(
        tmp_path, csv_text("ARM,SERVO,Servo,6,14,false,purchased", "ARM,X,X,-1,1,false,alien")
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_bom", path, stderr=err)
    assert "line 3: The quantity must be greater than 0." in err.getvalue()
    assert "line 3: kind must be one of" in err.getvalue()
    assert Part.objects.count() == 0


def test_import_reports_a_cycle_together_with_other_bad_rows():
    with pytest.raises(BomImportError) as info:
        bom_import_csv(
            content=csv_text(
                "ARM-101,WRIST-01,Wrist,1,,false,assembly",
                "WRIST-01,ARM-101,Arm,1,,false,assembly",
                "ARM-101,SERVO,Servo,-1,14,false,purchased",
            )
        )
    messages = info.value.messages
    assert any(m.startswith("line 4: The quantity must be greater than 0.") for m in messages)
    assert any("cycle" in m for m in messages)
    assert Part.objects.count() == 0


def test_import_bom_command_prints_each_problem_once_then_one_summary_line(tmp_path):
    path = write(
        tmp_path,
        csv_text(
            "ARM-101,WRIST-01,Wrist,1,,false,assembly",
            "WRIST-01,ARM-101,Arm,1,,false,assembly",
            "ARM-101,SERVO,Servo,-1,14,false,purchased",
        ),
    )
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_bom", path, stderr=err)
    printed = err.getvalue().splitlines()
    assert len(printed) == 2
    assert printed[0].strip().startswith("line 4: The quantity")
    assert "cycle" in printed[1]
    assert str(info.value) == "bom.csv: 2 problem(s); nothing was imported."


def test_import_bom_command_fails_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_bom", str(tmp_path / "missing.csv"))


def test_export_bom_command_writes_the_import_format(tmp_path):
    bom_import_csv(content=DEMO_CSV.read_bytes())
    out = StringIO()
    call_command("export_bom", "so-arm100-f", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == HEADER
    assert (
        "SO-ARM100-F,STS3215-7V4,Feetech STS3215 serial bus servo 7.4 V,6,14.00,false,purchased"
        in lines
    )


def test_export_bom_command_fails_for_an_unknown_sku():
    with pytest.raises(CommandError, match="No part with SKU NOPE"):
        call_command("export_bom", "NOPE")


def test_import_reports_every_row_that_closes_a_cycle_with_other_bad_rows_and_writes_nothing(
    tmp_path,
):
    arm, wrist = AssemblyFactory(sku="ARM-101"), AssemblyFactory(sku="WRIST-01")
    elbow = AssemblyFactory(sku="ELBOW-01")
    BomLineFactory(assembly=arm, component=wrist)
    BomLineFactory(assembly=wrist, component=elbow)
    text = csv_text(
        "WRIST-01,ARM-101,Arm,1,,false,assembly",  # line 2: closes WRIST → ARM → WRIST
        "ELBOW-01,arm-101,Arm,1,,false,assembly",  # line 3: closes through stored lines
        "GRIP-01,CLAW-01,Claw,1,,false,assembly",  # line 4: fine on its own
        "CLAW-01,GRIP-01,Grip,1,,false,assembly",  # line 5: closes with line 4
        "ARM-101,SERVO,Servo,0,14,false,purchased",  # line 6: bad quantity
    )
    lines_before = set(BomLine.objects.values_list("pk", flat=True))
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_bom", write(tmp_path, text), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(BomImportError) as info:
        bom_import_csv(content=text)
    messages = info.value.messages
    assert "line 2: the BOM would contain a cycle WRIST-01 → ARM-101 → WRIST-01" in messages
    assert (
        "line 3: the BOM would contain a cycle ELBOW-01 → ARM-101 → WRIST-01 → ELBOW-01" in messages
    )
    assert "line 5: the BOM would contain a cycle CLAW-01 → GRIP-01 → CLAW-01" in messages
    assert not any(m.startswith("line 4:") for m in messages)
    assert any(m.startswith("line 6: The quantity must be greater than 0.") for m in messages)
    assert set(BomLine.objects.values_list("pk", flat=True)) == lines_before
    assert not Part.objects.filter(sku__in=["GRIP-01", "CLAW-01", "SERVO"]).exists()


def test_the_import_command_prints_every_cycle_line(tmp_path):
    arm, wrist = AssemblyFactory(sku="ARM-101"), AssemblyFactory(sku="WRIST-01")
    BomLineFactory(assembly=arm, component=wrist)
    text = csv_text(
        "WRIST-01,ARM-101,Arm,1,,false,assembly",
        "GRIP-01,CLAW-01,Claw,1,,false,assembly",
        "CLAW-01,GRIP-01,Grip,1,,false,assembly",
    )
    stderr = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_bom", write(tmp_path, text), stdout=StringIO(), stderr=stderr)
    printed = stderr.getvalue()
    assert "line 2: the BOM would contain a cycle" in printed
    assert "line 4: the BOM would contain a cycle CLAW-01 → GRIP-01 → CLAW-01" in printed
