"""Admin for racks, assets, placements and connections."""
