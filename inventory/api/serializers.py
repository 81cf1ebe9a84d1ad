"""Inventory API serializers: every field documented; BOM writes go through the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from inventory import services
from inventory.models import BomLine, Category, Manufacturer, Part, Supplier, SupplierPart
from inventory.validators import validate_bom_quantity

HELP = {
    "id": "Database id.",
    "name": "Name shown to people.",
    "description": "Free text.",
    "parent": "Parent category id; empty for a top-level category.",
    "website": "Web address.",
    "logo": "Logo image (PNG, JPEG, WebP or GIF, at most 512 KiB).",
    "category": "Category id.",
    "manufacturer": "Manufacturer id.",
    "unit": "Unit of measure.",
    "unit_cost": "Standard cost of one unit (≥ 0).",
    "currency": "ISO 4217 currency code.",
    "reorder_point": "Reorder when stock falls to this quantity (≥ 0).",
    "lead_time_days": "Days from order to arrival.",
    "is_active": "Inactive records are kept for history but not offered for new use.",
    "notes": "Internal notes.",
    "device_type": "Kind of rack-mountable device, if the part is one.",
    "width_class": "Full or half rack width.",
    "depth_mm": "Depth in millimetres.",
    "weight_kg": "Weight in kilograms.",
    "power_w": "Typical power draw in watts.",
    "heat_btu_h": "Heat output in BTU per hour.",
    "airflow": "Direction of the cooling airflow.",
    "created_at": "When the record was created.",
    "updated_at": "When the record last changed.",
    "code": "Short unique code.",
    "email": "Contact e-mail address.",
    "phone": "Contact phone number.",
    "supplier": "Supplier id.",
    "part": "Part id.",
    "supplier_sku": "The supplier's own SKU for the part.",
    "price": "Price per unit (≥ 0).",
    "pack_size": "Sold in multiples of this quantity (> 0).",
    "url": "Product page at the supplier.",
    "is_preferred": "Bought from this supplier when the part is short.",
    "assembly": "Assembly (part id) that contains the component.",
    "component": "Component (part id) used by the assembly.",
    "optional": "Optional lines are left out of requirements unless asked for.",
    "note": "Note on this line.",
    "position": "Sort order within the assembly.",
}


def _help(fields: list[str]) -> dict[str, dict[str, str]]:
    return {name: {"help_text": HELP[name]} for name in fields if name in HELP}


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "parent", "description"]
        extra_kwargs = _help(fields)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The unique constraints are conditional (root names), so DRF does not check them itself.
        name = attrs.get("name", getattr(self.instance, "name", None))
        parent = attrs.get("parent", getattr(self.instance, "parent", None))
        clash = Category.objects.filter(name=name, parent=parent)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            where = f"under {parent}" if parent else "at the top level"
            raise serializers.ValidationError({"name": f"A category {name!r} exists {where}."})
        # The same tree check as the admin (Category.clean, a bounded, loop-safe walk up); DRF
        # renders its ValidationError by field.
        Category(pk=getattr(self.instance, "pk", None), name=name, parent=parent).clean()
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Category:
        return services.category_save(category=Category(**validated_data))

    def update(self, instance: Category, validated_data: dict[str, Any]) -> Category:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.category_save(category=instance)


class ManufacturerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Manufacturer
        fields = ["id", "name", "website", "logo"]
        extra_kwargs = _help(fields)


class PartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = [
            "id",
            "sku",
            "name",
            "description",
            *Part.CATALOGUE_FIELDS,
            "notes",
            *Part.RACK_FIELDS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # min_value mirrors the CHECK constraints so a bad value is a 400, not an IntegrityError.
        extra_kwargs = {
            name: {**options, "min_value": 0}
            if name in ("unit_cost", "reorder_point", "weight_kg", "power_w", "heat_btu_h")
            else options
            for name, options in _help(fields).items()
        }

    def validate_sku(self, value: str) -> str:
        clash = Part.objects.filter(sku__iexact=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(f"SKU {value} is taken (SKUs ignore case).")
        return value


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = [
            "id",
            "name",
            "code",
            "website",
            "email",
            "phone",
            "currency",
            "is_active",
            "notes",
        ]
        extra_kwargs = _help(fields)


class SupplierPartSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplierPart
        fields = [
            "id",
            "supplier",
            "part",
            *SupplierPart.TERMS_FIELDS,
        ]
        extra_kwargs = _help(fields)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name, minimum, strict in (
            ("price", 0, False),
            ("moq", 0, True),
            ("pack_size", 0, True),
        ):
            value = attrs.get(name)
            if value is not None and (value <= minimum if strict else value < minimum):
                rule = "greater than 0" if strict else "at least 0"
                raise serializers.ValidationError({name: f"Must be {rule}."})
        return attrs


class BomLineSerializer(serializers.ModelSerializer):
    assembly_sku = serializers.CharField(
        source="assembly.sku", read_only=True, help_text="SKU of the assembly."
    )
    component_sku = serializers.CharField(
        source="component.sku", read_only=True, help_text="SKU of the component."
    )
    quantity = serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        validators=[validate_bom_quantity],
        help_text="Quantity of the component per one assembly (> 0).",
    )

    class Meta:
        model = BomLine
        fields = [
            "id",
            "assembly",
            "assembly_sku",
            "component",
            "component_sku",
            "quantity",
            "reference",
            "optional",
            "note",
            "position",
        ]
        extra_kwargs = {
            **_help(fields),
            "reference": {"help_text": "Reference designators, e.g. J1, J2."},
        }
        # Uniqueness and cycles are checked by the service, with readable messages.
        validators: list = []

    # The services' refusals (duplicate, cycle) reach the one API exception handler as they are.
    def create(self, validated_data: dict[str, Any]) -> BomLine:
        return services.bom_line_add(**validated_data)

    def update(self, instance: BomLine, validated_data: dict[str, Any]) -> BomLine:
        return services.bom_line_update(line=instance, **validated_data)


# --------------------------------------------------------------------------- computed answers


class DepthQuerySerializer(serializers.Serializer):
    depth = serializers.IntegerField(
        required=False, min_value=1, max_value=50, help_text="Levels to show; all when left out."
    )


class QuantityQuerySerializer(serializers.Serializer):
    quantity = serializers.DecimalField(
        required=False,
        max_digits=14,
        decimal_places=4,
        default=1,
        help_text="Units of the assembly (> 0); 1 when left out.",
    )
    include_optional = serializers.BooleanField(
        required=False, default=False, help_text="Also count the optional lines."
    )

    def validate_quantity(self, value: Any) -> Any:
        if value <= 0:
            raise serializers.ValidationError("The quantity must be greater than 0.")
        return value


class IncludeOptionalQuerySerializer(serializers.Serializer):
    include_optional = serializers.BooleanField(
        required=False, default=False, help_text="Also count the optional lines."
    )


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person.")


class PartRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Part id.")
    sku = serializers.CharField(help_text="Part SKU.")
    name = serializers.CharField(help_text="Part name.")


def _decimal_field(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=24, decimal_places=4, help_text=help_text)


class BomTreeRowSerializer(serializers.Serializer):
    depth = serializers.IntegerField(help_text="1 for a direct component of the part.")
    assembly = serializers.IntegerField(help_text="Part id of the assembly on this row.")
    component = PartRefSerializer(help_text="The component.")
    quantity = _decimal_field("Per one assembly.")
    extended_quantity = _decimal_field("Per one unit of the top part, along this path.")
    optional = serializers.BooleanField(help_text="Optional line.")
    unit_cost = _decimal_field("Rolled-up cost of one component.")
    has_children = serializers.BooleanField(help_text="The component has its own BOM.")


class BomTreeSerializer(serializers.Serializer):
    part = PartRefSerializer(help_text="The assembly.")
    depth = serializers.IntegerField(allow_null=True, help_text="Depth shown (null: all).")
    truncated = serializers.BooleanField(help_text="True when the tree was cut at the row limit.")
    rows = BomTreeRowSerializer(many=True, help_text="Indented rows, depth first.")


class RequirementSerializer(serializers.Serializer):
    part = PartRefSerializer(help_text="A purchased or made-in-house leaf part.")
    quantity = _decimal_field("Gross quantity required.")


class ExplodeSerializer(serializers.Serializer):
    part = PartRefSerializer(help_text="The assembly.")
    quantity = _decimal_field("Units of the assembly.")
    requirements = RequirementSerializer(many=True, help_text="Leaf parts, all levels.")


class CostLineSerializer(serializers.Serializer):
    assembly = PartRefSerializer(help_text="Assembly of the line.")
    component = PartRefSerializer(help_text="Component of the line.")
    quantity = _decimal_field("Per one assembly.")
    unit_cost = _decimal_field("Cost of one component (rolled up).")
    extended_cost = _decimal_field("Quantity × unit cost, per one assembly.")
    extended_quantity = _decimal_field("Component per one unit of the top part, through this line.")
    contribution = _decimal_field("Share of this line in the cost of one top unit.")
    is_leaf = serializers.BooleanField(help_text="The component has no BOM of its own.")


class CostSerializer(serializers.Serializer):
    part = PartRefSerializer(help_text="The part.")
    unit_cost = _decimal_field("Material cost of one unit, all levels.")
    currency = serializers.CharField(help_text="Currency of the costs.")
    lines = CostLineSerializer(many=True, help_text="Every line below the part.")


class WhereUsedSerializer(serializers.Serializer):
    part = PartRefSerializer(help_text="An assembly that uses the part.")
    level = serializers.IntegerField(help_text="1 when used directly.")
    quantity = _decimal_field("Quantity of the part in one unit of this assembly.")
