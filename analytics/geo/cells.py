"""H3 cells as 64-bit integers: the stored resolution, parents by bit arithmetic, boundaries.

Orders store their cell at ``STORED_RESOLUTION`` (9, edge ≈ 174 m). A coarser cell is the same
integer with the resolution field (bits 52–55) set and the digits below it set to 7 (unused), so
``parent = (cell & and_mask) | or_mask`` — the same two constants in Python and in SQL (both
SQLite and PostgreSQL do 64-bit ``&``/``|``), which lets the database group by any coarser cell
without an H3 extension. H3 cells keep bit 63 clear, so they fit a signed BIGINT. Django-free.
"""

import h3

STORED_RESOLUTION = 9
MIN_RESOLUTION = 5
RESOLUTION_SHIFT = 52
DIGIT_BITS = 3


def cell_of(latitude: float, longitude: float) -> int:
    return h3.str_to_int(h3.latlng_to_cell(latitude, longitude, STORED_RESOLUTION))


def parent_masks(resolution: int) -> tuple[int, int]:
    """(and_mask, or_mask) turning a stored-resolution cell into its parent at ``resolution``."""
    if not MIN_RESOLUTION <= resolution <= STORED_RESOLUTION:
        raise ValueError(f"resolution must be {MIN_RESOLUTION}..{STORED_RESOLUTION}")
    digits = 0
    for digit in range(resolution + 1, STORED_RESOLUTION + 1):
        digits |= 0b111 << (DIGIT_BITS * (15 - digit))
    and_mask = ((1 << 63) - 1) & ~(0xF << RESOLUTION_SHIFT)
    return and_mask, (resolution << RESOLUTION_SHIFT) | digits


def parent(cell: int, resolution: int) -> int:
    and_mask, or_mask = parent_masks(resolution)
    return (cell & and_mask) | or_mask


def to_text(cell: int) -> str:
    return h3.int_to_str(cell)


def boundary(cell: int) -> list[list[float]]:
    """The cell's closed ring as GeoJSON positions [longitude, latitude]."""
    ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(h3.int_to_str(cell))]
    return ring + [ring[0]]


def centre(cell: int) -> tuple[float, float]:
    return h3.cell_to_latlng(h3.int_to_str(cell))
