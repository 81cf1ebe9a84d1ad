"""Document lines move a positive quantity, enforced by a CHECK; only a count (a line of an
ADJUSTMENT, is_count) may be 0. Existing count lines are marked; a draft's zero-quantity
movement line, which could never post, is removed (posted documents cannot hold one)."""

from django.db import migrations, models


def mark_counts(apps, schema_editor) -> None:
    line = apps.get_model("warehouse", "DocumentLine")
    line.objects.filter(document__doc_type="ADJUSTMENT").update(is_count=True)
    line.objects.filter(is_count=False, quantity__lte=0, document__status="DRAFT").delete()


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0003_stockmove_append_only")]

    operations = [
        migrations.RemoveConstraint(
            model_name="documentline",
            name="warehouse_documentline_quantity_gte_0",
        ),
        migrations.AddField(
            model_name="documentline",
            name="is_count",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="A line of an ADJUSTMENT: its quantity is what was counted (may be 0).",
            ),
        ),
        migrations.RunPython(mark_counts, migrations.RunPython.noop),
    ]
