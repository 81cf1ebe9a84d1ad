"""Warehouse API serializers: input validation and output shapes; writes go through services."""

import copy
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from rest_framework import serializers

from config.validators import validate_identifier
from inventory.models import Part
from warehouse import services
from warehouse.models import (
    DocumentLine,
    Location,
    StockDocument,
    StockLevel,
    StockMove,
    StockVerification,
    Warehouse,
)


def _help(**texts: str) -> dict[str, dict[str, str]]:
    return {name: {"help_text": text} for name, text in texts.items()}


class RefuseReadOnlyFieldsMixin:
    """A read-only field sent by a client is refused with 400 naming it, not silently ignored.

    Sending back what a GET answered stays possible: the ``id`` and, when changing an object,
    read-only values equal to the stored ones are accepted (and, being read-only, ignored).
    """

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            refused = {
                name: ["This field is read-only."]
                for name in self._read_only_names() & set(data.keys())
                if not self._is_stored_value(name, data[name])
            }
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)

    def _read_only_names(self) -> set[str]:
        return {name for name, field in self.fields.items() if field.read_only} - {"id"}

    def _is_stored_value(self, name: str, value: Any) -> bool:
        if self.instance is None or isinstance(self.instance, list):
            return False
        field = self.fields[name]
        attribute = field.get_attribute(self.instance)
        stored = None if attribute is None else field.to_representation(attribute)
        return stored == value or (stored is not None and str(stored) == str(value))


class WarehouseSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "address", "is_active", "created_at"]
        extra_kwargs = _help(
            id="Database id.",
            code="Short unique code, e.g. WH1; used in location names like WH1/A-01.",
            name="Name of the warehouse (site).",
            address="Postal address.",
            is_active="Inactive warehouses are kept for history but not offered for new stock.",
            created_at="When the warehouse was created.",
        )

    def create(self, validated_data: dict[str, Any]) -> Warehouse:
        warehouse = services.warehouse_create(
            code=validated_data["code"],
            name=validated_data["name"],
            address=validated_data.get("address", ""),
        )
        if validated_data.get("is_active") is False:
            warehouse.is_active = False
            warehouse.save(update_fields=["is_active"])
        return warehouse


class LocationSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    full_code = serializers.SerializerMethodField(help_text="Warehouse code / location code.")

    class Meta:
        model = Location
        fields = [
            "id",
            "warehouse",
            "parent",
            "code",
            "full_code",
            "name",
            "kind",
            "is_default_receiving",
            "is_active",
            *Location.RACK_FIELDS,
        ]
        read_only_fields = ["is_default_receiving"]
        extra_kwargs = _help(
            rack_height_u="Racks only (required for kind rack): height in units, 1–60, "
            "numbered from the bottom. Cannot go below the highest unit in use.",
            rack_width="Racks only: width class, 19 or 23 (inches).",
            rack_depth_mm="Racks only: usable mounting depth, mm; empty if not recorded.",
            max_weight_kg="Racks only: maximum load, kg; empty if not recorded.",
            max_power_w="Racks only: maximum power draw, W; empty if not recorded.",
            cooling_capacity_btu_h="Racks only: cooling capacity, BTU/h; empty if not recorded.",
            max_inlet_temp_c="Racks only: maximum device inlet temperature, °C (27 if empty).",
            ambient_temp_c="Racks only: ambient (supply air) temperature, °C (22 if empty).",
            id="Database id.",
            warehouse="The warehouse this location belongs to.",
            parent="The enclosing location (zone, room, rack, shelf); empty at the top.",
            code="Code, unique within the warehouse, e.g. A-01-03.",
            name="Optional descriptive name.",
            kind="What the location is: receiving, zone, room, rack, shelf or bin.",
            is_default_receiving="The location receipts go to when none is given (one per "
            "warehouse, created with it).",
            is_active="Inactive locations are kept for history.",
        )

    def get_full_code(self, obj: Location) -> str:
        return f"{obj.warehouse.code}/{obj.code}"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Location.clean holds the tree rules (same warehouse, no cycles, a stocked location
        # keeps its warehouse) and the rack limits, for the admin and the services alike.
        candidate = copy.copy(self.instance) if self.instance is not None else Location()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        candidate.full_clean(validate_unique=True)
        return attrs


class StockLevelSerializer(serializers.ModelSerializer):
    warehouse = serializers.IntegerField(
        source="location.warehouse_id", read_only=True, help_text="Warehouse id."
    )
    location_code = serializers.CharField(
        source="location.__str__", read_only=True, help_text="Warehouse code / location code."
    )
    part_sku = serializers.CharField(source="part.sku", read_only=True, help_text="Part SKU.")
    reorder_point = serializers.DecimalField(
        source="part.reorder_point",
        max_digits=14,
        decimal_places=4,
        read_only=True,
        help_text="The part's reorder point (company-wide).",
    )

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "warehouse",
            "location",
            "location_code",
            "part",
            "part_sku",
            "quantity",
            "reorder_point",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = _help(
            id="Database id.",
            location="Location id.",
            part="Part id.",
            quantity="Quantity on hand at this location (never negative).",
            updated_at="When the quantity last changed.",
        )


class StockMoveSerializer(serializers.ModelSerializer):
    document_number = serializers.CharField(
        source="document.number", read_only=True, help_text="Number of the posting document."
    )
    part_sku = serializers.CharField(source="part.sku", read_only=True, help_text="Part SKU.")
    location_code = serializers.CharField(
        source="location.__str__", read_only=True, help_text="Warehouse code / location code."
    )

    class Meta:
        model = StockMove
        fields = [
            "id",
            "document",
            "document_number",
            "line",
            "location",
            "location_code",
            "part",
            "part_sku",
            "quantity",
            "balance_after",
            "unit_cost",
            "user",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = _help(
            id="Database id.",
            document="The document whose posting (or cancelling) wrote this move.",
            line="The document line, if the move came from one.",
            location="Location id.",
            part="Part id.",
            quantity="Signed change: positive in, negative out.",
            balance_after="Quantity at the location right after this move.",
            unit_cost="Unit cost the move was valued at.",
            user="Who posted it.",
            created_at="When it was posted.",
        )


def _as_pk(value: Any) -> int | None:
    """The id a client sent as a number or a string of digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


class LineObjects:
    """The parts and locations a document's lines name, read with one query per model for
    the whole document (instead of one per line and field) before the lines are validated."""

    def __init__(self, lines: list[Any]) -> None:
        part_ids: set[int] = set()
        location_ids: set[int] = set()
        for line in lines:
            if not hasattr(line, "get"):
                continue
            if (pk := _as_pk(line.get("part"))) is not None:
                part_ids.add(pk)
            for name in ("from_location", "to_location"):
                if (pk := _as_pk(line.get(name))) is not None:
                    location_ids.add(pk)
        self.objects: dict[type, dict[int, Any]] = {
            # The services need a line's part for its id and its SKU (in messages) only.
            Part: Part.objects.only("pk", "sku").in_bulk(part_ids) if part_ids else {},
            Location: (
                Location.objects.select_related("warehouse").in_bulk(location_ids)
                if location_ids
                else {}
            ),
        }

    def get(self, model: type, value: Any) -> Any:
        pk = _as_pk(value)
        return None if pk is None else self.objects.get(model, {}).get(pk)


class LineObjectField(serializers.PrimaryKeyRelatedField):
    """A line's part or location: taken from the document's ``LineObjects`` when read there,
    else DRF's own lookup (so an unknown id or a wrong type gets DRF's usual message)."""

    def to_internal_value(self, data: Any) -> Any:
        found = getattr(self.root, "line_objects", None)
        instance = found.get(self.queryset.model, data) if found is not None else None
        return instance if instance is not None else super().to_internal_value(data)


class DocumentLineSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    part = LineObjectField(queryset=Part.objects.all(), help_text="Part id.")
    from_location = LineObjectField(
        queryset=Location.objects.all(),
        required=False,
        allow_null=True,
        help_text="Where the stock comes from (ISSUE, TRANSFER); defaults to the document's "
        "source location.",
    )
    to_location = LineObjectField(
        queryset=Location.objects.all(),
        required=False,
        allow_null=True,
        help_text="Where the stock goes (RECEIPT, TRANSFER) or was counted (ADJUSTMENT); "
        "defaults to the document's destination location.",
    )
    quantity = serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0"),
        help_text="Quantity moved (> 0); for an ADJUSTMENT the counted quantity (may be 0).",
    )
    unit_cost = serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="Unit cost of received stock; feeds the moving-average cost.",
    )
    part_sku = serializers.CharField(source="part.sku", read_only=True, help_text="Part SKU.")

    class Meta:
        model = DocumentLine
        fields = [
            "id",
            "part",
            "part_sku",
            "quantity",
            "from_location",
            "to_location",
            "unit_cost",
            "position",
        ]
        read_only_fields = ["position"]
        extra_kwargs = _help(id="Database id.", position="Order of the line in the document.")


# What DocumentLineSerializer shows of a line (and of its part): all that with_lines reads.
LINE_ANSWER_FIELDS = (
    "id",
    "document",
    "part__sku",
    "quantity",
    "from_location",
    "to_location",
    "unit_cost",
    "position",
)


def with_lines(document: StockDocument) -> StockDocument:
    """The document with its lines and their parts read in one query (a created, changed or
    posted document is answered with them: not one query per line)."""
    lines = DocumentLine.objects.select_related("part").only(*LINE_ANSWER_FIELDS)
    prefetch_related_objects([document], Prefetch("lines", queryset=lines))
    return document


class UserNameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        # Null until someone posts/cancels (and for documents made by commands without a user).
        super().__init__(slug_field="username", read_only=True, allow_null=True, **kwargs)


class StockDocumentSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    lines = DocumentLineSerializer(
        many=True,
        required=False,
        help_text="The document's lines, written in the same request (a BUILD's lines come from "
        "the assembly's BOM and are ignored on input).",
    )
    source_location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.all(),
        required=False,
        allow_null=True,
        help_text="Default location lines take stock from (ISSUE, TRANSFER, BUILD components).",
    )
    destination_location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.all(),
        required=False,
        allow_null=True,
        help_text="Default location lines put stock into (RECEIPT, TRANSFER, ADJUSTMENT, BUILD).",
    )
    build_part = serializers.PrimaryKeyRelatedField(
        queryset=Part.objects.filter(is_assembly=True),
        required=False,
        allow_null=True,
        help_text="BUILD only: the assembly to build.",
    )
    build_quantity = serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        required=False,
        allow_null=True,
        help_text="BUILD only: how many assemblies to build.",
    )
    created_by = UserNameField(help_text="Who created the document.")
    posted_by = UserNameField(help_text="Who posted it.")
    cancelled_by = UserNameField(help_text="Who cancelled it.")

    class Meta:
        model = StockDocument
        fields = [
            "id",
            "number",
            "status",
            "source_warehouse",
            "destination_warehouse",
            *StockDocument.HEADER_FIELDS,
            "idempotency_key",
            "created_by",
            "created_at",
            "posted_by",
            "posted_at",
            "cancelled_by",
            "cancelled_at",
            "lines",
        ]
        read_only_fields = [
            "number",
            "status",
            "source_warehouse",
            "destination_warehouse",
            "created_at",
            "posted_at",
            "cancelled_at",
        ]
        extra_kwargs = _help(
            id="Database id.",
            idempotency_key="Optional client key: creating again with the same key returns the "
            "first document (200) instead of a new one.",
            number="Number from the per-type yearly series, e.g. REC-2026-00042.",
            doc_type="RECEIPT, ISSUE, TRANSFER, ADJUSTMENT (a count) or BUILD; fixed once created.",
            status="DRAFT (editable), POSTED (read-only) or CANCELLED.",
            source_warehouse="Warehouse stock leaves (derived from the locations).",
            destination_warehouse="Warehouse stock enters (derived from the locations).",
            partner="Supplier or customer.",
            external_reference="Their reference: delivery note, order number.",
            note="Free text.",
            created_at="When the document was created.",
            posted_at="When it was posted.",
            cancelled_at="When it was cancelled.",
        )
        # A key used before answers with its document (the service's rule), not a 400.
        extra_kwargs["idempotency_key"]["validators"] = [validate_identifier]

    created = True  # set by create(): False when an idempotency key returned an earlier one

    def to_internal_value(self, data: Any) -> Any:
        # The service's line limit, before each of too many lines is validated.
        lines = data.get("lines") if hasattr(data, "get") else None
        if isinstance(lines, list):
            services.document_line_count_check(count=len(lines))
            self.line_objects = LineObjects(lines)
        return super().to_internal_value(data)

    def validate_idempotency_key(self, value: str | None) -> str | None:
        return value or None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            if "doc_type" in attrs and attrs["doc_type"] != self.instance.doc_type:
                raise serializers.ValidationError(
                    {"doc_type": ["The type of an existing document cannot change."]}
                )
            if "idempotency_key" in attrs and attrs["idempotency_key"] != (
                self.instance.idempotency_key
            ):
                raise serializers.ValidationError(
                    {"idempotency_key": ["The idempotency key cannot change."]}
                )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> StockDocument:
        # ``created`` is False when the idempotency key returned an earlier document.
        document, self.created = services.document_create_once(
            user=self.context["request"].user,
            lines=validated_data.pop("lines", []),
            **validated_data,
        )
        return with_lines(document)

    def update(self, instance: StockDocument, validated_data: dict[str, Any]) -> StockDocument:
        lines = validated_data.pop("lines", None)
        validated_data.pop("doc_type", None)
        validated_data.pop("idempotency_key", None)
        document = services.document_update(document=instance, lines=lines, **validated_data)
        return with_lines(document)


class ShortageSerializer(serializers.Serializer):
    part = serializers.CharField(help_text="SKU of the short part.")
    location = serializers.CharField(help_text="Warehouse code / location code.")
    requested = serializers.CharField(help_text="Quantity the line asked for.")
    available = serializers.CharField(help_text="Quantity there was.")


class StockConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why the request conflicts with the stock.")
    errors = serializers.ListField(
        child=serializers.CharField(), help_text="One message per problem."
    )
    shortages = ShortageSerializer(many=True, help_text="Each short line, when stock is short.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person.")


class StockVerificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockVerification
        fields = [
            "id",
            "started_at",
            "finished_at",
            "levels_checked",
            "mismatch_count",
            "mismatches",
            "triggered_by",
        ]
        extra_kwargs = {
            "started_at": {"help_text": "When the check began."},
            "finished_at": {"help_text": "When the check ended."},
            "levels_checked": {"help_text": "Stock levels compared with the ledger."},
            "mismatch_count": {"help_text": "Levels whose balance differs from the ledger."},
            "mismatches": {"help_text": "Each differing level: location, part, level, ledger."},
            "triggered_by": {"help_text": "schedule, command or api."},
        }
