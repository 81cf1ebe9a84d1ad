"""The one CSV reader and writer (config.csv_io) and the inventory imports over them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.csv_io import CsvFileError, CsvWriter, read_csv, write_csv
from inventory.imports.bom import BOM_COLUMNS, BomImportError, bom_import_csv
from inventory.imports.parts import PartImportError, parts_import_csv
from inventory.models import Part
from tests.factories import AssemblyFactory

HEADER = ",".join(BOM_COLUMNS)


def read(content, **kwargs):
    return read_csv(content, required=["sku", "name"], optional=["note"], **kwargs)


def test_the_reader_accepts_utf8_with_a_byte_order_mark_and_normalises_the_header():
    table = read("\ufeff SKU ,Name\nA-1, Servo \n".encode())
    assert table.columns == ["sku", "name"]
    assert [(row.line, row.values) for row in table] == [
        (2, {"sku": "A-1", "name": "Servo", "note": ""})
    ]


def test_the_reader_numbers_rows_by_the_line_they_start_on_and_skips_blank_rows():
    table = read('sku,name\n\nA,"two\nlines"\n,\nB,b\n')
    assert [row.line for row in table] == [3, 6]


def test_the_reader_refuses_a_file_that_is_not_utf8():
    with pytest.raises(CsvFileError, match="not UTF-8"):
        read("sku,name\nA,Servo Ä\n".encode("latin-1"))


def test_the_reader_refuses_a_binary_file_with_nul_bytes():
    with pytest.raises(CsvFileError, match="NUL bytes"):
        read(b"sku,name\nA,\x00\x01\x02\n")


def test_the_reader_names_missing_unexpected_and_repeated_columns():
    with pytest.raises(CsvFileError) as refused:
        read("sku,sku,colour\n")
    assert str(refused.value.messages[0]).startswith(
        "Wrong columns (missing name; unexpected colour; repeated sku)"
    )


def test_the_reader_refuses_an_oversized_cell_by_line_and_keeps_the_other_rows():
    table = read("sku,name\nA," + "x" * 20 + "\nB,b\n", max_cell_chars=10)
    assert table.errors == ["line 2: name is longer than 10 characters"]
    assert [row["sku"] for row in table] == ["B"]


def test_the_reader_refuses_a_cell_over_the_csv_modules_limit_as_a_whole_file_by_line():
    with pytest.raises(CsvFileError) as refused:
        read('sku,name\nA,a\nB,"' + "x" * 200_000 + '"\n')
    assert refused.value.messages == [
        "line 3: the file cannot be read as CSV (a cell is longer than 131,072 characters)."
    ]


def test_the_reader_reports_a_row_with_more_cells_than_columns():
    table = read("sku,name\nA,a,extra\nB,b\n")
    assert table.errors == ["line 2: more cells than columns"]


def test_the_reader_refuses_a_file_without_rows():
    with pytest.raises(CsvFileError, match="no rows"):
        read("sku,name\n\n")


def test_the_writer_writes_rows_with_newline_endings():
    assert write_csv([["sku", "name"], ["A", "Servo, 7.4 V"]]) == 'sku,name\nA,"Servo, 7.4 V"\n'
    assert CsvWriter.cell("=1+1") == "'=1+1"  # formulas are written as text (test_security)


@pytest.mark.django_db
def test_an_imported_assembly_is_named_from_the_assembly_name_column():
    text = f"{HEADER},assembly_name\nGRIPPER-02,SERVO,Servo,1,5,false,purchased,Parallel gripper\n"
    bom_import_csv(content=text)
    assert str(Part.objects.get(sku="GRIPPER-02")) == "GRIPPER-02 — Parallel gripper"


@pytest.mark.django_db
def test_an_existing_assembly_keeps_its_name_whatever_the_assembly_name_column_says():
    AssemblyFactory(sku="GRIPPER-02", name="Gripper v2")
    text = f"{HEADER},assembly_name\nGRIPPER-02,SERVO,Servo,1,5,false,purchased,Other name\n"
    bom_import_csv(content=text)
    assert Part.objects.get(sku="GRIPPER-02").name == "Gripper v2"


@pytest.mark.django_db
def test_an_imported_assembly_without_a_name_anywhere_is_still_named_after_its_sku():
    bom_import_csv(content=f"{HEADER}\nGRIPPER-02,SERVO,Servo,1,5,false,purchased\n")
    assert Part.objects.get(sku="GRIPPER-02").name == "GRIPPER-02"


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", ["-1", "0"])
def test_the_bom_import_refuses_a_zero_or_negative_quantity_with_the_one_message(quantity):
    with pytest.raises(BomImportError) as refused:
        bom_import_csv(content=f"{HEADER}\nARM,SERVO,Servo,{quantity},5,false,purchased\n")
    assert refused.value.messages == ["line 2: The quantity must be greater than 0."]


@pytest.mark.django_db
def test_a_bom_file_with_nul_bytes_is_refused_as_a_whole_naming_the_problem():
    with pytest.raises(BomImportError, match="NUL bytes"):
        bom_import_csv(content=f"{HEADER}\nARM,SERVO,Ser\x00vo,1,5,false,purchased\n".encode())
    assert not Part.objects.exists()


@pytest.mark.django_db
def test_a_parts_file_with_an_oversized_cell_is_refused_by_line():
    with pytest.raises(PartImportError) as refused:
        parts_import_csv(content="sku,name\nA,Servo\nB," + "x" * 20_000 + "\n")
    assert refused.value.messages == ["line 3: name is longer than 10,000 characters"]
    assert not Part.objects.exists()


@pytest.mark.django_db
def test_the_admin_bom_import_with_a_binary_file_shows_the_message_not_a_server_error(
    admin_client,
):
    response = admin_client.post(
        reverse("admin:inventory_part_import_bom"),
        {"file": SimpleUploadedFile("bom.xlsx", b"PK\x03\x04\x00\x00binary", "text/csv")},
    )
    assert response.status_code == 200
    assert "NUL bytes" in response.content.decode()
    assert not Part.objects.exists()
