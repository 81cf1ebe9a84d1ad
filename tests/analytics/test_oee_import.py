"""manage.py import_oee_daily: malformed files refused whole with every bad row named; impossible
but well-formed rows loaded flagged; re-importing changes nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics.models import OeeDaily, ProductionLine
from tests.factories import ProductionLineFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "PRODUCTION_LINE,Date,Planned_Production_Time_Seconds,Actual_Run_Time_Seconds,"
    "Total_Actual_Output,Ideal_Cycle_Time_Seconds,Good_Output,Availability,Performance,Quality,OEE"
)
GOOD_ROWS = [
    "L1,2026-03-02,28800,25200,700,30,680,0.875,0.8333,0.9714,0.7083",
    "L1,2026-03-03,28800,25200,700,30,,,,,",
    "L2,2026-03-02,28800,14400,900,30,900,0.5,1.875,1,0.9375",  # performance 187 %
    "L2,2026-03-03,28800,0,50,30,50,,,,",  # output with no run time
    "L2,2026-03-04,0,3600,10,30,10,,,,",  # run time with no planned time
]


def write(tmp_path, rows, name="report.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def run(path):
    out = StringIO()
    call_command("import_oee_daily", path, stdout=out)
    return out.getvalue()


def test_a_report_loads_with_impossible_days_flagged_and_new_lines_created(tmp_path):
    ProductionLineFactory(code="L1")
    output = run(write(tmp_path, GOOD_ROWS))
    assert "Loaded 5 row(s), updated 0, unchanged 0, flagged 3." in output
    assert "flagged 1: Performance above 100 % (ideal cycle time probably wrong)" in output
    assert "flagged 1: Output with no run time" in output
    assert "flagged 1: Run time with no planned time" in output
    assert "new lines: L2" in output
    assert ProductionLine.objects.filter(code="L2").exists()
    fast = OeeDaily.objects.get(line__code="L2", date="2026-03-02")
    assert fast.performance == Decimal("1.875") and fast.is_flagged  # stored as reported
    missing_good = OeeDaily.objects.get(line__code="L1", date="2026-03-03")
    assert missing_good.quality == 1 and not missing_good.is_flagged


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD_ROWS)
    run(path)
    before = list(OeeDaily.objects.order_by("pk").values())
    output = run(path)
    assert "Loaded 0 row(s), updated 0, unchanged 5" in output
    assert list(OeeDaily.objects.order_by("pk").values()) == before


def test_stated_figures_that_disagree_with_the_recomputed_ones_are_reported(tmp_path):
    output = run(write(tmp_path, ["L1,2026-03-02,28800,25200,700,30,680,0.9,0.8333,0.9714,0.7"]))
    assert "Row 2: availability stated 0.9, computed 0.875" in output
    assert "Row 2: oee stated 0.7" in output


def test_a_malformed_file_is_refused_whole_with_every_bad_row_numbered(tmp_path):
    rows = [
        GOOD_ROWS[0],
        "L1,2026-02-30,28800,25200,700,30,680,,,,",
        "L1,2026-03-05,-1,25200,700,30,680,,,,",
        "L1,2026-03-06,28800,lots,700,30,680,,,,",
        "L1,2026-03-02,28800,25200,700,30,680,,,,",
    ]
    err = StringIO()
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_oee_daily", write(tmp_path, rows), stderr=err)
    messages = err.getvalue()
    assert "Row 3: Date '2026-02-30' is not a date" in messages
    assert "Row 4: Planned_Production_Time_Seconds -1 is negative" in messages
    assert "Row 5: Actual_Run_Time_Seconds 'lots' is not a number" in messages
    assert "Row 6: L1 on 2026-03-02 is already on row 2" in messages
    assert not OeeDaily.objects.exists() and not ProductionLine.objects.exists()


def test_a_file_missing_a_required_column_is_refused(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("PRODUCTION_LINE,Date\nL1,2026-03-02\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_oee_daily", str(path), stderr=StringIO())
    assert not OeeDaily.objects.exists()


def test_a_report_with_other_header_case_and_extra_columns_loads_through_the_shared_reader(
    tmp_path,
):
    path = tmp_path / "export.csv"
    path.write_text(
        HEADER.upper() + ",PLANT_NOTE\n" + GOOD_ROWS[0] + ",night shift short-staffed\n",
        encoding="utf-8",
    )
    run(str(path))
    day = OeeDaily.objects.get(line__code="L1")
    assert day.good_count == 680


def test_a_report_that_is_not_utf8_is_refused_with_one_line_and_nothing_loaded(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\n" + "Lé,2026-03-02,28800,25200,700,30,,,,,\n").encode("latin-1"))
    with pytest.raises(CommandError):
        call_command("import_oee_daily", str(path), stderr=StringIO())
    assert not OeeDaily.objects.exists()


def test_a_line_code_with_a_zero_width_character_is_refused_and_no_line_is_created(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_oee_daily",
            write(tmp_path, ["L\u200b1" + GOOD_ROWS[0].removeprefix("L1")]),
            stderr=err,
        )
    assert "Row 2: PRODUCTION_LINE must not contain control characters" in err.getvalue()
    assert "U+200B" in err.getvalue()
    assert not ProductionLine.objects.exists()
