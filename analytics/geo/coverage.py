"""Delivery coverage as pure computation: which vendors reach each grid cell. Django-free.

A vendor reaches a cell when the great-circle (haversine, mean Earth radius 6,371.0088 km)
distance from the vendor to the cell's centre is at most its delivery radius. The grid is the H3
grid at resolution 9 (edge ≈ 174 m, centres ≈ 300 m apart: the resolution nearest the 200 m the
business asked for, and the one orders are stored at, so "orders in covered cells" is an exact
join on the stored cell rather than a second point-in-cell pass). What-if radii
(``scaled_radius``) change the numbers only, never the stored vendors.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class VendorReach:
    latitude: float
    longitude: float
    radius_km: float
    business_line: str = ""
    grade: str = ""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = phi2 - phi1, np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a)))


def scaled_radius(
    radius_km: float, *, scale_percent: float | None, fixed_km: float | None
) -> float:
    if fixed_km is not None:
        return fixed_km
    if scale_percent is not None:
        return radius_km * scale_percent / 100
    return radius_km


def reach(
    centres: Sequence[tuple[float, float]], vendors: Sequence[VendorReach]
) -> list[list[int]]:
    """For each cell centre (lat, lng), the indexes of the vendors that reach it.

    Vectorised per vendor over the cells in its bounding box, then an exact haversine test.
    """
    if not centres:
        return []
    lats = np.radians(np.array([c[0] for c in centres]))
    lngs = np.radians(np.array([c[1] for c in centres]))
    cos_lats = np.cos(lats)
    reached: list[list[int]] = [[] for _ in centres]
    for index, vendor in enumerate(vendors):
        if vendor.radius_km <= 0:
            continue
        vlat, vlng = np.radians(vendor.latitude), np.radians(vendor.longitude)
        # Bounding box in radians (a little generous), then the exact distance.
        dlat = vendor.radius_km / EARTH_RADIUS_KM * 1.01
        box = np.abs(lats - vlat) <= dlat
        candidates = np.nonzero(box)[0]
        if candidates.size == 0:
            continue
        a = (
            np.sin((lats[candidates] - vlat) / 2) ** 2
            + cos_lats[candidates] * np.cos(vlat) * np.sin((lngs[candidates] - vlng) / 2) ** 2
        )
        distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        for cell_index in candidates[distance <= vendor.radius_km]:
            reached[int(cell_index)].append(index)
    return reached


def area_share(cells_orders: dict[int, int], covered: set[int]) -> tuple[int, int, float]:
    """(orders in covered cells, all orders, percent covered) over the given cells."""
    total = sum(cells_orders.values())
    inside = sum(count for cell, count in cells_orders.items() if cell in covered)
    return inside, total, round(100 * inside / total, 2) if total else 0.0
