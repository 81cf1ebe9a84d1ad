"""Serialised assets, their placement in racks, and the cables between them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from warehouse.choices import AssetStatus, CableType, RackFace


class Asset(models.Model):
    """One serialised unit of a part, e.g. a server with a serial number and a hostname."""

    part = models.ForeignKey(
        "inventory.Part",
        on_delete=models.PROTECT,
        related_name="assets",
        # Only device models (parts with a height in U); the admin's autocomplete applies it too.
        limit_choices_to={"height_u__isnull": False},
        help_text="The device model: a part with rack specs (height in U).",
    )
    name = models.CharField(max_length=100, help_text="Display name, e.g. the hostname.")
    serial_number = models.CharField(max_length=100, null=True, blank=True, unique=True)
    asset_tag = models.CharField(max_length=50, null=True, blank=True, unique=True)
    hostname = models.CharField(max_length=253, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AssetStatus.choices, default=AssetStatus.ACTIVE
    )
    location = models.ForeignKey(
        "warehouse.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
        help_text="Where the asset is kept when it is not racked.",
    )
    access_frequency = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(10)],
        help_text=(
            "0 (never touched) to 10 (handled daily); "
            "the optimiser keeps busy devices at waist height."
        ),
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(access_frequency__lte=10),
                name="warehouse_asset_access_frequency_lte_10",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A mounted asset keeps its part (see warehouse/racks/validation.py)."""
        super().clean()
        from warehouse.racks.validation import asset_part_change_errors

        errors = asset_part_change_errors(self)
        if errors:
            raise ValidationError(errors)


class RackPlacement(models.Model):
    """An asset mounted in a rack from start_u upwards on one face."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, related_name="placement")
    rack = models.ForeignKey(
        "warehouse.Location",
        on_delete=models.PROTECT,
        related_name="placements",
        limit_choices_to={"kind": "rack"},
    )
    start_u = models.PositiveSmallIntegerField(
        help_text="Lowest unit the device occupies (1 = bottom)."
    )
    face = models.CharField(max_length=8, choices=RackFace.choices, default=RackFace.FRONT)
    # Copied from the part when placed, so overlaps can be checked without joins.
    height_u = models.PositiveSmallIntegerField()
    is_full_depth = models.BooleanField(default=True)
    is_locked = models.BooleanField(default=False, help_text="The optimiser must not move it.")
    placed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rack_id", "-start_u"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_u__gte=1), name="warehouse_rackplacement_start_u_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(height_u__gte=1, height_u__lte=60),
                name="warehouse_rackplacement_height_range",
            ),
            models.CheckConstraint(
                condition=Q(start_u__lte=61 - F("height_u")),
                name="warehouse_rackplacement_within_60u",
            ),
        ]
        indexes = [models.Index(fields=["rack", "face", "start_u"], name="warehouse_place_rack_u")]

    def __str__(self) -> str:
        return f"{self.asset} @ {self.rack} U{self.start_u} {self.face}"

    @property
    def end_u(self) -> int:
        return self.start_u + self.height_u - 1


class Connection(models.Model):
    a_asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="connections_a")
    a_port = models.CharField(max_length=50)
    b_asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="connections_b")
    b_port = models.CharField(max_length=50)
    cable_type = models.CharField(max_length=16, choices=CableType.choices, default=CableType.CAT6)
    length_m = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["a_asset", "a_port"], name="warehouse_connection_a_port_unique"
            ),
            models.UniqueConstraint(
                fields=["b_asset", "b_port"], name="warehouse_connection_b_port_unique"
            ),
            models.CheckConstraint(
                condition=~Q(a_asset=F("b_asset")), name="warehouse_connection_distinct_ends"
            ),
            models.CheckConstraint(
                condition=Q(length_m__isnull=True) | Q(length_m__gt=0),
                name="warehouse_connection_length_gt_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.a_asset}:{self.a_port} → {self.b_asset}:{self.b_port}"
