"""Admin for racks, assets, placements and connections.

Racks themselves are Locations of kind rack (registered with the stock admin); here are the
devices in them. New placements go through the placement service, so the admin enforces the
same rules as the pages and the API; an existing placement's position is changed by removing
and placing again, or by applying an optimiser proposal.
"""

from django import forms
from django.contrib import admin, messages

from warehouse.models import Asset, Connection, RackPlacement
from warehouse.racks.services import RackRuleError, placement_check, placement_create


class RackPlacementInline(admin.TabularInline):
    model = RackPlacement
    fk_name = "asset"
    extra = 0
    max_num = 1
    fields = ("rack", "start_u", "face", "height_u", "is_full_depth", "is_locked")
    readonly_fields = ("rack", "start_u", "face", "height_u", "is_full_depth")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "part",
        "serial_number",
        "asset_tag",
        "hostname",
        "ip_address",
        "status",
        "rack_position",
    )
    list_filter = ("status", "part__device_type", "part__manufacturer", "placement__rack")
    search_fields = ("name", "serial_number", "asset_tag", "hostname", "part__sku", "part__name")
    # Only device models are offered for the part: Asset.part's limit_choices_to is the rule,
    # and the form field, this autocomplete and full_clean() all apply it.
    autocomplete_fields = ("part",)
    raw_id_fields = ("location",)
    inlines = [RackPlacementInline]
    list_select_related = ("part", "placement__rack__warehouse")

    @admin.display(description="Rack position")
    def rack_position(self, asset: Asset) -> str:
        placement = getattr(asset, "placement", None)
        if placement is None:
            return "—"
        return f"{placement.rack} U{placement.start_u}–U{placement.end_u} {placement.face}"


class RackPlacementAddForm(forms.ModelForm):
    class Meta:
        model = RackPlacement
        fields = ("asset", "rack", "start_u", "face", "is_locked")

    def clean(self):
        cleaned = super().clean()
        rack, asset, start_u = cleaned.get("rack"), cleaned.get("asset"), cleaned.get("start_u")
        if rack and asset and start_u:
            violations = placement_check(
                rack=rack, asset=asset, start_u=start_u, face=cleaned.get("face") or "front"
            )
            if violations:
                raise forms.ValidationError([v.message for v in violations])
        return cleaned


@admin.register(RackPlacement)
class RackPlacementAdmin(admin.ModelAdmin):
    list_display = ("asset", "rack", "start_u", "height_u", "face", "is_full_depth", "is_locked")
    list_filter = ("rack__warehouse", "rack", "face", "is_locked", "is_full_depth")
    search_fields = ("asset__name", "asset__serial_number", "rack__code")
    autocomplete_fields = ("asset",)
    list_select_related = ("asset", "rack__warehouse")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = RackPlacementAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("asset", "rack", "start_u", "face", "is_locked")
        return ("asset", "rack", "start_u", "height_u", "face", "is_full_depth", "is_locked")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("asset", "rack", "start_u", "height_u", "face", "is_full_depth")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            placed = placement_create(
                rack=obj.rack,
                asset=obj.asset,
                start_u=obj.start_u,
                face=obj.face,
                is_locked=obj.is_locked,
                user=request.user,
            )
        except RackRuleError as error:
            # Someone else took the units between the form check and the save.
            messages.error(request, " ".join(error.messages))
            raise
        obj.pk = placed.pk
        obj.height_u, obj.is_full_depth = placed.height_u, placed.is_full_depth
        for spot in placed.new_hot_spots:  # allowed, but the rack now runs hot there
            messages.warning(request, f"New hot spot: {spot.message}")


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ("a_asset", "a_port", "b_asset", "b_port", "cable_type", "length_m")
    list_filter = ("cable_type",)
    search_fields = ("a_asset__name", "b_asset__name", "a_port", "b_port")
    autocomplete_fields = ("a_asset", "b_asset")
    list_select_related = ("a_asset", "b_asset")
