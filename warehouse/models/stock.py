"""Warehouses, the location tree, stock levels, the stock ledger and stock documents."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from config.trees import walk_up
from config.validators import validate_identifier
from warehouse.choices import DocumentStatus, DocumentType, LocationKind, RackWidth

ZERO = Decimal("0")


class Warehouse(models.Model):
    code = models.CharField(max_length=16, unique=True, validators=[validate_identifier])
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Location(models.Model):
    # The rack properties below, in the order the admin, the API and the rack pages show them.
    RACK_FIELDS = (
        "rack_height_u",
        "rack_width",
        "rack_depth_mm",
        "max_weight_kg",
        "max_power_w",
        "cooling_capacity_btu_h",
        "max_inlet_temp_c",
        "ambient_temp_c",
    )

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(max_length=32, validators=[validate_identifier])
    name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=LocationKind.choices, default=LocationKind.BIN)
    is_default_receiving = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # Rack properties (kind == rack).
    rack_height_u = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Rack height in units (1–60); units are numbered from the bottom.",
    )
    rack_width = models.PositiveSmallIntegerField(choices=RackWidth.choices, null=True, blank=True)
    rack_depth_mm = models.PositiveIntegerField(null=True, blank=True)
    max_weight_kg = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_power_w = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    cooling_capacity_btu_h = models.DecimalField(
        max_digits=10, decimal_places=1, null=True, blank=True
    )
    max_inlet_temp_c = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    ambient_temp_c = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["warehouse__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "code"], name="warehouse_location_unique_code"
            ),
            models.UniqueConstraint(
                fields=["warehouse"],
                condition=Q(is_default_receiving=True),
                name="warehouse_location_one_default_receiving",
            ),
            models.CheckConstraint(
                condition=Q(rack_height_u__isnull=True)
                | Q(rack_height_u__gte=1, rack_height_u__lte=60),
                name="warehouse_location_rack_height_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind=LocationKind.RACK) | Q(rack_height_u__isnull=False),
                name="warehouse_location_rack_has_height",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="warehouse_location_not_own_parent"
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "kind"], name="warehouse_loc_wh_kind_idx")]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code}" if self.warehouse_id else self.code

    # Depth guard for the ancestor walk: real trees are a handful of levels deep.
    MAX_DEPTH = 64

    def clean(self) -> None:
        """The tree stays inside one warehouse and has no cycles; a location that holds stock,
        has a ledger or contains other locations keeps its warehouse (moving it would move stock
        without a document). Runs from the admin, the API and the services (full_clean)."""
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.parent_id is not None and self.warehouse_id is not None:
            parent = self.parent
            if parent.warehouse_id != self.warehouse_id:
                errors.setdefault("parent", []).append(
                    f"{parent} is in another warehouse; a location's parent must be in the "
                    "same warehouse."
                )
            elif self.pk is not None:
                path = self._cycle_through(parent)
                if path:
                    errors.setdefault("parent", []).append(
                        "A location cannot be inside itself: " + " → ".join(path) + "."
                    )
        if self.pk is not None and self.warehouse_id is not None:
            stored = Location.objects.filter(pk=self.pk).values_list("warehouse_id", flat=True)
            old = stored.first()
            if old is not None and old != self.warehouse_id:
                reason = self._why_warehouse_is_fixed()
                if reason:
                    errors.setdefault("warehouse", []).append(
                        f"{self.code} {reason}, so it stays in its warehouse; create the "
                        "location in the other warehouse and transfer the stock instead."
                    )
        if self.kind == LocationKind.RACK and self.rack_height_u in (None, ""):
            # Said here, by field, so nobody meets the bare constraint name instead.
            errors.setdefault("rack_height_u", []).append("A rack needs its height in U (1–60).")
        # A rack's new limits must still hold the devices mounted in it (racks' own check).
        from warehouse.racks.validation import rack_limits_errors

        for field, messages in rack_limits_errors(self).items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def _cycle_through(self, parent: "Location") -> list[str]:
        """The path self → … → self if `parent` is self or one of self's descendants.

        One query for the warehouse's tree, walked by ``config.trees.walk_up``; an older loop
        that does not pass through self is not this edit's doing, so it is not reported.
        """
        tree = Location.objects.filter(warehouse_id=self.warehouse_id)
        rows = {
            pk: (code, parent_id)
            for pk, code, parent_id in tree.values_list("pk", "code", "parent_id")
        }
        parents = {pk: parent_id for pk, (_, parent_id) in rows.items()}
        parents[parent.pk] = parent.parent_id
        ids, _ = walk_up(parents, parent.pk, max_depth=self.MAX_DEPTH)
        if self.pk not in ids:
            return []
        above = [rows[pk][0] if pk in rows else parent.code for pk in ids[: ids.index(self.pk)]]
        return [self.code, *reversed(above), self.code]

    def _why_warehouse_is_fixed(self) -> str:
        if self.stock_levels.filter(quantity__gt=0).exists():
            return "holds stock"
        if StockMove.objects.filter(location_id=self.pk).exists():
            return "has stock movements in the ledger"
        if self.children.exists():
            return "contains other locations"
        return ""


class StockLevel(models.Model):
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock_levels")
    part = models.ForeignKey(
        "inventory.Part", on_delete=models.PROTECT, related_name="stock_levels"
    )
    quantity = models.DecimalField(max_digits=16, decimal_places=4, default=ZERO)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "part"], name="warehouse_stocklevel_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="warehouse_stocklevel_quantity_gte_0"
            ),
        ]
        indexes = [models.Index(fields=["part", "location"], name="warehouse_stock_part_loc_idx")]

    def __str__(self) -> str:
        return f"{self.location} · {self.part.sku}: {self.quantity.normalize():f}"


class DocumentSequence(models.Model):
    """The last number used per document type and year; locked while a number is taken."""

    doc_type = models.CharField(max_length=16, choices=DocumentType.choices)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "year"], name="warehouse_docseq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.year}: {self.last_number}"


class StockDocument(models.Model):
    # The header a person or program fills in (the rest is stamped by the services), in the
    # order the page form, the admin and the API show it.
    HEADER_FIELDS = (
        "doc_type",
        "source_location",
        "destination_location",
        "build_part",
        "build_quantity",
        "partner",
        "external_reference",
        "note",
    )

    number = models.CharField(max_length=32, unique=True)
    doc_type = models.CharField(max_length=16, choices=DocumentType.choices)
    status = models.CharField(
        max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    source_warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destination_warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destination_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # BUILD documents: the assembly and how many units.
    build_part = models.ForeignKey(
        "inventory.Part", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    build_quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    partner = models.CharField(max_length=200, blank=True)
    external_reference = models.CharField(
        max_length=100, blank=True, validators=[validate_identifier]
    )
    note = models.TextField(blank=True)
    # Unique per creator (see Meta): one user's key never finds another user's document.
    idempotency_key = models.CharField(
        max_length=128, null=True, blank=True, validators=[validate_identifier]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("post_stockdocument", "Can post stock documents"),
            ("cancel_stockdocument", "Can cancel posted stock documents"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(build_quantity__isnull=True) | Q(build_quantity__gt=0),
                name="warehouse_stockdocument_build_quantity_gt_0",
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.POSTED) | Q(posted_at__isnull=False),
                name="warehouse_stockdocument_posted_has_time",
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], name="warehouse_doc_idempotency_per_user"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="warehouse_doc_status_created"),
            models.Index(fields=["doc_type", "status"], name="warehouse_doc_type_status"),
            models.Index(fields=["created_by", "created_at"], name="warehouse_doc_creator_created"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_editable(self) -> bool:
        return self.status == DocumentStatus.DRAFT


class DocumentLine(models.Model):
    document = models.ForeignKey(StockDocument, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey("inventory.Part", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        help_text="Quantity moved; for an ADJUSTMENT, the counted quantity (may be 0).",
    )
    from_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_cost = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_count = models.BooleanField(
        default=False,
        editable=False,
        help_text="A line of an ADJUSTMENT: its quantity is what was counted (may be 0).",
    )

    class Meta:
        ordering = ["document_id", "position", "id"]
        constraints = [
            # Movement lines move a positive quantity; a count may find zero.
            models.CheckConstraint(
                condition=Q(quantity__gt=0) | Q(is_count=True, quantity__gte=0),
                name="warehouse_documentline_quantity_gt_0_or_count",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0),
                name="warehouse_documentline_unit_cost_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.number}: {self.quantity.normalize():f} × {self.part.sku}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.is_count = self.document.doc_type == DocumentType.ADJUSTMENT
        super().save(*args, **kwargs)


class LedgerIsAppendOnly(Exception):
    """Raised on any attempt to change or remove a ledger row through the ORM."""


class StockMoveQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise LedgerIsAppendOnly(
            "Stock moves are never updated: post a document (or cancel one) to correct stock."
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerIsAppendOnly(
            "Stock moves are never deleted: post a document (or cancel one) to correct stock."
        )

    delete.queryset_only = True  # type: ignore[attr-defined]


class StockMove(models.Model):
    """Append-only ledger: one row per change of one stock level.

    Rows are only ever inserted. The ORM refuses updates and deletes (save() of a stored row,
    delete(), QuerySet.update()/delete()); on PostgreSQL a trigger refuses them too, so raw SQL
    cannot rewrite history either (migration 0003).
    """

    document = models.ForeignKey(StockDocument, on_delete=models.PROTECT, related_name="moves")
    line = models.ForeignKey(
        DocumentLine, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="moves")
    part = models.ForeignKey("inventory.Part", on_delete=models.PROTECT, related_name="stock_moves")
    quantity = models.DecimalField(max_digits=16, decimal_places=4, help_text="Signed change.")
    balance_after = models.DecimalField(max_digits=16, decimal_places=4)
    unit_cost = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StockMoveQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="warehouse_stockmove_nonzero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="warehouse_stockmove_balance_gte_0"
            ),
        ]
        indexes = [
            models.Index(fields=["part", "created_at"], name="warehouse_move_part_created"),
            models.Index(fields=["location", "part"], name="warehouse_move_loc_part"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.location} · {self.part.sku}: "
            f"{self.quantity.normalize():+f} → {self.balance_after.normalize():f}"
        )

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise LedgerIsAppendOnly(
                "Stock moves are never updated: post a document (or cancel one) to correct stock."
            )
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise LedgerIsAppendOnly(
            "Stock moves are never deleted: post a document (or cancel one) to correct stock."
        )


class IdempotencyRecord(models.Model):
    """The first response to a request that carried an Idempotency-Key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Who sent the key: keys are scoped to their user.",
    )
    key = models.CharField(max_length=128, validators=[validate_identifier])
    scope = models.CharField(max_length=100, help_text="Endpoint and object the key was used on.")
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "scope"], name="warehouse_idempotency_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class StockVerification(models.Model):
    """The result of one run of the ledger-against-balances check."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    levels_checked = models.PositiveIntegerField(default=0)
    mismatch_count = models.PositiveIntegerField(default=0)
    mismatches = models.JSONField(default=list, blank=True)
    triggered_by = models.CharField(max_length=32, default="schedule")
    job_id = models.CharField(
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text="The background job that wrote this result; a redelivered job finds it "
        "here and does not write a second one.",
    )

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return (
            f"Stock verification {self.started_at:%Y-%m-%d %H:%M}: {self.mismatch_count} mismatches"
        )


class PartValuation(models.Model):
    """The moving-average unit cost of a part across the company.

    Kept in its own row (not on inventory.Part) because it is warehouse state that changes with
    every receipt: posting locks this row while it recomputes the average, and inventory must not
    depend on warehouse. Part.unit_cost stays the planner's standard cost and is the fallback
    until the first receipt is posted.
    """

    part = models.OneToOneField(
        "inventory.Part", on_delete=models.CASCADE, related_name="valuation"
    )
    average_unit_cost = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(average_unit_cost__gte=0),
                name="warehouse_partvaluation_average_unit_cost_gte_0",
            )
        ]

    def __str__(self) -> str:
        return f"{self.part_id}: {self.average_unit_cost}"
