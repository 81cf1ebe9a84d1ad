"""Racks: elevations, placement rules, thermal analysis and the placement optimiser."""
