from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from inventory.models import BomLine, Category, Manufacturer, Part
        from inventory.revisions import PARTS
        from inventory.services import bom_revision_bump_on_change

        # Every path that saves or deletes a line one by one (services, admin, cascades) bumps
        # the BOM revision; bulk writes (the CSV import) bump it themselves.
        post_save.connect(bom_revision_bump_on_change, sender=BomLine, dispatch_uid="bom-rev-save")
        post_delete.connect(
            bom_revision_bump_on_change, sender=BomLine, dispatch_uid="bom-rev-delete"
        )
        # Cached API lists of parts are forgotten whenever a part row can have changed.
        PARTS.connect(Part, Category, Manufacturer)
