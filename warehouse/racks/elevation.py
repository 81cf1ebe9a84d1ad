"""Rack elevations: SVG (front and rear) for the pages, plain text for the rack_report command."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from warehouse.racks.analysis import RackAnalysis, face_units, zone_bounds
from warehouse.racks.layout import FRONT, REAR, Layout, faces_of, units_label

UNIT_PX = 18
RACK_PX = 240
LEFT_PX = 34
TOP_PX = 26
RIGHT_PX = 64

# Fill colour per device type (colour-blind-friendly Tableau 10), and the text colour on it.
TYPE_COLOURS = {
    "server": ("#4e79a7", "#fff"),
    "switch": ("#59a14f", "#fff"),
    "router": ("#76b7b2", "#1d2a35"),
    "firewall": ("#e15759", "#fff"),
    "storage": ("#f28e2b", "#1d2a35"),
    "pdu": ("#9c755f", "#fff"),
    "ups": ("#edc948", "#1d2a35"),
    "patch_panel": ("#bab0ac", "#1d2a35"),
    "kvm": ("#b07aa1", "#fff"),
    "other": ("#999999", "#fff"),
}
HOT_SPOT_STROKE = "#d62728"
# Text elevation: an empty unit and the lower units of a multi-unit device look nothing alike.
EMPTY_UNIT = "-"
CONTINUED = "  ┃"
MOVED_STROKE = "#1f77b4"


def type_colour(device_type: str) -> str:
    return TYPE_COLOURS.get(device_type, TYPE_COLOURS["other"])[0]


def elevation_svg(
    layout: Layout,
    face: str,
    *,
    analysis: RackAnalysis | None = None,
    moved: set[int] | frozenset[int] = frozenset(),
    title: str = "",
) -> SafeString:
    """One face of the rack; devices mounted on the other face show only if full depth (faded)."""
    height = layout.rack.height_u
    width = LEFT_PX + RACK_PX + RIGHT_PX
    total_height = TOP_PX + height * UNIT_PX + 8
    hot = {h.device_id for h in analysis.hot_spots} if analysis else set()
    inlet = analysis.inlet_c if analysis else {}
    caption = title or f"{layout.rack.name} {face}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rack-elevation" role="img" '
        f'viewBox="0 0 {width} {total_height}" width="{width}" height="{total_height}" '
        f'aria-label="{escape(caption)}">',
        f'<text x="{LEFT_PX}" y="16" font-size="13" font-weight="600" fill="#1d2a35">'
        f"{escape(caption)}</text>",
        f'<rect x="{LEFT_PX}" y="{TOP_PX}" width="{RACK_PX}" height="{height * UNIT_PX}" '
        'fill="#f4f6f9" stroke="#52606d" stroke-width="2"/>',
    ]
    for unit in range(1, height + 1):
        y = _unit_top(height, unit)
        parts.append(
            f'<text x="{LEFT_PX - 4}" y="{y + UNIT_PX - 5}" font-size="9" fill="#7b8794" '
            f'text-anchor="end">{unit}</text>'
        )
        parts.append(
            f'<line x1="{LEFT_PX}" y1="{y}" x2="{LEFT_PX + RACK_PX}" y2="{y}" '
            'stroke="#e1e6ec" stroke-width="1"/>'
        )
    for name, first, last in zone_bounds(height):
        if last < first:
            continue
        y_top = _unit_top(height, last)
        parts.append(
            f'<line x1="{LEFT_PX + RACK_PX}" y1="{y_top}" x2="{width - 4}" y2="{y_top}" '
            'stroke="#9fb3c8" stroke-dasharray="3 2"/>'
        )
        share = ""
        if analysis:
            zone = next(z for z in analysis.zones if z.name == name)
            share = f" {zone.share_pct:.0f}%"
        parts.append(
            f'<text x="{LEFT_PX + RACK_PX + 6}" y="{y_top + 12}" font-size="10" fill="#52606d">'
            f"{name}{share}</text>"
        )
    for device, slot in layout.placed():
        if face not in faces_of(device, slot):
            continue
        y = _unit_top(height, slot.start_u + device.height_u - 1)
        box_height = device.height_u * UNIT_PX
        fill, ink = TYPE_COLOURS.get(device.device_type, TYPE_COLOURS["other"])
        from_behind = device.is_full_depth and slot.face != face
        stroke, stroke_width, dash = "#1d2a35", 1, ""
        if device.id in moved:
            stroke, stroke_width, dash = MOVED_STROKE, 2.5, ' stroke-dasharray="5 3"'
        if device.id in hot:
            stroke, stroke_width = HOT_SPOT_STROKE, 3
        tooltip = (
            f"{device.label} · {device.device_type.replace('_', ' ')} · "
            f"{units_label(slot.start_u, device.height_u)} {slot.face} · "
            f"{device.power_w:.0f} W · {device.weight_kg:.1f} kg"
        )
        if device.id in inlet:
            tooltip += f" · inlet ≈ {inlet[device.id]:.1f} °C"
        if from_behind:
            tooltip += " (seen from behind)"
        opacity = "0.45" if from_behind else "1"
        parts.append(
            f'<g class="rack-device" data-asset="{device.id}"><title>{escape(tooltip)}</title>'
            f'<rect x="{LEFT_PX + 3}" y="{y + 1}" width="{RACK_PX - 6}" height="{box_height - 2}" '
            f'rx="2" fill="{fill}" fill-opacity="{opacity}" stroke="{stroke}" '
            f'stroke-width="{stroke_width}"{dash}/>'
            f'<text x="{LEFT_PX + 9}" y="{y + min(box_height, UNIT_PX) / 2 + 4}" font-size="11" '
            f'fill="{ink if not from_behind else "#1d2a35"}">'
            f"{escape(_fit(device.name, device.model, device.device_type))}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text is escaped above


def _unit_top(height: int, unit: int) -> int:
    """Y of the top edge of a unit (unit 1 is at the bottom)."""
    return TOP_PX + (height - unit) * UNIT_PX


def _fit(name: str, model: str, device_type: str) -> str:
    label = f"{name} · {device_type.replace('_', ' ')}"
    return label if len(label) <= 34 else label[:33] + "…"


def elevation_text(layout: Layout) -> str:
    """One line per unit, top to bottom: `U42 | front device | rear device`.

    A device is named on its top unit; its lower units show a vertical bar (┃) and empty units a
    dash, so a 2U server reads as its name over a bar, never as two free units.
    """
    units = face_units(layout)
    width = max([len(d.name) for d in layout.devices.values()] + [10]) + 2
    lines = [f"{'':>4}   {'front':<{width}}| {'rear':<{width}}"]
    for unit in range(layout.rack.height_u, 0, -1):
        cells = []
        for face in (FRONT, REAR):
            device_id = units[face].get(unit)
            if device_id is None:
                cells.append(EMPTY_UNIT)
                continue
            device = layout.devices[device_id]
            slot = layout.slots[device_id]
            top = slot.start_u + device.height_u - 1
            cell = device.name if unit == top else CONTINUED
            if device.is_full_depth and slot.face != face:
                cell = f"({device.name})" if unit == top else CONTINUED
            cells.append(cell)
        lines.append(f"U{unit:<3}  {cells[0]:<{width}}| {cells[1]:<{width}}")
    return "\n".join(lines)
