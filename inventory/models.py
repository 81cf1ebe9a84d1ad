"""Parts, categories, manufacturers, suppliers and bills of materials."""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    validate_image_file_extension,
)
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from config.trees import walk_up
from config.validators import validate_identifier
from inventory.choices import Airflow, DeviceType, UnitOfMeasure, WidthClass
from inventory.validators import (
    logo_extension_validator,
    validate_bom_quantity,
    validate_logo_size,
)

ZERO = Decimal("0")
# Far deeper than any real category tree; a walk up the tree stops here even if rows loop.
CATEGORY_MAX_DEPTH = 50


def category_ancestry(category_id: int | None) -> tuple[list[tuple[int, str]], bool]:
    """(id, name) of the category and each parent up to the root, and whether the walk stopped
    early because the rows above already loop or are deeper than ``CATEGORY_MAX_DEPTH``.

    One query for the whole tree (categories are few); the walk is ``config.trees.walk_up``.
    """
    rows = {
        pk: (name, parent_id)
        for pk, name, parent_id in Category.objects.values_list("pk", "name", "parent_id")
    }
    parents = {pk: parent_id for pk, (_, parent_id) in rows.items()}
    ids, stopped = walk_up(parents, category_id, max_depth=CATEGORY_MAX_DEPTH)
    return [(pk, rows[pk][0]) for pk in ids], stopped


class Category(models.Model):
    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="inventory_category_unique_name"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="inventory_category_unique_root_name",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="inventory_category_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse a parent that is this category or lies below it, naming the loop."""
        super().clean()
        if self.parent_id is None:
            return
        parent_name = getattr(self.parent, "name", self.parent_id)
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError(
                {"parent": f"{self.name} cannot be its own parent."}, code="category_cycle"
            )
        chain, stopped = category_ancestry(self.parent_id)
        ids = [node_id for node_id, _ in chain]
        if self.pk is not None and self.pk in ids:
            # chain runs from the new parent up to this category: the loop, top down, is this
            # category → … → new parent → this category.
            below = [name for _, name in reversed(chain[: ids.index(self.pk)])]
            loop = " → ".join([self.name, *below, self.name])
            raise ValidationError(
                {
                    "parent": f"{self.name} cannot be moved under {parent_name}: "
                    f"{parent_name} is inside {self.name}, so this would make a loop {loop}."
                },
                code="category_cycle",
            )
        if stopped:
            path = " → ".join(name for _, name in reversed(chain))
            raise ValidationError(
                {
                    "parent": f"The categories above {parent_name} loop or are deeper than "
                    f"{CATEGORY_MAX_DEPTH} levels ({path}); fix them before moving {self.name}."
                },
                code="category_cycle",
            )


class Manufacturer(models.Model):
    name = models.CharField(max_length=100, unique=True)
    website = models.URLField(blank=True)
    logo = models.ImageField(
        upload_to="manufacturers/",
        blank=True,
        validators=[logo_extension_validator, validate_image_file_extension, validate_logo_size],
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Part(models.Model):
    # What a catalogue row says about a part after its SKU and name, in the order the parts CSV
    # and the API give them.
    CATALOGUE_FIELDS = (
        "category",
        "manufacturer",
        "mpn",
        "unit",
        "is_assembly",
        "is_purchased",
        "unit_cost",
        "currency",
        "reorder_point",
        "lead_time_days",
        "is_active",
    )
    # The physical specs of a rack-mountable device, in the order the admin, the API and the
    # rack pages show them (like ``Location.RACK_FIELDS``).
    RACK_FIELDS = (
        "device_type",
        "height_u",
        "width_class",
        "depth_mm",
        "is_full_depth",
        "weight_kg",
        "power_w",
        "heat_btu_h",
        "airflow",
    )

    sku = models.CharField(
        "SKU",
        max_length=64,
        unique=True,
        validators=[validate_identifier],
        help_text="Stock keeping unit; unique regardless of case.",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="parts"
    )
    manufacturer = models.ForeignKey(
        Manufacturer, null=True, blank=True, on_delete=models.SET_NULL, related_name="parts"
    )
    mpn = models.CharField("MPN", max_length=100, blank=True, help_text="Manufacturer part number.")
    unit = models.CharField(
        max_length=8, choices=UnitOfMeasure.choices, default=UnitOfMeasure.PIECE
    )
    is_assembly = models.BooleanField(default=False, help_text="Built from a bill of materials.")
    is_purchased = models.BooleanField(default=True, help_text="Bought from suppliers.")
    unit_cost = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    currency = models.CharField(max_length=3, default="USD")
    reorder_point = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    lead_time_days = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    # Physical specs, used when the part is a rack-mountable device model.
    device_type = models.CharField(max_length=16, choices=DeviceType.choices, blank=True)
    height_u = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Height in rack units.",
    )
    width_class = models.CharField(max_length=8, choices=WidthClass.choices, blank=True)
    depth_mm = models.PositiveIntegerField(null=True, blank=True)
    is_full_depth = models.BooleanField(
        default=True, help_text="Occupies both faces of the rack at its units."
    )
    weight_kg = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    power_w = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    heat_btu_h = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    airflow = models.CharField(max_length=16, choices=Airflow.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(Lower("sku"), name="inventory_part_sku_ci_unique"),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="inventory_part_unit_cost_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reorder_point__gte=0), name="inventory_part_reorder_point_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(height_u__isnull=True) | Q(height_u__gte=1, height_u__lte=60),
                name="inventory_part_height_u_range",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=0),
                name="inventory_part_weight_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(power_w__isnull=True) | Q(power_w__gte=0),
                name="inventory_part_power_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(heat_btu_h__isnull=True) | Q(heat_btu_h__gte=0),
                name="inventory_part_heat_gte_0",
            ),
        ]
        indexes = [
            models.Index(fields=["name"], name="inventory_part_name_idx"),
            models.Index(fields=["mpn"], name="inventory_part_mpn_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} — {self.name}"


class Supplier(models.Model):
    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=32, unique=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SupplierPart(models.Model):
    # A supplier's terms for a part, in the order the admin and the API show them.
    TERMS_FIELDS = (
        "supplier_sku",
        "price",
        "currency",
        "moq",
        "pack_size",
        "lead_time_days",
        "url",
        "is_preferred",
    )

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="supplier_parts")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="supplier_parts")
    supplier_sku = models.CharField(max_length=100, blank=True)
    price = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    currency = models.CharField(max_length=3, default="USD")
    moq = models.DecimalField(
        "MOQ",
        max_digits=14,
        decimal_places=4,
        default=Decimal("1"),
        help_text="Minimum order quantity.",
    )
    pack_size = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("1"))
    lead_time_days = models.PositiveIntegerField(default=0)
    url = models.URLField("URL", blank=True, max_length=500)
    is_preferred = models.BooleanField(default=False)

    class Meta:
        ordering = ["part__sku", "price"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "part"], name="inventory_supplierpart_unique"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="inventory_supplierpart_price_gte_0"
            ),
            models.CheckConstraint(condition=Q(moq__gt=0), name="inventory_supplierpart_moq_gt_0"),
            models.CheckConstraint(
                condition=Q(pack_size__gt=0), name="inventory_supplierpart_pack_size_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.part.sku}"


class BomLine(models.Model):
    assembly = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="bom_lines")
    component = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="used_in_lines")
    quantity = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        validators=[validate_bom_quantity],
        help_text="Quantity of the component per one assembly.",
    )
    reference = models.CharField(
        max_length=500, blank=True, help_text="Reference designators, e.g. J1, J2."
    )
    optional = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["assembly_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "component"], name="inventory_bomline_unique_component"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="inventory_bomline_quantity_gt_0"
            ),
            models.CheckConstraint(
                condition=~Q(assembly=F("component")), name="inventory_bomline_not_self"
            ),
        ]
        indexes = [models.Index(fields=["component"], name="inventory_bom_component_idx")]

    def __str__(self) -> str:
        return f"{self.assembly.sku}: {self.quantity.normalize():f} × {self.component.sku}"


class BomRevision(models.Model):
    """One row counting changes to BOM lines; bumped in the same transaction as each change.

    Compiled BOM structures are cached under the current number, so a change to any line makes
    every cached structure unreachable at the moment it commits, in every process.
    """

    number = models.BigIntegerField(default=0)
    # A fresh random token with every change: cache keys built from it never repeat, even if the
    # database is restored to an older revision number and changed again.
    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="inventory_bomrevision_single_row")
        ]

    def __str__(self) -> str:
        return f"BOM revision {self.number}"
