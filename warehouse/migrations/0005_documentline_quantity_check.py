"""The CHECK on document line quantities, in its own migration (transaction): on PostgreSQL an
ALTER TABLE cannot follow row changes that left deferred foreign-key checks pending."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0004_documentline_is_count")]

    operations = [
        migrations.AddConstraint(
            model_name="documentline",
            constraint=models.CheckConstraint(
                condition=models.Q(quantity__gt=0) | models.Q(is_count=True, quantity__gte=0),
                name="warehouse_documentline_quantity_gt_0_or_count",
            ),
        ),
    ]
